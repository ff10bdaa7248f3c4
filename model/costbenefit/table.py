"""The flat table of metrics shared by the page and the CLI, and its text renderings."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import TypedDict

from model.costbenefit.results import ComputedMetric, ProgrammeMetrics, fmt_number, span
from model.costbenefit.terms import fmt_period
from model.formatting.cells import neutralise
from model.formatting.i18n import _

# Joins list-valued cells; passages themselves contain commas and semicolons.
CELL_SEPARATOR = " | "


class MetricRow(TypedDict):
    """One programme x metric. Money in US$ of ``price_year``; shares 0-1."""

    programme_id: str
    programme: str
    instrument: str
    metric: str
    label: str
    qualifier: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    price_year: int | None
    basis: str
    period: str
    formula: str
    inputs: str
    sources: str
    warnings: str
    programme_warnings: str


COLUMNS: tuple[str, ...] = tuple(MetricRow.__annotations__)


def metrics_table(programme_metrics: Sequence[ProgrammeMetrics]) -> list[MetricRow]:
    """One row per programme and metric; a programme with none gets one row saying so."""
    rows: list[MetricRow] = []
    for pm in programme_metrics:
        shared = CELL_SEPARATOR.join(pm.warnings)
        if not pm.metrics:
            rows.append(_empty_row(pm, shared))
        rows.extend(_row(pm, m, shared) for m in pm.metrics)
    return rows


def _row(pm: ProgrammeMetrics, m: ComputedMetric, shared: str) -> MetricRow:
    return MetricRow(
        programme_id=pm.programme_id,
        programme=pm.name,
        instrument=pm.instrument,
        metric=m.key,
        label=_(m.label),  # the metric key stays; its name reads in the active language
        qualifier=m.qualifier,
        value=m.range.value,
        low=m.range.low,
        high=m.range.high,
        unit=m.unit,
        price_year=m.price_year,
        basis=m.basis,
        period="" if m.period is None else fmt_period(m.period),
        formula=m.formula,
        inputs=CELL_SEPARATOR.join(m.inputs),
        sources=CELL_SEPARATOR.join(dict.fromkeys(str(s) for s in m.sources)),
        warnings=CELL_SEPARATOR.join(m.warnings),
        programme_warnings=shared,
    )


def _empty_row(pm: ProgrammeMetrics, shared: str) -> MetricRow:
    return MetricRow(
        programme_id=pm.programme_id,
        programme=pm.name,
        instrument=pm.instrument,
        metric="",
        label=_("no computable metric"),
        qualifier="",
        value=None,
        low=None,
        high=None,
        unit="",
        price_year=None,
        basis="",
        period="",
        formula="",
        inputs="",
        sources="",
        warnings="",
        programme_warnings=shared,
    )


def to_csv(rows: Sequence[MetricRow]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        # Text from the sources (names, notes, passages) may start with = + - @: quote it
        # so a spreadsheet never runs it as a formula, as every other export does.
        writer.writerow(
            {
                k: "" if v is None else neutralise(v) if isinstance(v, str) else v
                for k, v in row.items()
            }
        )
    return buf.getvalue()


def to_json(
    rows: Sequence[MetricRow], price_year: int | None, discount_rate: float, horizon_years: int
) -> str:
    doc = {
        "price_year": price_year,
        "discount_rate": discount_rate,
        "horizon_years": horizon_years,
        "rows": list(rows),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def shown_value(row: MetricRow) -> str:
    """Value and bounds as the page and the text table show them."""
    value, low, high = row["value"], row["low"], row["high"]
    scale, suffix = (100.0, " %") if row["unit"] in ("share", "share_per_year") else (1.0, "")

    def f(x: float) -> str:
        return fmt_number(x * scale) + suffix

    if value is not None and low == value and high == value:
        return f(value)
    if low is not None and high is not None:
        both = span(f(low), f(high))
        return both if value is None else f"{f(value)} ({both})"
    text = _open(low, high, f)
    if value is None:
        return text
    return f(value) + (f" ({text})" if text else "")


def _open(low: float | None, high: float | None, f: Callable[[float], str]) -> str:
    if low is not None:
        return f">= {f(low)}"
    if high is not None:
        return f"<= {f(high)}"
    return ""


def to_text(rows: Sequence[MetricRow]) -> str:
    """A plain table grouped by programme, with warnings under the rows they concern."""
    lines: list[str] = []
    current = None
    for row in rows:
        if row["programme_id"] != current:
            current = row["programme_id"]
            if lines:
                lines.append("")
            lines.append(f"{row['programme_id']}  {row['programme']}  [{row['instrument']}]")
            for w in filter(None, row["programme_warnings"].split(CELL_SEPARATOR)):
                lines.append(f"  ! {w}")
        if not row["metric"]:
            lines.append("    (" + _("no computable metric") + ")")
            continue
        label = _(row["label"]) + (f" [{row['qualifier']}]" if row["qualifier"] else "")
        unit = _(row["unit"]) if row["unit"] else ""
        unit += f", US$ {row['price_year']}" if row["price_year"] else ""
        lines.append(f"    {label:<58} {shown_value(row):>28}  {unit}")
        lines.append(f"        = {row['formula']}")
        for w in filter(None, row["warnings"].split(CELL_SEPARATOR)):
            lines.append(f"        ! {w}")
    return "\n".join(lines) + "\n"
