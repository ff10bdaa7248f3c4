"""The PDF brief read back (pypdf), ``fomento report`` writing the workbook and the brief,
and the warning that says which budget limits a plan."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from model import DATA_DIR, cli
from model.allocator.api import allocate
from model.allocator.scenario import parse_scenario
from model.formatting import numbers
from model.planning.pdf import brief_pdf, plain
from model.planning.readout import budget_limit_note
from model.planning.workbook import ScenarioDocument, summary_sentence

SCENARIOS = DATA_DIR / "scenarios"
DEMO: dict[str, Any] = json.loads((SCENARIOS / "demo.json").read_text(encoding="utf-8"))
HAND: dict[str, Any] = json.loads((SCENARIOS / "hand.json").read_text(encoding="utf-8"))
YEAR_1_USD = 10_000.0  # the case: total US$5 M, year 1 set to US$10,000
OTHER_YEARS_USD = 1_250_000.0


def _doc(
    inputs: dict[str, Any], name: str = "Demo brief", dataset: str = "demo"
) -> ScenarioDocument:
    sc = parse_scenario(inputs)
    return ScenarioDocument(name=name, notes="", dataset=dataset, scenario=sc, result=allocate(sc))


def _text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(p.extract_text() for p in reader.pages)
    return len(reader.pages), " ".join(text.split())  # lines re-joined: wrapping is layout


@pytest.fixture(scope="module")
def demo() -> ScenarioDocument:
    return _doc(DEMO)


def test_pdf_brief_has_the_plans_sentence_figures_and_charts(demo: ScenarioDocument) -> None:
    data = brief_pdf(demo)
    assert data.startswith(b"%PDF-")
    pages, text = _text(data)
    assert pages == 1  # one page, as the brief promises
    r = demo.result
    assert " ".join(plain(summary_sentence(demo)).split()) in text
    assert numbers.money(r.total_public) in text
    assert numbers.money(r.outcomes["benefit"]) in text
    assert numbers.count(r.outcomes["enterprises"]) in text
    assert "Where the public money goes" in text and "What limits the plan" in text
    assert "illustrative" in text  # the demo's data caveat
    reader = PdfReader(io.BytesIO(data))
    images = list(reader.pages[0].images)
    assert len(images) == 3  # by instrument, by region, by plan year


def test_pdf_brief_of_an_infeasible_plan_lists_the_relaxations() -> None:
    bad = json.loads((SCENARIOS / "infeasible.json").read_text(encoding="utf-8"))
    doc = _doc(bad, name="Too tight", dataset="mine")
    assert doc.result.objective is None
    _, text = _text(brief_pdf(doc))
    assert "cannot be solved" in text and "Rules to relax" in text
    assert doc.result.relaxation[0].sentence[:40] in text
    assert "illustrative" not in text


def test_budget_note_says_the_year_budgets_limit_the_plan() -> None:
    inputs = json.loads(json.dumps(DEMO))
    inputs["budget"]["per_year"] = [YEAR_1_USD] + [OTHER_YEARS_USD] * 3
    inputs["budget"]["total"] = 5_000_000
    doc = _doc(inputs)
    years = YEAR_1_USD + 3 * OTHER_YEARS_USD
    note = budget_limit_note(doc.result, doc.scenario)
    assert note is not None
    assert note.startswith(
        f"The year budgets add up to {numbers.money(years)}, less than the total budget of "
        "US$5,000,000: the year budgets, not the total, limit this plan"
    )
    assert "year 1 (US$10,000)" in note  # the year that binds, named with its amount
    assert doc.result.total_public <= years + 1.0
    # hand.json's year budgets add up to its total: no word of a shortfall.
    hand = _doc(HAND)
    assert "less than the total" not in (budget_limit_note(hand.result, hand.scenario) or "")


def test_no_budget_note_without_year_budgets() -> None:
    inputs = json.loads(json.dumps(DEMO))
    inputs["budget"]["per_year"] = None
    doc = _doc(inputs)
    assert budget_limit_note(doc.result, doc.scenario) is None


def test_report_command_writes_the_workbook_and_the_brief(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = SCENARIOS / "demo.json"
    xlsx, pdf = tmp_path / "plan.xlsx", tmp_path / "plan.pdf"
    assert cli.main(["report", str(scenario), "--out", str(xlsx)]) == 0
    said = capsys.readouterr().out
    assert said.startswith("With US$5.0 M over 4 years")
    wb = load_workbook(xlsx)
    assert wb["Summary"]["A1"].value == parse_scenario(DEMO).name
    assert cli.main(["report", str(scenario), "--out", str(pdf)]) == 0
    pages, text = _text(pdf.read_bytes())
    assert pages == 1 and "With US$5.0 M over 4 years" in text
    # The same plan in both files: the workbook's figure is the brief's.
    used = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
    assert numbers.money(used["Public money used"]) in text


def test_report_command_refuses_an_unknown_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan.txt"
    assert cli.main(["report", str(SCENARIOS / "demo.json"), "--out", str(out)]) == 2
    assert "must end in .xlsx (workbook) or .pdf (brief)" in capsys.readouterr().err
    assert not out.exists()
    infeasible = SCENARIOS / "infeasible.json"
    assert cli.main(["report", str(infeasible), "--out", str(tmp_path / "bad.xlsx")]) == 1
    assert (tmp_path / "bad.xlsx").exists()  # written: it says which rules to relax


def _renamed(regions: dict[str, str]) -> dict[str, Any]:
    """The demo with its regions (and every candidate's region) renamed."""
    inputs: dict[str, Any] = json.loads(json.dumps(DEMO))
    for r in inputs["regions"]:
        r["name"] = regions.get(r["name"], r["name"])
    for c in inputs["candidates"]:
        c["region"] = regions.get(c["region"], c["region"])
    return inputs


def test_pdf_brief_says_when_a_name_cannot_be_drawn_and_keeps_accents() -> None:
    # Helvetica is Latin-1: accents outside it keep their letter, other scripts become
    # "?", and the brief says so (the workbook keeps the names in full).
    assert plain("Łódź, Ștefan, Ελλάδα") == "?ódz, Stefan, ??????"
    first = DEMO["regions"][0]["name"]
    _, text = _text(brief_pdf(_doc(_renamed({first: "北京 Norte"}))))
    assert "?? Norte" in text
    assert "cannot draw" in text and "Excel workbook keeps them" in text
    _, latin = _text(brief_pdf(_doc(DEMO)))
    assert "cannot draw" not in latin


def test_pdf_brief_table_cells_are_cut_to_their_column() -> None:
    # A 100-character region name ran into the US$ column ("...L 3US$315,820").
    first = DEMO["regions"][0]["name"]
    long = "Region " + "L" * 93
    _, text = _text(brief_pdf(_doc(_renamed({first: long}))))
    assert long not in text
    cut = text.split("Region L", 1)[1].split("US$", 1)[0]
    assert cut.rstrip().endswith("...")
