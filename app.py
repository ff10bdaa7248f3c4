"""Fomento's entry point: page config and navigation only (the pages hold the content)."""

import streamlit as st

from pages._shared import account_sidebar

# No page_title here: each st.Page title names its browser tab.
st.set_page_config(page_icon=":bar_chart:", layout="wide")

home = st.Page("pages/home.py", title="Home", icon=":material/home:", url_path="home", default=True)
evidence = st.Page(
    "pages/evidence.py", title="Evidence", icon=":material/query_stats:", url_path="evidence"
)
data = st.Page("pages/data.py", title="Data", icon=":material/table:", url_path="data")
proposals = st.Page(
    "pages/proposals.py", title="Proposals", icon=":material/fact_check:", url_path="proposals"
)
networks = st.Page(
    "pages/networks.py", title="Networks (NET)", icon=":material/hub:", url_path="networks"
)
indicators = st.Page(
    "pages/indicators.py", title="Indicators", icon=":material/monitoring:", url_path="indicators"
)

page = st.navigation(
    {
        "Start": [home],
        "Evidence and data": [evidence, data],
        "Screening": [proposals, networks, indicators],
    }
)
account_sidebar()
page.run()
