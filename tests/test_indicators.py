"""IDB indicators: status rules, at-a-glance summary, Excel export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from model.screening.indicators import (
    IDB_CATALOGUE,
    STATUS_FILLS,
    ProjectIndicator,
    indicator_status,
    indicators_from_proposal,
    indicators_xlsx_bytes,
    status_summary,
)
from tests.test_screening import proposal

PROGRESS_TOL = 1e-9


def ind(**kw: Any) -> ProjectIndicator:
    base: dict[str, Any] = {
        "project_id": "P1",
        "name": "firms",
        "horizon": "short",
        "baseline": 10,
        "target": 20,
    }
    return ProjectIndicator.model_validate({**base, **kw})


@pytest.mark.parametrize(
    ("actual", "status"),
    [
        (None, "not yet measured"),
        (19, "on track"),  # 0.9 of the change
        (25, "on track"),  # beyond target
        (15, "at risk"),  # exactly 0.5
        (14, "off track"),  # 0.4
        (8, "off track"),  # moved away from the target
    ],
)
def test_status_rules_for_a_rising_target(actual: float | None, status: str) -> None:
    assert ind(actual=actual).status == status


def test_falling_target_counts_a_fall_as_progress() -> None:
    pollution = ind(baseline=100, target=40, actual=46)  # 54/60 = 0.9
    assert pollution.progress == pytest.approx(0.9, abs=PROGRESS_TOL)
    assert pollution.status == "on track"
    assert ind(baseline=100, target=40, actual=110).status == "off track"


def test_expected_share_judges_a_reading_mid_project() -> None:
    # Half the change due by now: 0.45 achieved is 0.9 of what is due.
    assert ind(actual=14.5, expected_share=0.5).status == "on track"
    assert ind(actual=12.5, expected_share=0.5).status == "at risk"  # 0.25 = 0.5 x 0.5
    assert ind(actual=12.4, expected_share=0.5).status == "off track"


def test_no_baseline_is_a_risk_once_measured() -> None:
    status, reason = indicator_status(ind(baseline=None, actual=30))
    assert status == "at risk" and "no baseline" in reason
    assert ind(baseline=None).status == "not yet measured"


def test_target_equal_to_baseline_is_refused() -> None:
    with pytest.raises(ValueError, match="target equals baseline"):
        ind(baseline=20, target=20)


def test_catalogue_covers_the_three_horizons_of_annex_ii() -> None:
    assert {e.horizon for e in IDB_CATALOGUE} == {"short", "medium", "long"}
    assert all(e.source.startswith("004 Annex II") for e in IDB_CATALOGUE)


def test_indicators_from_a_funded_proposal() -> None:
    p = proposal(
        indicators=[
            {"name": "firms", "horizon": "short", "baseline": 0, "target": 25, "unit": "firms"},
            {"name": "exports", "horizon": "long", "baseline": None, "target": 5},
        ]
    )
    items = indicators_from_proposal(p)
    assert [(i.project_id, i.name, i.actual) for i in items] == [
        ("G1", "firms", None),
        ("G1", "exports", None),
    ]
    flat = proposal(indicators=[{"name": "flat", "horizon": "short", "baseline": 1, "target": 1}])
    with pytest.raises(ValueError, match="indicator 'flat'"):
        indicators_from_proposal(flat)


def test_summary_and_excel_export() -> None:
    items = [
        ind(name="a", actual=19),
        ind(name="b", actual=14),
        ind(name="c", horizon="long"),
        ind(name="=cmd", actual=15),
    ]
    [short, long_] = status_summary(items)
    assert (short.horizon, dict(short.counts)) == (
        "short",
        {"on track": 1, "at risk": 1, "off track": 1, "not yet measured": 0},
    )
    assert dict(long_.counts)["not yet measured"] == 1
    wb = load_workbook(io.BytesIO(indicators_xlsx_bytes(items)))
    ws = wb["indicators"]
    header = [c.value for c in ws[1]]
    rows = {r[2]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(2, values_only=True)}
    assert rows["a"]["status"] == "on track"
    assert rows["b"]["progress"] == pytest.approx(0.4, abs=PROGRESS_TOL)
    assert "'=cmd" in rows  # formula-like text is quoted, never run
    status_col = header.index("status") + 1
    fill = ws.cell(row=2, column=status_col).fill.fgColor.rgb
    assert fill.endswith(STATUS_FILLS[ws.cell(row=2, column=status_col).value])
    summary = list(wb["summary"].iter_rows(values_only=True))
    assert summary[0] == (
        "project_id",
        "horizon",
        "on track",
        "at risk",
        "off track",
        "not yet measured",
    )
    assert summary[1] == ("P1", "short", 1, 1, 1, 0)
