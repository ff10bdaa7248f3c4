"""Faults: an unreachable or locked database, an oversized upload, a solver time limit."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from model import DATA_DIR
from model.accounts.auth import User
from model.allocator.api import allocate
from model.allocator.scenario import parse_scenario
from model.planning.readout import summary_sentence
from model.store import db
from model.store.importer import ImportRejected, import_file
from model.store.repository import table_counts
from model.store.scenarios import list_scenarios, save_scenario
from model.store.tabular import MAX_UPLOAD_BYTES
from tests.test_pages import APP, TIMEOUT_S

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2"
ANALYST = User("luis", "analyst")
HAND = json.loads((DATA_DIR / "scenarios" / "hand.json").read_text())


def test_unreachable_database_is_a_clear_message() -> None:
    eng = db.make_engine(UNREACHABLE)
    with pytest.raises(db.DatabaseUnavailable, match=r"unreachable or busy.*nothing was written"):
        save_scenario(eng, ANALYST, parse_scenario(HAND), name="x")


def test_pages_say_the_database_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOMENTO_DATABASE_URL", UNREACHABLE)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception
    assert "Cannot reach the database" in at.error[0].value


def test_locked_sqlite_database_refuses_the_write_whole(app_db: str, tmp_path: Path) -> None:
    path = app_db.removeprefix("sqlite:///")
    eng = db.make_engine(app_db, busy_timeout_ms=200)
    before = len(list_scenarios(eng))
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    try:
        with pytest.raises(db.DatabaseUnavailable, match="database is locked"):
            save_scenario(eng, ANALYST, parse_scenario(HAND), name="while locked")
    finally:
        holder.rollback()
        holder.close()
    assert len(list_scenarios(eng)) == before


def test_upload_over_the_size_limit_is_refused(app_db: str) -> None:
    eng = db.make_engine(app_db)
    before = table_counts(eng)
    big = b"evidence_id\n" + b"x" * (MAX_UPLOAD_BYTES + 1)
    with pytest.raises(ImportRejected, match="the limit is 20 MB"):
        import_file(eng, big, "big.csv", user=User("a", "admin"))
    assert table_counts(eng) == before


def test_time_limited_milp_is_labelled_best_known() -> None:
    data = json.loads((DATA_DIR / "scenarios" / "demo.json").read_text())
    # Go/no-go on every candidate makes it a MILP; a tiny limit stops it early.
    ids = [c["id"] for c in data["candidates"]]
    data.setdefault("rules", {})["candidate_limits"] = {"go_no_go": dict.fromkeys(ids, 0.5)}
    data["solver"] = {"time_limit_s": 0.001}
    sc = parse_scenario(data)
    result = allocate(sc)
    text = summary_sentence(result, sc)
    if result.status == "time_limit":  # an incumbent: shown, but labelled
        assert text.startswith("Best plan found before the")
    elif result.status == "error":  # stopped before any plan: said so, nothing shown
        assert result.objective is None and "time limit" in text.lower()
    else:  # solved to optimality within the limit after all: nothing to label
        assert result.status == "optimal" and not text.startswith("Best plan found")
