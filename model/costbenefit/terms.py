"""Reading evidence records into ranged terms for formulas, one programme at a time.

A term is a Range plus the text and records that produced it, so every metric
can show its formula with the numbers used and cite its inputs. Money terms
are converted to the requested price year here, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from model.costbenefit.formulas import deflate_factor
from model.costbenefit.ranges import Range
from model.costbenefit.results import ComputedMetric, Source, fmt_range
from model.domain.evidence import EvidenceRecord, Programme
from model.formatting.i18n import _


@dataclass(frozen=True)
class Term:
    """A ranged input with its display text, its records and (for money) its price year."""

    range: Range
    text: str
    records: tuple[EvidenceRecord, ...]
    price_year: int | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    """Everything one programme's rules need: its records and the run's settings.

    ``price_year`` None keeps money nominal; ``discount_rate`` is a share per
    year; ``horizon_years`` counts the years discounted.
    """

    programme: Programme
    records: tuple[EvidenceRecord, ...]
    price_year: int | None
    deflators: Mapping[int, float]
    discount_rate: float
    horizon_years: int
    by_metric: dict[str, list[EvidenceRecord]] = field(init=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[EvidenceRecord]] = {}
        for r in self.records:
            grouped.setdefault(r.metric, []).append(r)
        object.__setattr__(self, "by_metric", grouped)

    def get(self, metric: str) -> list[EvidenceRecord]:
        return self.by_metric.get(metric, [])

    def has(self, *metrics: str) -> bool:
        return any(self.by_metric.get(m) for m in metrics)


def money(ctx: Context, rec: EvidenceRecord) -> Term:
    """A US$ record, in constant dollars of ``ctx.price_year`` when one is chosen."""
    if rec.unit != "USD":
        raise ValueError(f"evidence {rec.evidence_id}: {rec.metric} must be in USD, not {rec.unit}")
    r = Range.from_record(rec)
    year = rec.price_year
    if ctx.price_year is None or year is None or year == ctx.price_year:
        return Term(r, fmt_range(r), (rec,), year)
    if year not in ctx.deflators:
        note = _("{metric} kept in US$ of {year}: no deflator for that year").format(
            metric=rec.metric, year=year
        )
        return Term(r, fmt_range(r), (rec,), year, (note,))
    factor = deflate_factor(year, ctx.price_year, ctx.deflators)
    converted = r.scale(factor)
    note = _(
        "{metric} {value} US$ of {year} x {factor} (CPI-U {price_year}/{year}) = US$ of "
        "{price_year}"
    ).format(
        metric=rec.metric,
        value=fmt_range(r),
        year=year,
        factor=f"{factor:.4f}",
        price_year=ctx.price_year,
    )
    return Term(converted, fmt_range(converted), (rec,), ctx.price_year, (note,))


def plain(rec: EvidenceRecord) -> Term:
    """A count, share, ratio or duration record as stated."""
    r = Range.from_record(rec)
    return Term(r, fmt_range(r), (rec,))


def share(rec: EvidenceRecord) -> Term:
    """A 0-1 share, with open bounds closed at 0 and 1 by definition."""
    r = Range.from_record(rec)
    clamped = r.clamp(0.0, 1.0)
    notes = (
        ()
        if clamped == r
        else (
            _("{metric} {value} bounded to 0-1 by definition").format(
                metric=rec.metric, value=fmt_range(r)
            ),
        )
    )
    return Term(clamped, fmt_range(clamped), (rec,), None, notes)


def compatible(a: EvidenceRecord, b: EvidenceRecord) -> bool:
    """Two records can enter one formula unless they name different things.

    Different things: two non-empty qualifiers that differ (phase 1 and phase
    2), or two full periods that differ (1994-2000 and 1997-2000).
    """
    if a.qualifier and b.qualifier and a.qualifier != b.qualifier:
        return False
    pa, pb = period_of(a), period_of(b)
    return pa is None or pb is None or pa == pb


def mismatch(a: EvidenceRecord, b: EvidenceRecord) -> str:
    """Why two incompatible records were not combined."""
    if a.qualifier and b.qualifier and a.qualifier != b.qualifier:
        return _("{a} ({a_what}) and {b} ({b_what}) refer to different things").format(
            a=a.metric, a_what=a.qualifier, b=b.metric, b_what=b.qualifier
        )
    return _("{a} covers {a_period}, {b} covers {b_period}").format(
        a=a.metric,
        a_period=fmt_period(period_of(a)),
        b=b.metric,
        b_period=fmt_period(period_of(b)),
    )


def period_of(rec: EvidenceRecord) -> tuple[int, int] | None:
    """The full period a record covers; None unless both start and end are stated."""
    if rec.period_start is None or rec.period_end is None:
        return None
    return (rec.period_start, rec.period_end)


def fmt_period(p: tuple[int, int] | None) -> str:
    if p is None:
        return _("no period")
    return str(p[0]) if p[0] == p[1] else f"{p[0]}-{p[1]}"


def period_warnings(records: Sequence[EvidenceRecord]) -> tuple[str, ...]:
    """A warning when the inputs of one formula cover different periods."""
    periods = {(r.metric, p) for r in records if (p := period_of(r)) is not None}
    if len({p for _metric, p in periods}) <= 1:
        return ()
    listed = ", ".join(f"{m} {fmt_period(p)}" for m, p in sorted(periods))
    return (_("different periods: {periods}").format(periods=listed),)


def price_year_warnings(terms: Sequence[Term]) -> tuple[str, ...]:
    years = sorted({t.price_year for t in terms if t.price_year is not None})
    if len(years) <= 1:
        return ()
    shown = ", ".join(str(y) for y in years)
    return (
        _("mixes US$ of different price years ({years}); choose a price year to convert").format(
            years=shown
        ),
    )


def sources(records: Iterable[EvidenceRecord]) -> tuple[Source, ...]:
    seen: dict[str, Source] = {}
    for r in records:
        seen.setdefault(r.evidence_id, Source(r.evidence_id, r.source_file, r.passage))
    return tuple(seen.values())


def build(
    key: str,
    label: str,
    unit: str,
    value: Range,
    formula: str,
    terms: Sequence[Term],
    *,
    price_year: int | None = None,
    qualifier: str = "",
    basis: str = "",
    period: tuple[int, int] | None = None,
    warnings: Iterable[str] = (),
    check_periods: bool = True,
) -> ComputedMetric:
    """A ComputedMetric citing every record behind ``terms``, with their notes appended."""
    records = [r for t in terms for r in t.records]
    notes = [n for t in terms for n in t.notes]
    text = formula if not notes else f"{formula}; {'; '.join(dict.fromkeys(notes))}"
    # A growth rate between two dated levels spans their periods on purpose.
    spans = period_warnings(records) if check_periods else ()
    all_warnings = [*warnings, *spans, *price_year_warnings(terms)]
    return ComputedMetric(
        key=key,
        label=label,
        unit=unit,
        range=value,
        formula=text,
        inputs=tuple(dict.fromkeys(r.evidence_id for r in records)),
        sources=sources(records),
        price_year=price_year,
        qualifier=qualifier,
        basis=basis,
        period=period,
        warnings=tuple(dict.fromkeys(all_warnings)),
    )
