"""Comparability warnings: what must not be averaged or ranked without a caveat.

Within a programme: growth measured relative to the sector next to absolute
growth (Uva Isabella), growth over different periods, figures with no cost.
Across programmes: the same metric in different price years, bases or periods.
The warnings go on the affected rows; nothing is averaged here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from model.costbenefit.flows import BASIS_LABELS, GROWTH_METRICS, LEVEL_METRICS
from model.costbenefit.results import ComputedMetric, ProgrammeMetrics
from model.costbenefit.terms import Context, fmt_period, period_of
from model.formatting.i18n import _

OUTPUT_METRICS: tuple[str, ...] = (
    "networks_formed",
    "enterprises_reached",
    "brokers_trained",
    "projects",
    "people_trained",
    "jobs_created",
)
COST_METRICS: tuple[str, ...] = ("total_cost", "public_cost", "annual_cost")
RETURN_METRICS: tuple[str, ...] = ("return_per_dollar", "return_per_public_dollar")


def programme_warnings(ctx: Context) -> list[str]:
    """Warnings about one programme's evidence taken together."""
    out: list[str] = []
    growth = [r for m in GROWTH_METRICS for r in ctx.get(m)]
    bases = {r.basis for r in growth if r.basis}
    if len(bases) > 1:
        by_basis = {
            b: sorted({r.metric.removesuffix("_growth") for r in growth if r.basis == b})
            for b in sorted(bases)
        }
        listed = "; ".join(f"{_(BASIS_LABELS[b])}: {', '.join(ms)}" for b, ms in by_basis.items())
        out.append(
            _(
                "growth measured relative to the sector is mixed with absolute growth "
                "({listed}); read each row with its basis and never average them"
            ).format(listed=listed)
        )
    periods = {period_of(r) for r in growth if period_of(r) is not None}
    if len(periods) > 1:
        shown = ", ".join(fmt_period(p) for p in sorted(p for p in periods if p is not None))
        out.append(_("growth figures cover different periods ({periods})").format(periods=shown))
    has_cost = ctx.has(*COST_METRICS, *RETURN_METRICS, "revenue", "cost_share")
    if not has_cost and ctx.has(*OUTPUT_METRICS, *GROWTH_METRICS, *LEVEL_METRICS):
        out.append(
            _(
                "missing cost: no cost is stated, so no cost per network, enterprise or job, "
                "and no benefit-cost ratio"
            )
        )
    return out


def mark_basis_mix(metrics: list[ComputedMetric], ctx: Context) -> list[ComputedMetric]:
    """Put the basis-mix warning on each growth row of a programme that mixes bases."""
    bases = {r.basis for m in GROWTH_METRICS for r in ctx.get(m) if r.basis}
    if len(bases) <= 1:
        return metrics
    out = []
    for m in metrics:
        if m.basis in bases and m.key.split("_per_year")[0] in GROWTH_METRICS:
            other = ", ".join(_(BASIS_LABELS[b]) for b in sorted(bases - {m.basis}))
            m = m.with_warnings(
                _(
                    "measured {basis}; this programme also reports growth measured {other}: "
                    "not comparable, do not average"
                ).format(basis=_(BASIS_LABELS[m.basis]), other=other)
            )
        out.append(m)
    return out


def cross_programme(results: Sequence[ProgrammeMetrics]) -> list[ProgrammeMetrics]:
    """Flag rows whose metric is stated in other price years, bases or periods elsewhere."""
    by_key: dict[str, list[tuple[str, ComputedMetric]]] = {}
    for pm in results:
        for m in pm.metrics:
            by_key.setdefault(m.key, []).append((pm.programme_id, m))
    out = []
    for pm in results:
        rows = tuple(
            _cross_row(m, [o for pid, o in by_key[m.key] if pid != pm.programme_id])
            for m in pm.metrics
        )
        out.append(replace(pm, metrics=rows))
    return out


def _cross_row(m: ComputedMetric, others: list[ComputedMetric]) -> ComputedMetric:
    """Compare one row with the same metric of the other programmes."""
    if not others:
        return m
    peers = [m, *others]
    years = {p.price_year for p in peers if p.price_year is not None}
    if m.price_year is not None and len(years) > 1:
        rest = ", ".join(str(y) for y in sorted(years - {m.price_year}))
        m = m.with_warnings(
            _(
                "nominal US$ of {year}; other programmes' rows are in US$ of {years}: "
                "choose a price year before comparing"
            ).format(year=m.price_year, years=rest)
        )
    bases = {p.basis for p in peers if p.basis}
    if m.basis and len(bases) > 1:
        rest = ", ".join(_(BASIS_LABELS.get(b, b)) for b in sorted(bases - {m.basis}))
        m = m.with_warnings(
            _("measured {basis}; other programmes' rows are measured {others}").format(
                basis=_(BASIS_LABELS.get(m.basis, m.basis)), others=rest
            )
        )
    periods = {p.period for p in peers if p.period is not None}
    if m.period is not None and len(periods) > 1 and m.key.endswith(("_growth", "_per_year")):
        rest = ", ".join(fmt_period(p) for p in sorted(periods - {m.period}))
        m = m.with_warnings(
            _("covers {period}; other programmes' rows cover {periods}").format(
                period=fmt_period(m.period), periods=rest
            )
        )
    return m
