"""IDB monitoring indicators of a funded project: baseline, target, actual and status.

Horizons follow 004 Annex II: short run (during the project), medium run (at
its end) and long run (three years after). ``IDB_CATALOGUE`` lists the Annex II
indicators a project can pick from.

Status of an indicator (all in its own unit):

- **not yet measured**: no actual value;
- otherwise progress = (actual - baseline) / (target - baseline), the share of
  the planned change achieved (it works for falling targets too: pollution
  down is progress). ``expected_share`` (0-1, default 1) is the share of the
  change due by now, so a mid-project reading can be judged fairly:
  - **on track**: progress >= ``ON_TRACK_RATIO`` (0.9) x expected_share;
  - **at risk**: progress >= ``AT_RISK_RATIO`` (0.5) x expected_share;
  - **off track**: below that, including a move away from the target;
- an actual without a baseline cannot be judged and is **at risk** (a baseline
  is the first monitoring task: 004 section V, component 4 (i)).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from pydantic import BaseModel, ConfigDict, Field, model_validator

from model.domain.candidates import ID_PATTERN
from model.formatting import numbers
from model.formatting.i18n import N_, Labels, _
from model.screening.proposals import HORIZON_LABELS, HORIZONS, Horizon, Proposal

IndicatorStatus = Literal["on track", "at risk", "off track", "not yet measured"]
STATUSES: tuple[IndicatorStatus, ...] = ("on track", "at risk", "off track", "not yet measured")
ON_TRACK_RATIO = 0.9
AT_RISK_RATIO = 0.5
# Stored as each indicator's ``source`` (data: stays English); a page shows ``_(SOURCE)``.
SOURCE = N_("004 Annex II (IDB indicators for monitoring and evaluation of cluster projects)")
# A status in words, in the reader's language (the status itself is a code).
STATUS_LABELS = Labels(
    {
        "on track": N_("on track"),
        "at risk": N_("at risk"),
        "off track": N_("off track"),
        "not yet measured": N_("not yet measured"),
    }
)
STATUS_FILLS: dict[str, str] = {
    "on track": "C6EFCE",
    "at risk": "FFEB9C",
    "off track": "FFC7CE",
    "not yet measured": "EDEDED",
}


class ProjectIndicator(BaseModel):
    """One indicator of one funded project (values in ``unit``; shares 0-1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    project_id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    horizon: Horizon
    unit: str = Field(default="", max_length=40)
    baseline: float | None = None
    target: float
    actual: float | None = None
    expected_share: float = Field(
        default=1.0, ge=0, le=1, description="Share of the planned change due by now (0-1)"
    )
    source: str = Field(default=SOURCE, max_length=300)
    note: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _consistent(self) -> ProjectIndicator:
        for field in ("baseline", "target", "actual"):
            v = getattr(self, field)
            if v is not None and not math.isfinite(v):
                raise ValueError(
                    _("{name}: {field} must be a finite number").format(name=self.name, field=field)
                )
        if self.baseline is not None and self.target == self.baseline:
            raise ValueError(
                _("{name}: target equals baseline ({target}); set the change to monitor").format(
                    name=self.name, target=numbers.value_in(self.target, self.unit)
                )
            )
        return self

    @property
    def progress(self) -> float | None:
        """Share of the planned change achieved (can be < 0 or > 1), None if unknown."""
        if self.actual is None or self.baseline is None:
            return None
        return (self.actual - self.baseline) / (self.target - self.baseline)

    @property
    def status(self) -> IndicatorStatus:
        return indicator_status(self)[0]


def indicator_status(ind: ProjectIndicator) -> tuple[IndicatorStatus, str]:
    """Status (a code) and a one-line reason in the active language (rules in the module
    docstring)."""
    if ind.actual is None:
        return "not yet measured", _("no actual value recorded yet")
    progress = ind.progress
    if progress is None:
        return "at risk", _("no baseline: progress cannot be judged")
    due = ind.expected_share
    reason = _("{progress} of the planned change achieved, {due} due by now").format(
        progress=numbers.share(progress), due=numbers.share(due)
    )
    if progress >= ON_TRACK_RATIO * due:
        return "on track", reason
    if progress >= AT_RISK_RATIO * due:
        return "at risk", reason
    return "off track", reason


@dataclass(frozen=True)
class CatalogueEntry:
    """An Annex II indicator a project can adopt."""

    name: str
    horizon: Horizon
    unit: str
    source: str


def _annex(horizon: Horizon, name: str, unit: str) -> CatalogueEntry:
    # Built at import: the source is data (stored with the indicator), so English always.
    return CatalogueEntry(name, horizon, unit, f"004 Annex II, {HORIZON_LABELS.english(horizon)}")


IDB_CATALOGUE: tuple[CatalogueEntry, ...] = (
    _annex("short", "Institutional arrangement for all actors created (1 = yes)", "yes/no"),
    _annex("short", "Strategic plan approved by consensus of stakeholders (1 = yes)", "yes/no"),
    _annex("short", "Firms participating in project activities", "firms"),
    _annex("short", "Share of cluster firms participating", "share"),
    _annex("short", "Subsidies disbursed for competitiveness improvement", "USD"),
    _annex("medium", "Share of cluster firms following competitive strategies", "share"),
    _annex("medium", "Non-firm actors in competitiveness activities", "count"),
    _annex("medium", "Competitiveness activities involving more than three firms", "count"),
    _annex("medium", "Share of participating firms improving competitive position", "share"),
    _annex("long", "Local GDP growth minus national GDP growth", "share_per_year"),
    _annex("long", "Cluster sales/productivity/exports vs baseline or control", "share"),
    _annex("long", "Sales/productivity/employment of beneficiary firms", "share"),
)


def indicators_from_proposal(p: Proposal) -> list[ProjectIndicator]:
    """A funded proposal's expected indicators, ready for monitoring (no actuals yet).

    An indicator whose target equals its baseline has nothing to monitor and
    raises ValueError naming it.
    """
    out = []
    for i in p.indicators:
        try:
            out.append(
                ProjectIndicator(
                    project_id=p.proposal_id,
                    name=i.name,
                    horizon=i.horizon,
                    unit=i.unit,
                    baseline=i.baseline,
                    target=i.target,
                )
            )
        except ValueError as exc:
            raise ValueError(
                _("proposal {proposal}, indicator '{name}': {problem}").format(
                    proposal=p.proposal_id, name=i.name, problem=exc
                )
            ) from None
    return out


@dataclass(frozen=True)
class StatusCount:
    """How many indicators of a project (per horizon) have each status."""

    project_id: str
    horizon: str
    counts: tuple[tuple[IndicatorStatus, int], ...]


def status_summary(indicators: Iterable[ProjectIndicator]) -> list[StatusCount]:
    """Status at a glance: counts per project and horizon, horizons in Annex II order."""
    grouped: dict[tuple[str, str], dict[IndicatorStatus, int]] = {}
    for ind in indicators:
        key = (ind.project_id, ind.horizon)
        counts = grouped.setdefault(key, dict.fromkeys(STATUSES, 0))
        counts[ind.status] += 1
    keys = sorted(grouped, key=lambda k: (k[0], HORIZONS.index(k[1])))
    return [StatusCount(k[0], k[1], tuple(grouped[k].items())) for k in keys]


XLSX_COLUMNS: tuple[str, ...] = (
    "project_id",
    "horizon",
    "name",
    "unit",
    "baseline",
    "target",
    "actual",
    "expected_share",
    "progress",
    "status",
    "reason",
    "source",
    "note",
)


def _safe(text: str) -> str:
    # A spreadsheet would run text starting with these as a formula.
    return "'" + text if text.startswith(("=", "+", "-", "@")) else text


def indicators_xlsx_bytes(indicators: Iterable[ProjectIndicator]) -> bytes:
    """An .xlsx workbook: sheet ``indicators`` (one row each, status coloured) and ``summary``.

    Column keys stay as they are; statuses and reasons read in the active language."""
    items = sorted(indicators, key=lambda i: (i.project_id, HORIZONS.index(i.horizon), i.name))
    wb = Workbook()
    ws = wb.active
    ws.title = "indicators"
    ws.append(list(XLSX_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    status_col = XLSX_COLUMNS.index("status") + 1
    for ind in items:
        status, reason = indicator_status(ind)
        ws.append(
            [
                _safe(ind.project_id),
                ind.horizon,
                _safe(ind.name),
                _safe(ind.unit),
                ind.baseline,
                ind.target,
                ind.actual,
                ind.expected_share,
                ind.progress,
                STATUS_LABELS[status],
                reason,
                _safe(ind.source),
                _safe(ind.note),
            ]
        )
        ws.cell(row=ws.max_row, column=status_col).fill = PatternFill(
            "solid", fgColor=STATUS_FILLS[status]
        )
    summary = wb.create_sheet("summary")
    summary.append(["project_id", "horizon", *(STATUS_LABELS[s] for s in STATUSES)])
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for row in status_summary(items):
        summary.append([_safe(row.project_id), row.horizon, *(n for _s, n in row.counts)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
