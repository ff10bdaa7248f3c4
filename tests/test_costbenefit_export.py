"""The Excel export of the metrics table and the Evidence page's views, on tiny fixtures."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from model.costbenefit import (
    ComputedMetric,
    EvidenceDataset,
    ProgrammeMetrics,
    Range,
    Source,
    compute_programme_metrics,
    metrics_table,
)
from model.costbenefit.documents import document_title
from model.costbenefit.export import SHEETS, SOURCE_COLUMNS, Assumptions, metrics_xlsx
from model.costbenefit.table import COLUMNS
from model.costbenefit.views import (
    RETURN_KEYS,
    EvidenceFilter,
    explain,
    mix_notes,
    range_points,
    recovery_points,
    selected_ids,
    warning_flag,
)
from model.domain.evidence import Deflator, EvidenceRecord, Programme

REL = 1e-9
SEED = "002_190a6727378b83c7.txt"
CPI = (
    Deflator(year=2000, index=100.0, source="test index"),
    Deflator(year=2010, index=150.0, source="test index"),
)
ASSUME = Assumptions(price_year=2010, discount_rate=0.05, horizon_years=10, deflator_source="t")


def prog(pid: str, **kw: object) -> Programme:
    return Programme.model_validate(
        {"programme_id": pid, "name": f"Programme {pid}", "source_file": SEED, "passage": "p", **kw}
    )


def rec(eid: str, metric: str, value: float, unit: str = "count", **kw: object) -> EvidenceRecord:
    money = {"currency": "USD", "price_year": 2000} if unit == "USD" else {}
    return EvidenceRecord.model_validate(
        {
            "evidence_id": eid,
            "programme_id": eid.split("-")[0],
            "metric": metric,
            "value": value,
            "unit": unit,
            "source_file": SEED,
            "passage": f"para {eid}",
            **money,
            **kw,
        }
    )


# A: cost 1,000 (US$ 2000) for 4 networks -> 250 per network; 375 in US$ 2010 (CPI 150/100).
# B: fee shares 0 in year 1, 0.3 in year 2; growth stated absolute and relative to the sector.
DATASET = EvidenceDataset(
    (
        prog("A", instrument="broker_programme", country="Honduras", period_start=1995),
        prog("B", instrument="cluster_initiative", region="South Asia", period_start=2001),
        prog("C", instrument="other"),
    ),
    (
        rec("A-1", "total_cost", 1000, "USD"),
        rec("A-2", "networks_formed", 4),
        rec("B-1", "fee_share", 0, "share", qualifier="1"),
        rec("B-2", "fee_share", 0.3, "share", qualifier="2"),
        rec("B-3", "sales_growth", 1.0, "share", basis="absolute"),
        rec("B-4", "employment_growth", 0.2, "share", basis="relative_to_sector"),
        rec("C-1", "return_per_dollar", 7, "USD_per_USD"),
    ),
    CPI,
)


def sheet_rows(data: bytes, name: str) -> list[tuple[object, ...]]:
    wb = load_workbook(io.BytesIO(data))
    return [tuple(r) for r in wb[name].iter_rows(values_only=True)]


def test_workbook_has_the_cli_rows_sources_and_assumptions() -> None:
    pms = compute_programme_metrics(DATASET, price_year=2010)
    data = metrics_xlsx(pms, ASSUME)
    assert load_workbook(io.BytesIO(data)).sheetnames == list(SHEETS)
    header, *rows = sheet_rows(data, "metrics")
    assert header == COLUMNS
    table = metrics_table(pms)
    assert len(rows) == len(table)
    cell = dict(zip(COLUMNS, next(r for r in rows if r[3] == "cost_per_network"), strict=True))
    assert cell["value"] == pytest.approx(375.0, rel=REL)  # a number, not text
    assert cell["price_year"] == 2010
    src_header, *srcs = sheet_rows(data, "sources")
    assert src_header == SOURCE_COLUMNS
    a1 = next(s for s in srcs if s[0] == "A" and s[3] == "A-1")
    assert a1[4] == document_title(SEED) == "002 Ceglie & Dini (UNIDO)"
    assert a1[6] == "para A-1"
    settings = {r[0]: r[1] for r in sheet_rows(data, "assumptions")[1:]}
    assert settings == {
        "price_year": 2010,
        "discount_rate": 0.05,
        "horizon_years": 10,
        "deflator_source": "t",
    }


def test_nominal_price_year_is_written_as_nominal() -> None:
    data = metrics_xlsx([], Assumptions(None, 0.0, 1, "t"))
    assert sheet_rows(data, "metrics") == [COLUMNS]
    assert sheet_rows(data, "assumptions")[1][1] == "nominal"


def test_text_cells_that_a_spreadsheet_would_run_are_neutralised() -> None:
    evil = ComputedMetric(
        key="k",
        label="=HYPERLINK(1)",
        unit="count",
        range=Range.point(-3.0),
        formula="+A1*2",
        inputs=("E-1",),
        sources=(Source("E-1", "@file.txt", "-para"),),
    )
    pm = ProgrammeMetrics("P", "-P", "other", "", (evil,))
    _, row = sheet_rows(metrics_xlsx([pm], ASSUME), "metrics")
    cell = dict(zip(COLUMNS, row, strict=True))
    assert cell["label"] == "'=HYPERLINK(1)" and cell["formula"] == "'+A1*2"
    assert cell["programme"] == "'-P"
    assert cell["value"] == -3.0  # numbers stay numbers
    _, src = sheet_rows(metrics_xlsx([pm], ASSUME), "sources")
    assert src[5] == "'@file.txt" and src[6] == "'-para"


def test_filters_by_instrument_place_and_period() -> None:
    ps = DATASET.programmes
    assert selected_ids(ps, EvidenceFilter()) == {"A", "B", "C"}
    assert selected_ids(ps, EvidenceFilter(instruments=("broker_programme",))) == {"A"}
    assert selected_ids(ps, EvidenceFilter(places=("South Asia", "Honduras"))) == {"A", "B"}
    # A runs from 1995 and B from 2001 (no end: still running); C states no period.
    assert selected_ids(ps, EvidenceFilter(period=(1990, 1999))) == {"A", "C"}
    assert selected_ids(ps, EvidenceFilter(period=(1990, 1994), include_undated=False)) == set()
    with pytest.raises(ValueError, match="period"):
        EvidenceFilter(period=(2001, 2000))


def test_mixed_bases_and_missing_costs_are_named_not_averaged() -> None:
    pms = compute_programme_metrics(DATASET)
    notes = mix_notes(pms)
    assert any("absolute and relative to the sector" in n and "not averaged" in n for n in notes)
    assert any("1 programme states no cost (B)" in n for n in notes)
    (only_a,) = [pm for pm in pms if pm.programme_id == "A"]
    assert mix_notes([only_a]) == []
    rows = metrics_table(pms)
    flagged = {r["programme_id"] for r in rows if warning_flag(r)}
    assert "B" in flagged and "A" not in flagged


def test_chart_rows_and_recovery_path_by_year_of_operation() -> None:
    pms = compute_programme_metrics(DATASET)
    (bcr,) = range_points(pms, RETURN_KEYS)
    assert (bcr["programme_id"], bcr["value"]) == ("C", 7.0)
    path = recovery_points(pms, DATASET.programmes)
    fees = {(p["year_of_operation"], p["measure"].split()[0]): p["value"] for p in path}
    assert fees[(1, "Cost")] == 0.0 and fees[(2, "Cost")] == pytest.approx(0.3, rel=REL)
    assert fees[(2, "Public")] == pytest.approx(0.7, rel=REL)


def test_explanation_lists_raw_inputs_and_human_sources() -> None:
    (a,) = [pm for pm in compute_programme_metrics(DATASET, 2010) if pm.programme_id == "A"]
    records = {r.evidence_id: r for r in DATASET.records}
    ex = next(e for e in explain(a, records) if e.label == "Cost per network")
    assert ex.shown == "375"
    assert [(i.evidence_id, i.stated) for i in ex.inputs] == [
        ("A-1", "1,000 US$ (US$ 2000)"),  # units in words
        ("A-2", "4 count"),
    ]
    assert ex.citations == (
        "002 Ceglie & Dini (UNIDO), para A-1",
        "002 Ceglie & Dini (UNIDO), para A-2",
    )
    with pytest.raises(ValueError, match="A-1"):
        explain(a, {})
