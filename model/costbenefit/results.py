"""What the engine returns: computed metrics with their formula, inputs and sources.

These types are shared by the CLI and the Streamlit page, so every number the
user sees carries the formula that made it and the passages it rests on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from model.costbenefit.ranges import Range
from model.formatting import numbers
from model.formatting.i18n import _


@dataclass(frozen=True)
class Source:
    """Where one input figure comes from: the evidence row, seed file and passage."""

    evidence_id: str
    file: str
    passage: str

    def __str__(self) -> str:
        return f"{self.file}: {self.passage}"


@dataclass(frozen=True)
class ComputedMetric:
    """One metric of one programme.

    ``unit`` reads as written (``USD per network``, ``USD_per_USD``, ``share``
    0-1, ``share_per_year``); money is US$ of ``price_year``. ``range`` keeps
    the low and high the inputs allow; ``formula`` shows the arithmetic with
    the numbers used and any assumption; ``warnings`` are comparability or
    data caveats for this row.
    """

    key: str
    label: str
    unit: str
    range: Range
    formula: str
    inputs: tuple[str, ...]
    sources: tuple[Source, ...]
    price_year: int | None = None
    qualifier: str = ""
    basis: str = ""
    period: tuple[int, int] | None = None
    warnings: tuple[str, ...] = ()

    def with_warnings(self, *extra: str) -> ComputedMetric:
        new = tuple(w for w in extra if w not in self.warnings)
        return replace(self, warnings=self.warnings + new) if new else self


@dataclass(frozen=True)
class ProgrammeMetrics:
    """All computed metrics of one programme, plus programme-level warnings."""

    programme_id: str
    name: str
    instrument: str
    country: str
    metrics: tuple[ComputedMetric, ...]
    warnings: tuple[str, ...] = field(default=())

    def get(self, key: str, qualifier: str | None = None) -> ComputedMetric | None:
        """The first metric with this key (and qualifier, when given), or None."""
        for m in self.metrics:
            if m.key == key and (qualifier is None or m.qualifier == qualifier):
                return m
        return None

    def all(self, key: str) -> tuple[ComputedMetric, ...]:
        return tuple(m for m in self.metrics if m.key == key)


def fmt_number(x: float) -> str:
    """A number as people read it: thousands separators, about four significant digits."""
    if not math.isfinite(x):
        return str(x)
    if abs(x) >= 1000 or (x == int(x) and abs(x) < 1e15):
        return _in_locale(f"{x:,.0f}")
    return _in_locale(f"{x:.4g}")


def _in_locale(text: str) -> str:
    """English digits ("1,234.5") with the active locale's separators ("1.234,5")."""
    return numbers.local_digits(text)


def span(low: str, high: str) -> str:
    """A range in words: "0.35 to 2"."""
    return _("{low} to {high}").format(low=low, high=high)


def fmt_range(r: Range) -> str:
    """A Range for formula text: ``300``, ``0.35 to 2``, ``>= 0.5``, ``20 (15 to 25)``."""
    if r.is_point and r.value is not None:
        return fmt_number(r.value)
    if r.low is not None and r.high is not None:
        both = span(fmt_number(r.low), fmt_number(r.high))
        return both if r.value is None else f"{fmt_number(r.value)} ({both})"
    parts = [] if r.value is None else [fmt_number(r.value)]
    if r.low is not None:
        parts.append(f">= {fmt_number(r.low)}")
    if r.high is not None:
        parts.append(f"<= {fmt_number(r.high)}")
    if not parts:
        return _("unknown")
    if r.value is not None and len(parts) > 1:
        return f"{parts[0]} ({parts[1]})"
    return parts[0]
