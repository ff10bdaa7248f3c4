"""Home: what Fomento is for, whom it serves and where to go."""

import streamlit as st

from model.formatting.numbers import count
from model.store import db, repository
from pages._i18n import _, number_locale
from pages._shared import engine


def _link(page: str, label: str, what: str, icon: str) -> None:
    # A short link label and the description below it: long labels were cut mid-word.
    st.page_link(page, label=label, icon=icon)
    st.caption(what[:1].upper() + what[1:] + ".")


st.title("Fomento")
st.markdown(
    _(
        "Decision support for people who spend public money on small-business development: "
        "**cluster development initiatives**, **network brokers** and **matching grants**. "
        "Every figure traces back to a cited passage of the source documents "
        "(UNCTAD, UNIDO and IDB/MIF reports)."
    )
)

counts = repository.table_counts(engine())
c1, c2, c3, c4 = st.columns(4)
loc = number_locale()
c1.metric(_("Programmes documented"), count(counts["programmes"], locale=loc))
c2.metric(_("Cited evidence figures"), count(counts["evidence"], locale=loc))
c3.metric(_("Planning candidates"), count(counts["candidates"], locale=loc))
c4.metric(_("Regions"), count(counts["regions"], locale=loc))

st.subheader(_("Who it is for"))
st.markdown(
    _(
        "- **Ministry officials** exploring funding scenarios: with a given budget over a few "
        "years, which mix of clusters, brokers and grants reaches most firms?"
    )
    + "\n"
    + _(
        "- **Donors** comparing return per dollar across programmes, with the uncertainty the "
        "sources carry (ranges are kept, never averaged away)."
    )
    + "\n"
    + _("- **MIF staff** screening territorial project proposals against eligibility rules.")
)

st.subheader(_("Where to go"))
c1, c2, c3 = st.columns(3)
with c1:
    st.markdown(_("**Donors: compare programmes**"))
    _link(
        "pages/evidence.py",
        _("Evidence"),
        _("return per dollar, cost per enterprise and network, with sources"),
        ":material/query_stats:",
    )
    _link(
        "pages/data.py",
        _("Data"),
        _("the cited figures and planning candidates; import and download"),
        ":material/table:",
    )
with c2:
    st.markdown(_("**Ministries: plan a budget**"))
    _link(
        "pages/plan.py",
        _("Plan"),
        _("budget, rules and the optimal mix of clusters, brokers and grants"),
        ":material/tune:",
    )
    _link(
        "pages/scenarios.py",
        _("Scenarios"),
        _("compare saved plans and export them (Excel, JSON, brief)"),
        ":material/compare_arrows:",
    )
    _link(
        "pages/uncertainty.py",
        _("Uncertainty"),
        _("how sure the plan is, a robust plan, what equity costs"),
        ":material/casino:",
    )
with c3:
    st.markdown(_("**MIF staff and brokers: screen and monitor**"))
    _link(
        "pages/proposals.py",
        _("Proposals"),
        _("eligibility, review, ranking and hand-over to a plan"),
        ":material/fact_check:",
    )
    _link(
        "pages/networks.py", _("Networks (NET)"), _("network maturity over time"), ":material/hub:"
    )
    _link(
        "pages/indicators.py",
        _("Indicators"),
        _("IDB short, medium and long run"),
        ":material/monitoring:",
    )
_link(
    "pages/methodology.py",
    _("Methodology"),
    _("how the numbers are made and the sources they rest on"),
    ":material/menu_book:",
)

st.caption(_("Database: {kind}").format(kind=db.database_url().split("://")[0]))
