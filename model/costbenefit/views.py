"""What the Evidence page shows, computed here so the page only gathers input and draws.

Filters over programmes (instrument, country or region, period), the summary of
what a filtered set must not average, the per-metric explanation (formula,
input figures as stated, sources), and the rows behind each chart. Nothing is
recomputed: every number comes from ``compute_programme_metrics``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

from model.costbenefit.documents import cite
from model.costbenefit.flows import BASIS_LABELS
from model.costbenefit.ranges import Range
from model.costbenefit.results import ComputedMetric, ProgrammeMetrics, fmt_range
from model.costbenefit.table import MetricRow, metrics_table, shown_value
from model.costbenefit.terms import fmt_period
from model.domain.candidates import KIND_LABELS
from model.domain.evidence import EvidenceRecord, Programme
from model.formatting import numbers
from model.formatting.i18n import N_, _, ngettext
from model.formatting.numbers import unit_words

WARNING_MARK = "⚠"
# Chart contents: (metric keys, in legend order).
RETURN_KEYS: tuple[str, ...] = ("bcr", "bcr_public", "bcr_exports")
UNIT_COST_KEYS: tuple[str, ...] = ("cost_per_network", "cost_per_enterprise")
LEVERAGE_KEYS: tuple[str, ...] = ("bcr", "bcr_public", "leverage")
RECOVERY_KEYS: tuple[str, ...] = ("cost_recovery", "public_share")


# The units metrics are stated in, as the page and the text table show them today (the
# English source is the unit itself); other languages read them in words.
SHOWN_UNITS: tuple[str, ...] = (
    N_("USD"),
    N_("USD_per_USD"),
    N_("share"),
    N_("share_per_year"),
    N_("count"),
    N_("years"),
    N_("USD per network"),
    N_("USD per enterprise"),
    N_("USD per broker"),
    N_("USD per project"),
    N_("USD per person"),
    N_("USD per year"),
    N_("USD per job"),
    N_("networks per broker"),
    N_("enterprises per broker"),
    N_("enterprises per network"),
    N_("networks per project"),
)


def unit_text(unit: str) -> str:
    """A metric's unit as shown: the unit itself in English, in words otherwise."""
    return _(unit) if unit in SHOWN_UNITS else unit


# Growth bases as the table shows them (the key in English, in words otherwise).
SHOWN_BASES: tuple[str, ...] = (N_("absolute"), N_("relative_to_sector"))


def basis_text(basis: str) -> str:
    return _(basis) if basis in SHOWN_BASES else basis


@dataclass(frozen=True)
class EvidenceFilter:
    """Which programmes to show; an empty selection means no restriction.

    ``places`` holds countries or world regions; ``period`` (first year, last
    year) keeps programmes whose period overlaps it; ``include_undated`` keeps
    programmes that state no period at all.
    """

    instruments: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    period: tuple[int, int] | None = None
    include_undated: bool = True

    def __post_init__(self) -> None:
        if self.period is not None and self.period[0] > self.period[1]:
            raise ValueError(f"period: first year {self.period[0]} is after {self.period[1]}")


@dataclass(frozen=True)
class FilterOptions:
    """The choices the filters offer for a set of programmes (years inclusive)."""

    instruments: tuple[str, ...]
    places: tuple[str, ...]
    first_year: int | None
    last_year: int | None


def instrument_label(instrument: str) -> str:
    """``broker_programme`` reads ``Broker programme``, as on the planning pages."""
    return KIND_LABELS.get(instrument, instrument.replace("_", " ").capitalize())


def programme_span(p: Programme) -> tuple[int, int | None] | None:
    """(start, end) of a programme; end None = still running; None = no year stated."""
    start = p.period_start if p.period_start is not None else p.period_end
    if start is None:
        return None
    return start, p.period_end


