"""The Indicators page through AppTest: status at a glance and the Excel export."""

from __future__ import annotations

import pytest

from model import DATA_DIR
from model.accounts.auth import LOCAL_USER, VIEWER, PermissionDenied, create_user
from model.store import db
from model.store.proposal_files import import_proposals
from model.store.screening import (
    fetch_project_indicators,
    save_project_indicators,
    start_monitoring,
)
from tests.test_pages import open_page

PAGE = "pages/indicators.py"
EXAMPLE = DATA_DIR / "proposals_example.csv"


@pytest.fixture
def monitored(app_db: str) -> str:
    """P-006 funded and monitored, its jobs indicator measured at 33 of 35 (on track)."""
    eng = db.make_engine(app_db)
    import_proposals(eng, EXAMPLE.read_bytes(), EXAMPLE.name, user=LOCAL_USER)
    start_monitoring(eng, ["P-006"], user=LOCAL_USER)
    jobs = next(i for i in fetch_project_indicators(eng, "P-006") if i.unit == "jobs")
    save_project_indicators(eng, [jobs.model_copy(update={"actual": 33.0})], user=LOCAL_USER)
    eng.dispose()
    return app_db


def test_no_project_yet_says_how_to_start(app_db: str) -> None:
    at = open_page(PAGE)
    assert any("No funded project is monitored yet" in i.value for i in at.info)


def test_status_at_a_glance_and_excel_export(monitored: str) -> None:
    at = open_page(PAGE)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[":green-badge[on track]"] == "1"
    assert metrics[":gray-badge[not yet measured]"] == "3"
    long_run = next(
        d.value
        for d in at.dataframe
        if "reason" in d.value.columns and "jobs" in set(d.value["unit"])
    )
    jobs = long_run.set_index("unit").loc["jobs"]
    assert jobs["status"] == "on track"
    assert jobs["reason"] == "94% of the planned change achieved, 100% due by now"
    labels = {getattr(b, "label", "") for b in at.get("download_button")}
    assert "Download all indicators (.xlsx)" in labels


def test_viewer_cannot_record_actuals(monitored: str) -> None:
    eng = db.make_engine(monitored)
    create_user(eng, "admin", "a-long-password-1", "admin")
    at = open_page(PAGE)
    assert "Save actuals" not in {b.label for b in at.button}
    ind = fetch_project_indicators(eng, "P-006")[0]
    with pytest.raises(PermissionDenied):
        save_project_indicators(eng, [ind.model_copy(update={"actual": 1.0})], user=VIEWER)
