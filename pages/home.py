"""Home: what Fomento is for, whom it serves and where to go."""

import streamlit as st

from model import db, repository
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
st.page_link(
    "pages/data.py",
    label="Data: the evidence table, the planning candidates, imports and downloads",
    icon=":material/table:",
)

st.caption(f"Database: {db.database_url().split('://')[0]}")
