"""Home: what Fomento is for, whom it serves and where to go."""

import streamlit as st

from model.store import db, repository
from pages._shared import engine

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
    st.page_link(
        "pages/evidence.py",
        label="Evidence: return per dollar, cost per enterprise and network, with sources",
        icon=":material/query_stats:",
    )
    st.page_link(
        "pages/data.py",
        label="Data: the cited figures and planning candidates; import and download",
        icon=":material/table:",
    )
with c2:
    st.markdown("**Ministries: plan a budget**")
    st.page_link(
        "pages/plan.py",
        label="Plan: budget, rules and the optimal mix of clusters, brokers and grants",
        icon=":material/tune:",
    )
    st.page_link(
        "pages/scenarios.py",
        label="Scenarios: compare saved plans and export them (Excel, JSON, brief)",
        icon=":material/compare_arrows:",
    )
    st.page_link(
        "pages/uncertainty.py",
        label="Uncertainty: how sure the plan is, a robust plan, what equity costs",
        icon=":material/casino:",
    )
with c3:
    st.markdown("**MIF staff and brokers: screen and monitor**")
    st.page_link(
        "pages/proposals.py",
        label="Proposals: eligibility, review, ranking and hand-over to a plan",
        icon=":material/fact_check:",
    )
    st.page_link(
        "pages/networks.py",
        label="Networks (NET): network maturity over time",
        icon=":material/hub:",
    )
    st.page_link(
        "pages/indicators.py",
        label="Indicators: IDB short, medium and long run",
        icon=":material/monitoring:",
    )
st.page_link(
    "pages/methodology.py",
    label="Methodology: how the numbers are made and the sources they rest on",
    icon=":material/menu_book:",
)

st.caption(f"Database: {db.database_url().split('://')[0]}")