def filter_options(programmes: Sequence[Programme]) -> FilterOptions:
    years = [y for p in programmes for y in (p.period_start, p.period_end) if y is not None]
    return FilterOptions(
        instruments=tuple(sorted({p.instrument for p in programmes})),
        places=tuple(sorted({x for p in programmes for x in (p.country, p.region) if x})),
        first_year=min(years) if years else None,
        last_year=max(years) if years else None,
    )


def selected_ids(programmes: Sequence[Programme], f: EvidenceFilter) -> frozenset[str]:
    """Ids of the programmes that pass every filter."""
    out = set()
    for p in programmes:
        if f.instruments and p.instrument not in f.instruments:
            continue
        if f.places and p.country not in f.places and p.region not in f.places:
            continue
        if f.period is not None and not _overlaps(p, f.period, f.include_undated):
            continue
        out.add(p.programme_id)
    return frozenset(out)


def _overlaps(p: Programme, period: tuple[int, int], include_undated: bool) -> bool:
    span = programme_span(p)
    if span is None:
        return include_undated
    start, end = span
    return start <= period[1] and (end is None or end >= period[0])


def keep(pms: Iterable[ProgrammeMetrics], ids: frozenset[str]) -> list[ProgrammeMetrics]:
    return [pm for pm in pms if pm.programme_id in ids]


def warning_flag(row: MetricRow) -> str:
    """The marker shown beside a table row that carries a row or programme warning."""
    return WARNING_MARK if row["warnings"] or row["programme_warnings"] else ""


def mix_notes(pms: Sequence[ProgrammeMetrics]) -> list[str]:
    """What the shown set mixes and therefore must not be averaged or ranked blindly."""
    notes: list[str] = []
    metrics = [m for pm in pms for m in pm.metrics]
    bases = sorted({m.basis for m in metrics if m.basis})
    if len(bases) > 1:
        shown = (" " + _("and") + " ").join(_(BASIS_LABELS.get(b, b)) for b in bases)
        notes.append(
            _("growth measured {bases} is shown side by side, not averaged").format(bases=shown)
        )
    years = sorted({m.price_year for m in metrics if m.price_year is not None})
    if len(years) > 1:
        shown = ", ".join(str(y) for y in years)
        notes.append(
            _(
                "money is in US$ of different price years ({years}), not averaged: "
                "choose a price year to convert"
            ).format(years=shown)
        )
    periods = sorted({m.period for m in metrics if m.period is not None and m.basis})
    if len(periods) > 1:
        shown = ", ".join(fmt_period(p) for p in periods)
        notes.append(
            _("growth covers different periods ({periods}), not averaged").format(periods=shown)
        )
    no_cost = [
        pm.programme_id
        for pm in pms
        # The warnings are in the language they were computed in (English or the reader's).
        if any(w.startswith(("missing cost", _("missing cost"))) for w in pm.warnings)
    ]
    if no_cost:
        notes.append(
            ngettext(
                "{n} programme states no cost ({ids}): no cost per unit or return for it",
                "{n} programmes state no cost ({ids}): no cost per unit or return for them",
                len(no_cost),
            ).format(n=numbers.count(len(no_cost)), ids=", ".join(no_cost))
        )
    return notes


@dataclass(frozen=True)
class InputFigure:
    """One evidence row a metric rests on, as the source states it."""

    evidence_id: str
    metric: str
    qualifier: str
    stated: str
    citation: str
    note: str


@dataclass(frozen=True)
class MetricExplanation:
    """A metric with its shown value, formula, inputs and cited passages."""

    label: str
    shown: str
    unit: str
    formula: str
    inputs: tuple[InputFigure, ...]
    citations: tuple[str, ...]
    warnings: tuple[str, ...]


def stated_text(rec: EvidenceRecord) -> str:
    """A record's figure with its unit, price year and period, e.g. ``680,000 USD (US$ 1998)``."""
    text = f"{fmt_range(Range.from_record(rec))} {unit_words(rec.unit)}"  # never "USD_per_USD"
    if rec.price_year is not None:
        text += f" (US$ {rec.price_year})"
    start, end = rec.period_start, rec.period_end
    if start is not None and end is not None:
        text += f", {fmt_period((start, end))}"
    elif start is not None:
        text += ", " + _("from {year}").format(year=start)
    elif end is not None:
        text += ", " + _("until {year}").format(year=end)
    return text


