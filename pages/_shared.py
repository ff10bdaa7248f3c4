"""UI-side helpers shared by the pages: the cached engine and cached data loads.

Cache decorators live here, never in ``model/`` (STYLE.md habit 9).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.pages_manager import PagesManager

from model import db, migrate, repository
from model.candidates import KIND_LABELS

# Streamlit sees the pages/ folder beside app.py and, until some run has executed app.py's
# st.navigation, serves a direct URL such as /data by running pages/data.py alone with
# file-name titles in the sidebar. The first page run that finds that mode switches it off
# and reruns, so app.py routes the same URL (url_path == file stem) with our titles.
if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()

ILLUSTRATIVE_NOTE = (
    "The **demo** planning dataset is **illustrative**: a fictional country whose candidates "
    "are derived from the evidence ranges, not real projects."
)


@st.cache_resource
def _engine_for(url: str) -> Engine:
    # An Engine is a thread-safe connection pool, safe to share across sessions.
    return db.make_engine(url)


def engine() -> Engine:
    """The app's database engine; stops the page with a clear message if not migrated."""
    eng = _engine_for(db.database_url())
    try:
        ok = migrate.is_up_to_date(eng)
    except Exception as exc:  # the database may be down or unreachable
        st.error(
            f"Cannot reach the database ({type(exc).__name__}: {exc}). Check "
            f"`{db.ENV_URL}` or run `make run` to create the default SQLite file."
        )
        st.stop()
    if not ok:
        st.error("The database is not migrated yet: run `fomento db upgrade && fomento db seed`.")
        st.stop()
    return eng


@st.cache_data(ttl=60, show_spinner=False)
def evidence_frame(url: str) -> pd.DataFrame:
    rows = [r.model_dump() for r in repository.fetch_evidence(_engine_for(url))]
    return pd.DataFrame(rows)


@st.cache_data(ttl=60, show_spinner=False)
def programmes_frame(url: str) -> pd.DataFrame:
    rows = [r.model_dump() for r in repository.fetch_programmes(_engine_for(url))]
    return pd.DataFrame(rows)


@st.cache_data(ttl=60, show_spinner=False)
def candidates_frame(url: str, dataset: str) -> pd.DataFrame:
    rows = []
    for c in repository.fetch_candidates(_engine_for(url), dataset):
        d = c.model_dump()
        d["kind_label"] = KIND_LABELS[c.kind]
        d["total_cost"] = c.total_cost
        d["cost_by_year"] = "; ".join(f"{v:,.0f}" for v in c.cost_by_year)
        d["fee_schedule"] = "; ".join(f"{v:.0%}" for v in c.fee_schedule)
        rows.append(d)
    return pd.DataFrame(rows)


@st.cache_data(ttl=60, show_spinner=False)
def regions_frame(url: str, dataset: str) -> pd.DataFrame:
    rows = [r.model_dump() for r in repository.fetch_regions(_engine_for(url), dataset)]
    return pd.DataFrame(rows)


@st.cache_data(ttl=60, show_spinner=False)
def datasets(url: str) -> list[str]:
    return repository.list_datasets(_engine_for(url))


def clear_data_caches() -> None:
    """After a write, drop cached reads so every page shows the new rows."""
    for fn in (evidence_frame, programmes_frame, candidates_frame, regions_frame, datasets):
        fn.clear()
