"""The Networks (NET) page through AppTest, on the shipped example assessments."""

from __future__ import annotations

import json
import re

import pytest

from model import DATA_DIR
from model.accounts.auth import LOCAL_USER, VIEWER, PermissionDenied, create_user
from model.store import db
from model.store.net_files import fetch_net_assessments, import_net_assessments
from tests.test_pages import open_page

PAGE = "pages/networks.py"
EXAMPLE = DATA_DIR / "net_example.csv"


@pytest.fixture
def imported(app_db: str) -> str:
    eng = db.make_engine(app_db)
    import_net_assessments(eng, EXAMPLE.read_bytes(), EXAMPLE.name, user=LOCAL_USER)
    eng.dispose()
    return app_db


def test_empty_page_loads_the_example_in_one_click(app_db: str) -> None:
    at = open_page(PAGE)
    assert any("No NET assessment yet" in i.value for i in at.info)
    at.button(key="networks_load_example").click().run()
    assert not at.exception, [e.value for e in at.exception]
    # The message quotes the file name as plain text (markdown characters escaped).
    shown = re.sub(r"\\(.)", r"\1", at.success[0].value)
    assert "Imported net_example.csv: NET assessments: 8 new" in shown
    assert len(fetch_net_assessments(db.make_engine(app_db))) == 8


def test_network_score_stage_fee_and_charts(imported: str) -> None:
    at = open_page(PAGE)
    at.selectbox(key="networks_pick").set_value("N-HAMMOCK").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    # 2025 hammock matrix: 32 achieved + 3 partly of 35 cells = 33.5 / 35 = 96 %; every stage has
    # at least 4 of 7 achieved, so self-management, fee share 60 % (net.DEFAULT_FEE_SHARES).
    assert metrics["Current stage"] == "Self-management"
    assert metrics["NET score"] == "96%"
    assert metrics["Expected fee share"] == "60%"
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(charts) == 3  # heatmap, history, benchmark
    heat = charts[0]["layer"][0]
    assert heat["mark"]["type"] == "rect"
    assert heat["encoding"]["color"]["scale"]["domain"] == ["achieved", "partly", "not"]
    assert charts[1]["mark"]["type"] == "line" and charts[2]["mark"]["type"] == "bar"
    fees = next(d.value for d in at.dataframe if "fee share" in d.value.index)
    assert list(fees.loc["fee share"]) == ["60%"] * 4

    at.selectbox(key="networks_pick").set_value("N-WOOD").run()
    metrics = {m.label: m.value for m in at.metric}
    # 2025 woodworkers: promotion has 5 of 7 achieved, strategic planning only 3.
    assert metrics["Current stage"] == "Promotion and motivation"
    assert metrics["Expected fee share"] == "0%"
    at.selectbox(key="networks_step").set_value(1).run()
    fees = next(d.value for d in at.dataframe if "fee share" in d.value.index)
    # One stage up a year: promotion 0, planning 0, pilot projects 20 %, strategic 40 %.
    assert list(fees.loc["fee share"]) == ["0%", "0%", "20%", "40%"]


def test_viewer_cannot_record_and_the_model_refuses(imported: str) -> None:
    eng = db.make_engine(imported)
    create_user(eng, "admin", "a-long-password-1", "admin")
    at = open_page(PAGE)
    assert any("read-only" in i.value for i in at.info)
    assert "Save assessment" not in {b.label for b in at.button}
    with pytest.raises(PermissionDenied):
        import_net_assessments(eng, EXAMPLE.read_bytes(), EXAMPLE.name, user=VIEWER)
