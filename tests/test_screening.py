"""Proposal screening: one test per eligibility gate, the proposal file format, the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from model import DATA_DIR
from model.cli import main
from model.screening.proposals import Proposal, format_entities, format_indicators
from model.screening.rules import DEFAULT_RULES, ScreeningRules, screen
from model.store.importer import ImportRejected
from model.store.proposal_files import parse_proposals

EXAMPLE = DATA_DIR / "proposals_example.csv"
GOOD: dict[str, Any] = {
    "proposal_id": "G1",
    "title": "Dairy quality",
    "region": "Valle Central",
    "entities": [
        {"name": "Coop A", "type": "business_enterprise"},
        {"name": "University B", "type": "knowledge_institution"},
        {"name": "Town C", "type": "public_body"},
    ],
    "amount_requested": 200_000,
    "match_cash": 150_000,
    "match_in_kind": 50_000,
    "duration_months": 24,
    "environmental_compliance": True,
    "regulatory_compliance": True,
}


def proposal(**changes: Any) -> Proposal:
    return Proposal.model_validate({**GOOD, **changes})


def gate(p: Proposal, gate_id: str, rules: ScreeningRules = DEFAULT_RULES) -> Any:
    return next(g for g in screen(p, rules).gates if g.gate == gate_id)


def test_the_good_proposal_passes_every_gate() -> None:
    s = screen(proposal())
    assert s.eligible and s.reasons == () and s.fixes == ()
    assert all(g.source.startswith("004") for g in s.gates)


def test_gate_min_entities() -> None:
    assert gate(proposal(), "min_entities").passed
    two = proposal(entities=GOOD["entities"][:2])
    g = gate(two, "min_entities")
    assert not g.passed
    assert g.reason == "submitted by 2 entities; at least 3 are required"
    assert g.fix == "add at least 1 more submitting entity (2 listed, 3 required)"
    assert g.source == "004 section V, component 2, criterion (i)"


def test_gate_required_types_names_each_missing_type() -> None:
    assert gate(proposal(), "required_types").passed
    firms_only = [{"name": f"Firm {i}", "type": "business_enterprise"} for i in range(3)]
    g = gate(proposal(entities=firms_only), "required_types")
    assert not g.passed
    assert g.fix == "add a knowledge institution as a partner"
    no_firm = [
        {"name": "Uni", "type": "knowledge_institution"},
        {"name": "NGO", "type": "ngo"},
        {"name": "Town", "type": "public_body"},
    ]
    assert gate(proposal(entities=no_firm), "required_types").fix == (
        "add a business enterprise as a partner"
    )


def test_gate_environment_needs_both_declarations() -> None:
    assert gate(proposal(), "environment").passed
    g = gate(proposal(environmental_compliance=False), "environment")
    assert not g.passed
    assert g.reason == "does not declare environmental sustainability"
    assert g.fix.startswith("document environmental sustainability")
    g = gate(proposal(regulatory_compliance=False), "environment")
    assert not g.passed and "domestic standards and regulations" in g.reason


def test_gate_match_ratio_says_how_much_match_is_missing() -> None:
    assert gate(proposal(), "match_ratio").passed  # exactly 1:1
    short = proposal(amount_requested=100_000, match_cash=50_000, match_in_kind=30_000)
    g = gate(short, "match_ratio", ScreeningRules(min_amount=0))
    assert not g.passed
    assert g.fix == (
        "raise committed match from US$80,000 to US$100,000, or reduce the request to at "
        "most US$80,000"
    )
    # A request that cannot shrink to the match without falling below the call's minimum.
    g = gate(short, "match_ratio", ScreeningRules(min_amount=150_000))
    assert g.fix == "raise committed match from US$80,000 to US$100,000"


def test_gate_match_ratio_is_configurable() -> None:
    half = proposal(match_cash=60_000, match_in_kind=40_000)  # 100,000 on 200,000
    assert not gate(half, "match_ratio").passed
    assert gate(half, "match_ratio", ScreeningRules(min_match_ratio=0.5)).passed


def test_the_size_gate_rejects_only_on_the_calls_own_limits() -> None:
    """004 section 2.1 describes past MIF project sizes ("from US$150,000 to over
    US$1,500,000"), not a ceiling: by default no size fails; a request below the
    smallest size described is flagged; limits the screener sets for a call do fail."""
    assert gate(proposal(), "amount").passed
    big = proposal(amount_requested=2_000_000, match_cash=2_000_000)
    g = gate(big, "amount")
    assert g.passed and g.warning == "" and g.label == "Request size (this call sets no limit)"
    small = proposal(amount_requested=100_000)
    g = gate(small, "amount")
    assert g.passed and "smaller than the smallest MIF project size" in g.warning
    assert screen(small).warnings == (g.warning,)
    call = ScreeningRules(min_amount=150_000, max_amount=1_500_000)
    g = gate(big, "amount", call)
    assert not g.passed and g.fix == "reduce the request to at most US$1,500,000"
    assert "this call's maximum" in g.reason and g.source.startswith("a setting of this call")
    g = gate(small, "amount", call)
    assert not g.passed and g.fix.startswith("raise the request to at least US$150,000")


def test_rules_reject_inverted_limits() -> None:
    with pytest.raises(ValueError, match="below min_amount"):
        ScreeningRules(min_amount=500_000, max_amount=100_000)


def test_example_file_has_eligible_and_ineligible_proposals_for_every_gate() -> None:
    proposals = parse_proposals(EXAMPLE.read_bytes(), EXAMPLE.name)
    call = ScreeningRules(min_amount=150_000, max_amount=1_500_000)
    by_default = {p.proposal_id for p in proposals if screen(p).eligible}
    assert sorted(by_default) == ["P-001", "P-005", "P-006", "P-007", "P-008"]
    verdicts = {p.proposal_id: screen(p, call) for p in proposals}
    assert sorted(pid for pid, s in verdicts.items() if s.eligible) == ["P-001", "P-006", "P-007"]
    failed_gates = {g.gate for s in verdicts.values() for g in s.failures}
    assert failed_gates == {
        "min_entities",
        "required_types",
        "environment",
        "match_ratio",
        "amount",
    }


def test_cell_formats_round_trip() -> None:
    p = parse_proposals(EXAMPLE.read_bytes(), EXAMPLE.name)[0]
    assert p.entities[2].type == "knowledge_institution"
    assert p.inclusion == ("women", "informal_firms")
    firms = p.indicators[0]
    assert (firms.horizon, firms.baseline, firms.target, firms.unit) == ("short", 0, 60, "firms")
    again = Proposal.model_validate(
        {
            **p.model_dump(),
            "entities": [e.model_dump() for e in p.entities],
            "indicators": [i.model_dump() for i in p.indicators],
        }
    )
    assert again == p
    assert format_entities(p.entities).startswith("Cooperativa Lechera del Valle|business_")
    assert "Dairy exports of the cluster|long|560000|900000|USD" in format_indicators(p.indicators)


BAD_CSV = (
    "proposal_id,title,region,entities,amount_requested,duration_months,indicators,"
    "environmental_compliance\n"
    "B1,Fine,Norte,A|business_enterprise; B|knowledge_institution,200000,12,,true\n"
    "B2,Bad type,Norte,A|business_enterprise; B|university,200000,12,,true\n"
    "B3,Bad amount,Norte,A|business_enterprise,lots,12,x|short|1,maybe\n"
    "B1,Duplicate,Norte,,200000,12,,\n"
)


def test_parse_rejects_naming_row_and_column() -> None:
    with pytest.raises(ImportRejected) as info:
        parse_proposals(BAD_CSV.encode(), "bad.csv")
    where = {(p.row, p.column) for p in info.value.problems}
    assert where == {
        (3, "entities"),
        (4, "amount_requested"),  # "lots": every cell of a row is checked
        (4, "indicators"),
        (4, "environmental_compliance"),
        (5, "proposal_id"),
    }
    text = str(info.value)
    assert "row 3, column entities: item 2 type" in text
    assert "must be written name|horizon|baseline|target" in text


def test_parse_reports_pydantic_errors_by_column() -> None:
    csv = "proposal_id,title,region,amount_requested,duration_months\nC1,Too long,Norte,-5,121\n"
    with pytest.raises(ImportRejected) as info:
        parse_proposals(csv.encode(), "c.csv")
    cols = sorted(p.column for p in info.value.problems)
    assert cols == ["amount_requested", "duration_months"]
    assert all(p.row == 2 for p in info.value.problems)


def test_excel_workbook_with_a_proposals_sheet() -> None:
    wb = Workbook()
    wb.active.title = "notes"
    wb.active.append(["note"])
    wb.active.append(["a notes sheet is skipped: the proposals sheet is read"])
    ws = wb.create_sheet("proposals")
    ws.append(["proposal_id", "title", "region", "amount_requested", "duration_months"])
    ws.append(["X1", "From Excel", "Norte", 250000, 18])
    buf = io.BytesIO()
    wb.save(buf)
    [p] = parse_proposals(buf.getvalue(), "p.xlsx")
    assert (p.proposal_id, p.amount_requested, p.duration_months) == ("X1", 250_000, 18)


def test_cli_screen_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "Desk score (from the file only; not a reviewer score)" in out
    assert "P-003  Altiplano alpaca fibre design centre" in out
    assert "to fix: raise committed match from US$160,000 to US$200,000" in out
    assert "5 of 8 proposals eligible" in out


def test_cli_screen_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", str(EXAMPLE), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_id = {r["proposal_id"]: r for r in rows}
    assert by_id["P-001"]["eligible"] is True and by_id["P-001"]["fixes"] == []
    assert by_id["P-005"]["eligible"] is True and by_id["P-005"]["fixes"] == []
    # P-001: co-financing 5, inclusion 5, indicators 5, linkages 3 (three entity types),
    # weights 0.15/0.10/0.15/0.10 -> (0.75 + 0.5 + 0.75 + 0.3) / 0.5 = 4.6
    assert by_id["P-001"]["desk_score"] == pytest.approx(4.6)


def test_cli_screen_bad_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    assert main(["screen", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "proposals, row 3, column entities" in err
    assert "nothing was written" in err
