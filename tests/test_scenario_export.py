"""Exporting a scenario: the Excel workbook, JSON the CLI accepts, and the one-page brief."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from model import DATA_DIR, cli
from model.allocator.api import allocate
from model.allocator.scenario import parse_scenario
from model.formatting import numbers
from model.planning.brief import ILLUSTRATIVE, assumption_items, brief_html
from model.planning.readout import summary_sentence as plan_sentence
from model.planning.workbook import (
    SHEETS,
    ScenarioDocument,
    file_stem,
    scenario_json,
    summary_sentence,
    workbook,
)
from tests.test_pages import open_page

SCENARIOS = DATA_DIR / "scenarios"
HAND: dict[str, Any] = json.loads((SCENARIOS / "hand.json").read_text(encoding="utf-8"))
HAND_OPTIMUM = 1_040_000.0  # benefit, derived by hand in hand.json's description
SOLVER_REL = 1e-6
USD_TOL = 0.01  # solver figures to the cent
INJECTION = '=HYPERLINK("http://evil","click")'


def document(inputs: dict[str, Any], *, name: str = "Hand plan", **kw: Any) -> ScenarioDocument:
    sc = parse_scenario(inputs)
    base: dict[str, Any] = {"notes": "", "dataset": "demo", "saved_by": "ana", "version": 3}
    base.update(kw)
    return ScenarioDocument(name=name, scenario=sc, result=allocate(sc), **base)


@pytest.fixture(scope="module")
def hand() -> ScenarioDocument:
    return document(HAND, notes="Year 1 binds")


def sheet_rows(data: bytes, sheet: str) -> list[tuple[Any, ...]]:
    wb = load_workbook(io.BytesIO(data))
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


def _by_first(rows: list[tuple[Any, ...]]) -> dict[Any, tuple[Any, ...]]:
    return {r[0]: r for r in rows[1:]}


def test_workbook_has_one_sheet_per_table_with_numbers(hand: ScenarioDocument) -> None:
    data = workbook(hand)
    assert load_workbook(io.BytesIO(data)).sheetnames == list(SHEETS)
    inputs = {r[0]: r[1] for r in sheet_rows(data, "Inputs")[1:]}
    assert inputs["Budget of year 1"] == 100_000
    assert inputs["Horizon"] == 2
    assert inputs["Rule: a. budgets"] == "on"
    figures = {r[0]: r[1] for r in sheet_rows(data, "Summary") if r[0]}
    assert figures["Objective"] == pytest.approx(HAND_OPTIMUM, rel=SOLVER_REL)
    assert figures["Left unallocated"] == pytest.approx(10_000.0, abs=USD_TOL)
    alloc = _by_first(sheet_rows(data, "Allocation"))
    # hand.json: C1 funded fully at its 50 % floor, US$50,000 in each year.
    assert alloc["C1"][5:8] == pytest.approx((50_000.0, 50_000.0, 100_000.0), abs=USD_TOL)
    totals = {(r[0], r[1]): r[2] for r in sheet_rows(data, "Totals")[1:]}
    assert totals["Plan year", "Year 1"] == pytest.approx(100_000.0, abs=USD_TOL)
    rules = {r[1]: r for r in sheet_rows(data, "Rules")[1:]}
    assert rules["budget_year[1]"][0] == "The year-1 budget"
    assert rules["budget_year[1]"][8] == "yes"
    assert rules["budget_year[1]"][7] == pytest.approx(4.0, rel=SOLVER_REL)  # US$ per US$
    header = sheet_rows(data, "Candidates")[0]
    assert {"Candidate", "Benefit (low, US$)", "Cost, year 1 of operation (US$)"} <= set(header)
    assert "Fee share, year 2 of operation" in header
    base = _by_first(sheet_rows(data, "Baseline"))
    assert hand.result.greedy is not None
    assert base["Objective"][1] == pytest.approx(hand.result.greedy.objective, rel=SOLVER_REL)
    assert base["Objective"][2] == pytest.approx(HAND_OPTIMUM, rel=SOLVER_REL)


def test_workbook_reads_like_a_finished_report(hand: ScenarioDocument) -> None:
    wb = load_workbook(io.BytesIO(workbook(hand)))
    summary = [r[0] for r in wb["Summary"].iter_rows(values_only=True) if r[0]]
    assert summary[0] == "Hand plan"
    assert summary_sentence(hand) in summary  # the plan's one sentence, as on the Plan page
    alloc = wb["Allocation"]
    assert alloc.freeze_panes == "A2"
    assert alloc["F2"].number_format == '"US$"#,##0'  # Year 1 (US$)
    assert alloc["E2"].number_format == "0%"  # scale funded
    assert alloc["C2"].value == "Cluster initiative"  # labels in words, not snake_case
    assert (alloc.column_dimensions["B"].width or 0) > len("Name")
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        assert not any(isinstance(h, str) and "_" in h and "[" not in h for h in header), header
    assert wb["Totals"]["D2"].number_format == "0.0%"
    # Native Excel charts: funding by instrument and plan year, and by region.
    charts = wb["Charts"]._charts
    assert len(charts) == 2
    # Stacked by instrument: one series per instrument, named by its header cell.
    refs = [s.tx.strRef.f.split("!")[1].replace("$", "") for s in charts[0].series]
    assert refs == ["B1", "C1", "D1"]
    assert wb["Charts"]["B1"].value == "Cluster initiative (US$)"
    inputs = {r[0]: r for r in wb["Inputs"].iter_rows(values_only=True)}
    assert inputs["Total budget"][1] == hand.scenario.budget.total
    assert inputs["Objective"][1] == "Most benefit (US$)"
    # The full record: every rule setting and the regions, readable.
    settings = {r[0]: r[1] for r in wb["Settings"].iter_rows(min_row=2, values_only=True)}
    assert settings["rules.budget.enabled"] == "yes"
    assert settings["solver.solver"] == hand.scenario.solver.solver
    regions = [r[0] for r in wb["Regions"].iter_rows(min_row=2, values_only=True)]
    assert regions == [g.name for g in hand.scenario.regions]


def test_json_export_round_trips_and_the_cli_solves_it(
    hand: ScenarioDocument, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = scenario_json(hand)
    again = parse_scenario(json.loads(data))
    assert again == hand.scenario.model_copy(update={"name": "Hand plan"})
    path = tmp_path / f"{file_stem(hand.name)}.json"
    path.write_bytes(data)
    assert cli.main(["allocate", str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scenario"] == "Hand plan"
    assert out["objective"] == pytest.approx(HAND_OPTIMUM, rel=SOLVER_REL)


def test_brief_has_summary_figures_charts_rules_and_caveat(hand: ScenarioDocument) -> None:
    page = brief_html(hand, today=date(2025, 3, 1))
    assert page.startswith("<!doctype html>")
    assert "@page { size: A4" in page and "@media print" in page
    assert "Hand plan" in page and "2025-03-01" in page
    assert summary_sentence(hand).replace("'", "&#x27;") in page
    assert page.count("<svg") == 3  # by instrument, by region, by plan year
    assert "budget_year[1]" in page  # the binding year-1 budget with its sentence
    assert "US$1,040,000" in page
    assert ILLUSTRATIVE in page
    assert "Year 1 binds" in page


def test_brief_escapes_text_and_handles_an_infeasible_plan() -> None:
    bad = json.loads((SCENARIOS / "infeasible.json").read_text(encoding="utf-8"))
    doc = document(bad, name="<script>alert(1)</script>", dataset="mine")
    assert doc.result.objective is None
    page = brief_html(doc)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "cannot be solved (infeasible)" in page
    assert "Rules to relax" in page
    assert "<svg" not in page
    assert ILLUSTRATIVE not in page  # only the demo dataset is labelled illustrative


def test_summary_sentence_is_the_plan_pages(hand: ScenarioDocument) -> None:
    text = summary_sentence(hand)
    assert text == plan_sentence(hand.result, hand.scenario)
    assert text.startswith("With US$200,000 over 2 years: ")
    assert "US$10,000 of the US$200,000 budget is left unallocated." in text


def test_file_stem_is_safe() -> None:
    assert file_stem("Demo baseline") == "fomento-scenario-demo-baseline"
    assert file_stem("../../etc/passwd") == "fomento-scenario-etc-passwd"
    assert file_stem("???") == "fomento-scenario-unnamed"


def test_brief_assumptions_state_targets_weights_and_diminishing_returns() -> None:
    # A plan solved with an enterprise target (what "apply the relaxations" leaves) read
    # "Objective: Most benefit (US$)" only: the rule that shaped it was missing.
    inputs = json.loads(json.dumps(HAND))
    inputs["objective"] = {"kind": "benefit", "targets": {"enterprises": 1805.02, "jobs": 10}}
    items = assumption_items(document(inputs))
    assert "Targets: at least 1,805.02 enterprises and 10 jobs" in items
    inputs["objective"] = {
        "kind": "weighted",
        "weights": {"benefit": 1, "jobs": 5000},
        "diminishing_returns": {"enabled": True},
    }
    doc = document(inputs)
    items = assumption_items(doc)
    assert "Weights: 1 per US$ of benefit, 5,000 per job" in items
    assert any(i.startswith("Diminishing returns: on") for i in items)
    assert "Targets: at least 1,805.02" in brief_html(
        document(HAND | {"objective": {"kind": "benefit", "targets": {"enterprises": 1805.02}}})
    )
    assert not any(
        i.startswith(("Targets", "Weights", "Diminishing"))
        for i in assumption_items(document(HAND))
    )


@pytest.mark.parametrize("page", ["pages/evidence.py", "pages/scenarios.py"])
def test_page_tables_show_a_dash_for_a_missing_value(app_db: str, page: str) -> None:
    # Streamlit prints "None" in an empty cell unless told otherwise (issue 14: "None" in
    # empty cells); the Evidence table has many (a range with no central value).
    at = open_page(page)
    assert not at.exception
    frames = at.dataframe
    assert len(frames) > 0
    for frame in frames:
        assert frame.proto.placeholder == numbers.MISSING, page


HOSTILE_NAME = "**b** [x](http://127.0.0.1:9/) =HYPERLINK(1)"


def test_scenarios_page_shows_a_scenario_name_as_typed(app_db: str) -> None:
    # The delete box and the difference table (st.table renders markdown, headers too)
    # showed '**b**' in bold and the address as a link.
    from model.accounts.auth import LOCAL_USER
    from model.store import db
    from model.store.scenarios import list_scenarios, save_scenario
    from model.store.seed import BASELINE_NAME
    from pages._shared import plain

    eng = db.make_engine(app_db)
    sc = parse_scenario(HAND)
    mine = save_scenario(eng, LOCAL_USER, sc, name=HOSTILE_NAME, result=allocate(sc))
    (base,) = [s for s in list_scenarios(eng) if s.name == BASELINE_NAME]
    eng.dispose()
    at = open_page("pages/scenarios.py")
    at.selectbox(key="scenarios_selected").set_value(mine.id).run()
    at.multiselect(key="scenarios_compare").set_value([base.id, mine.id]).run()
    assert not at.exception
    labels = [c.label for c in at.checkbox]
    assert f"Yes, delete '{plain(HOSTILE_NAME)}' for good" in labels, labels
    columns = list(at.table[0].value.columns)
    assert columns == [
        "Unit",
        plain(BASELINE_NAME),
        plain(HOSTILE_NAME),
        f"Δ {plain(HOSTILE_NAME)}",
    ]
