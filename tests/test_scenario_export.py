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
from model.planning.brief import ILLUSTRATIVE, brief_html
from model.planning.workbook import (
    SHEETS,
    ScenarioDocument,
    file_stem,
    scenario_json,
    summary_sentence,
    workbook,
)

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


def test_workbook_has_one_sheet_per_table_with_numbers(hand: ScenarioDocument) -> None:
    data = workbook(hand)
    assert load_workbook(io.BytesIO(data)).sheetnames == list(SHEETS)
    summary = {(r[0], r[1]): r[2] for r in sheet_rows(data, "summary")[1:]}
    assert summary["assumptions", "budget_year_1"] == 100_000
    assert summary["assumptions", "horizon_years"] == 2
    assert summary["assumptions", "rule a. budgets"] is True
    assert summary["results", "objective"] == pytest.approx(HAND_OPTIMUM, rel=SOLVER_REL)
    assert summary["results", "unallocated"] == pytest.approx(10_000.0, abs=USD_TOL)
    alloc = {r[0]: r for r in sheet_rows(data, "allocation")[1:]}
    # hand.json: C1 funded fully at its 50 % floor, US$50,000 in each year.
    assert alloc["C1"][5:8] == pytest.approx((50_000.0, 50_000.0, 100_000.0), abs=USD_TOL)
    totals = {(r[0], r[1]): r[2] for r in sheet_rows(data, "totals")[1:]}
    assert totals["year", "1"] == pytest.approx(100_000.0, abs=USD_TOL)
    cons = {r[0]: r for r in sheet_rows(data, "constraints")[1:]}
    assert cons["budget_year[1]"][7] is True
    assert cons["budget_year[1]"][6] == pytest.approx(4.0, rel=SOLVER_REL)  # US$ per US$
    header = sheet_rows(data, "candidates")[0]
    assert {"id", "benefit_low", "benefit_high", "cost_op_year_1", "fee_share_op_year_2"} <= set(
        header
    )
    base = {r[0]: r for r in sheet_rows(data, "baseline")[1:]}
    assert hand.result.greedy is not None
    assert base["objective"][1] == pytest.approx(hand.result.greedy.objective, rel=SOLVER_REL)
    assert base["objective"][2] == pytest.approx(HAND_OPTIMUM, rel=SOLVER_REL)


def test_workbook_text_cells_are_neutralised() -> None:
    inputs = json.loads(json.dumps(HAND))
    inputs["candidates"][0]["name"] = INJECTION
    inputs["candidates"][0]["sector"] = "+cmd|' /C calc'!A0"
    doc = document(inputs, name="@risky", notes=INJECTION)
    data = workbook(doc)
    summary = {r[1]: r[2] for r in sheet_rows(data, "summary")[1:]}
    assert summary["notes"] == "'" + INJECTION
    assert summary["scenario"] == "'@risky"
    cand = sheet_rows(data, "candidates")
    row = dict(zip(cand[0], cand[1], strict=True))
    assert row["name"] == "'" + INJECTION
    assert str(row["sector"]).startswith("'+")
    alloc = {r[0]: r for r in sheet_rows(data, "allocation")[1:]}
    assert alloc["C1"][1] == "'" + INJECTION
    every_text = [
        v
        for sheet in SHEETS
        for r in sheet_rows(data, sheet)
        for v in r
        if isinstance(v, str) and v[:1] in "=+-@"
    ]
    # Only text that is a plain number (like "-1") may start with a formula character.
    for v in every_text:
        float(v)


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
    assert "No feasible plan" in page
    assert "<svg" not in page
    assert ILLUSTRATIVE not in page  # only the demo dataset is labelled illustrative


def test_summary_sentence_states_money_reach_and_return(hand: ScenarioDocument) -> None:
    text = summary_sentence(hand)
    assert text.startswith("With US$200,000 over 2 years (US$ of 2024)")
    assert "funds 3 of 3 candidates with US$190,000 of public money" in text
    assert "US$10,000 of the US$200,000 budget is left unallocated." in text


def test_file_stem_is_safe() -> None:
    assert file_stem("Demo baseline") == "fomento-scenario-demo-baseline"
    assert file_stem("../../etc/passwd") == "fomento-scenario-etc-passwd"
    assert file_stem("???") == "fomento-scenario-unnamed"