def explain(pm: ProgrammeMetrics, records: Mapping[str, EvidenceRecord]) -> list[MetricExplanation]:
    """Every metric of one programme, explained; ``records`` maps evidence_id to its row."""
    rows = metrics_table([pm]) if pm.metrics else []
    return [_explain(m, row, records) for m, row in zip(pm.metrics, rows, strict=True)]


def _explain(
    m: ComputedMetric, row: MetricRow, records: Mapping[str, EvidenceRecord]
) -> MetricExplanation:
    figures = []
    for evidence_id in m.inputs:
        rec = records.get(evidence_id)
        if rec is None:
            raise ValueError(f"metric {m.key}: input {evidence_id} is not in the evidence")
        src = next(s for s in m.sources if s.evidence_id == evidence_id)
        figures.append(
            InputFigure(
                evidence_id, rec.metric, rec.qualifier, stated_text(rec), cite(src), rec.note
            )
        )
    label = _(m.label) + (f" [{m.qualifier}]" if m.qualifier else "")
    unit = unit_text(m.unit) + (f", US$ {m.price_year}" if m.price_year else "")
    return MetricExplanation(
        label=label,
        shown=shown_value(row),
        unit=unit,
        formula=m.formula,
        inputs=tuple(figures),
        citations=tuple(dict.fromkeys(cite(s) for s in m.sources)),
        warnings=m.warnings,
    )


class RangePoint(TypedDict):
    """One bar or point of a chart; ``value`` None when the source gives only a range."""

    programme_id: str
    programme: str
    measure: str
    qualifier: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    price_year: int | None


def range_points(pms: Sequence[ProgrammeMetrics], keys: Sequence[str]) -> list[RangePoint]:
    """The metrics named by ``keys`` (in that order within a programme), ready to plot."""
    out: list[RangePoint] = []
    for pm in pms:
        for key in keys:
            for m in pm.all(key):
                out.append(
                    RangePoint(
                        programme_id=pm.programme_id,
                        programme=pm.name,
                        measure=_(m.label),
                        qualifier=m.qualifier,
                        value=m.range.value,
                        low=m.range.low,
                        high=m.range.high,
                        unit=m.unit,
                        price_year=m.price_year,
                    )
                )
    return out


class PathPoint(TypedDict):
    """A share (0-1) in one year of operation (1 = the first year)."""

    programme_id: str
    programme: str
    measure: str
    year_of_operation: int
    value: float | None
    low: float | None
    high: float | None


def recovery_points(
    pms: Sequence[ProgrammeMetrics], programmes: Sequence[Programme]
) -> list[PathPoint]:
    """Cost-recovery and public-share paths by year of operation.

    The year comes from a ``year N`` qualifier (EMASIM fees) or from the
    metric's period against the programme's start (CERTEC, first year); rows
    with neither cannot be placed in time and are left out.
    """
    starts = {p.programme_id: p.period_start for p in programmes}
    out: list[PathPoint] = []
    for pm in pms:
        for m in pm.metrics:
            if m.key not in RECOVERY_KEYS:
                continue
            year = _year_of_operation(m, starts.get(pm.programme_id))
            if year is None:
                continue
            out.append(
                PathPoint(
                    programme_id=pm.programme_id,
                    programme=pm.name,
                    measure=_(m.label),
                    year_of_operation=year,
                    value=m.range.value,
                    low=m.range.low,
                    high=m.range.high,
                )
            )
    return out


def _year_of_operation(m: ComputedMetric, start: int | None) -> int | None:
    if m.qualifier.startswith("year ") and m.qualifier[5:].isdigit():
        return int(m.qualifier[5:])
    if m.period is not None and start is not None and m.period[0] >= start:
        return m.period[0] - start + 1
    return None
