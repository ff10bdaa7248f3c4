"""Fomento's entry point: page config and navigation only (the pages hold the content)."""

import streamlit as st

from pages._i18n import _, tr
from pages._shared import account_sidebar

# No page_title here: each st.Page title names its browser tab.
st.set_page_config(page_icon=":bar_chart:", layout="wide")
tr()  # the reader's language is the active one for this run (pages and model text)

home = st.Page("pages/home.py", title=_("Home"), icon=":material/home:", default=True)
evidence = st.Page(
    "pages/evidence.py", title=_("Evidence"), icon=":material/query_stats:", url_path="evidence"
)
data = st.Page("pages/data.py", title=_("Data"), icon=":material/table:", url_path="data")
proposals = st.Page(
    "pages/proposals.py", title=_("Proposals"), icon=":material/fact_check:", url_path="proposals"
)
networks = st.Page(
    "pages/networks.py", title=_("Networks (NET)"), icon=":material/hub:", url_path="networks"
)
indicators = st.Page(
    "pages/indicators.py",
    title=_("Indicators"),
    icon=":material/monitoring:",
    url_path="indicators",
)
plan = st.Page("pages/plan.py", title=_("Plan"), icon=":material/tune:", url_path="plan")
scenarios = st.Page(
    "pages/scenarios.py",
    title=_("Scenarios"),
    icon=":material/compare_arrows:",
    url_path="scenarios",
)
uncertainty = st.Page(
    "pages/uncertainty.py", title=_("Uncertainty"), icon=":material/casino:", url_path="uncertainty"
)
methodology = st.Page(
    "pages/methodology.py",
    title=_("Methodology"),
    icon=":material/menu_book:",
    url_path="methodology",
)

admin = st.Page(
    "pages/admin.py", title=_("Admin"), icon=":material/admin_panel_settings:", url_path="admin"
)

page = st.navigation(
    {
        _("Start"): [home],
        _("Evidence and data"): [evidence, data],
        _("Planning"): [plan, scenarios, uncertainty],
        _("Screening"): [proposals, networks, indicators],
        _("About"): [methodology, admin],
    }
)
account_sidebar()
page.run()
