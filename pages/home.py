"""Home: what Fomento is for, whom it serves and where to go."""

import streamlit as st

from model.store import db, repository
from pages._shared import engine


def _link(page: str, label: str, what: str, icon: str) -> None:
    # A short link label and the description below it: long labels were cut mid-word.
    st.page_link(page, label=label, icon=icon)
    st.caption(what[:1].upper() + what[1:] + ".")


st.title("Fomento")
st.markdown(
    "Decision support for people who spend public money on small-business development: "
    "**cluster development initiatives**, **network brokers** and **matching grants**. "
    "Every figure traces back to a cited passage of the source documents "
    "(UNCTAD, UNIDO and IDB/MIF reports)."
)

counts = repository.table_counts(engine())
c1, c2, c3, c4 = st.columns(4)
c1.metric("Programmes documented", counts["programmes"])
c2.metric("Cited evidence figures", counts["evidence"])
c3.metric("Planning candidates", counts["candidates"])
c4.metric("Regions", counts["regions"])

st.subheader("Who it is for")
st.markdown(
    "- **Ministry officials** exploring funding scenarios: with a given budget over a few "
    "years, which mix of clusters, brokers and grants reaches most firms?\n"
    "- **Donors** comparing return per dollar across programmes, with the uncertainty the "
    "sources carry (ranges are kept, never averaged away).\n"
    "- **MIF staff** screening territorial project proposals against eligibility rules."
)

st.subheader("Where to go")
c1, c2, c3 = st.columns(3)
with c1:
    st.markdown("**Donors: compare programmes**")
    _link(
        "pages/evidence.py",
        "Evidence",
        "return per dollar, cost per enterprise and network, with sources",
        ":material/query_stats:",
    )
    _link(
        "pages/data.py",
        "Data",
        "the cited figures and planning candidates; import and download",
        ":material/table:",
    )
with c2:
    st.markdown("**Ministries: plan a budget**")
    _link(
        "pages/plan.py",
        "Plan",
        "budget, rules and the optimal mix of clusters, brokers and grants",
        ":material/tune:",
    )
    _link(
        "pages/scenarios.py",
        "Scenarios",
        "compare saved plans and export them (Excel, JSON, brief)",
        ":material/compare_arrows:",
    )
    _link(
        "pages/uncertainty.py",
        "Uncertainty",
        "how sure the plan is, a robust plan, what equity costs",
        ":material/casino:",
    )
with c3:
    st.markdown("**MIF staff and brokers: screen and monitor**")
    _link(
        "pages/proposals.py",
        "Proposals",
        "eligibility, review, ranking and hand-over to a plan",
        ":material/fact_check:",
    )
    _link("pages/networks.py", "Networks (NET)", "network maturity over time", ":material/hub:")
    _link(
        "pages/indicators.py",
        "Indicators",
        "IDB short, medium and long run",
        ":material/monitoring:",
    )
_link(
    "pages/methodology.py",
    "Methodology",
    "how the numbers are made and the sources they rest on",
    ":material/menu_book:",
)

st.caption(f"Database: {db.database_url().split('://')[0]}")
