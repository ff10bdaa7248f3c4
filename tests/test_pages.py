"""Every page through Streamlit's AppTest, on a seeded SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT_S = 60


def open_page(page: str | None = None, locale: str | None = None, **state: object) -> AppTest:
    """The app opened on ``page`` (Home if None), for a browser in ``locale`` (e.g. "es-CO")
    and with ``state`` set in the session first; no exception."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    if locale is not None:
        at.context = {"locale": locale}
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_home_says_what_the_tool_is_for(app_db: str) -> None:
    at = open_page()
    assert at.title[0].value == "Fomento"
    text = " ".join(m.value for m in at.markdown)
    assert "Ministry officials" in text and "Donors" in text and "MIF staff" in text
    labels = {m.label: m.value for m in at.metric}
    assert int(labels["Cited evidence figures"]) > 0
    assert int(labels["Planning candidates"]) >= 30


def test_data_page_lists_and_filters_evidence(app_db: str) -> None:
    at = open_page("pages/data.py")
    assert at.title[0].value == "Data"
    total = len(at.dataframe[0].value)
    assert total > 20
    at.multiselect(key="data_ev_programme").select("HND").run()
    assert not at.exception
    view = at.dataframe[0].value
    assert 0 < len(view) < total and set(view["programme_id"]) == {"HND"}
    assert all(view["source_file"].str.endswith(".txt")) and all(view["passage"] != "")


def test_data_page_labels_demo_candidates_illustrative(app_db: str) -> None:
    at = open_page("pages/data.py")
    assert any("illustrative" in w.value for w in at.warning)
    at.multiselect(key="data_cand_kind").select("broker_programme").run()
    assert not at.exception
    cand = next(d.value for d in at.dataframe if "kind" in d.value.columns)
    assert len(cand) > 0 and set(cand["kind"]) == {"broker_programme"}


def test_pages_stop_with_a_message_when_the_database_is_not_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOMENTO_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception
    assert "fomento db upgrade" in at.error[0].value
