"""The cost-benefit engine: every programme's metrics from an ``EvidenceDataset``.

Pure: the same dataset and settings always give the same metrics, in dataset
order of programmes and a fixed order of rules within each.
"""

from __future__ import annotations

from collections.abc import Callable

from model.costbenefit.comparability import cross_programme, mark_basis_mix, programme_warnings
from model.costbenefit.dataset import EvidenceDataset
from model.costbenefit.flows import (
    export_returns,
    growth_rates,
    level_growth,
    operating_balance,
    recovery_paths,
)
from model.costbenefit.formulas import deflator_table
from model.costbenefit.ratios import Found, cost_ratios, cost_records, multipliers, not_computed
from model.costbenefit.results import ComputedMetric, ProgrammeMetrics
from model.costbenefit.shares import cost_split, public_money, returns
from model.costbenefit.terms import Context
from model.domain.evidence import Programme
from model.formatting.i18n import _

MAX_HORIZON_YEARS = 100

RULES: tuple[Callable[[Context], Found], ...] = (
    cost_ratios,
    multipliers,
    returns,
    public_money,
    cost_split,
    recovery_paths,
    operating_balance,
    level_growth,
    growth_rates,
)


def compute_programme_metrics(
    dataset: EvidenceDataset,
    price_year: int | None = None,
    discount_rate: float = 0.05,
    horizon_years: int = 10,
) -> list[ProgrammeMetrics]:
    """Metrics for every programme in ``dataset``.

    ``price_year``: express money in constant US$ of this year (CPI-U deflators
    of the dataset); None keeps each figure's own nominal dollars.
    ``discount_rate``: share per year (0.05 = 5 %), used by NPV.
    ``horizon_years``: years of cash flows discounted, 1-100.
    """
    if not -1 < discount_rate < 10:
        raise ValueError(
            _("discount_rate must be a share per year above -1, got {rate}").format(
                rate=discount_rate
            )
        )
    if not 1 <= horizon_years <= MAX_HORIZON_YEARS:
        raise ValueError(
            _("horizon_years must be 1-{most}, got {years}").format(
                most=MAX_HORIZON_YEARS, years=horizon_years
            )
        )
    deflators = deflator_table(dataset.deflators)
    if price_year is not None and price_year not in deflators:
        known = f"{min(deflators)}-{max(deflators)}" if deflators else _("no years")
        raise ValueError(
            _("price_year {year}: no deflator for it (the table has {known})").format(
                year=price_year, known=known
            )
        )
    results = [
        _programme(
            Context(
                programme=p,
                records=dataset.records_for(p.programme_id),
                price_year=price_year,
                deflators=deflators,
                discount_rate=discount_rate,
                horizon_years=horizon_years,
            )
        )
        for p in dataset.programmes
    ]
    return cross_programme(results)


def _programme(ctx: Context) -> ProgrammeMetrics:
    metrics: list[ComputedMetric] = []
    warnings = programme_warnings(ctx)
    p: Programme = ctx.programme
    try:
        for rule in RULES:
            found, notes = rule(ctx)
            metrics += found
            warnings += notes
        cost_name, costs, _caveat = cost_records(ctx)
        found, notes = export_returns(ctx, cost_name, costs)
        metrics += found
        warnings += notes
    except ValueError as exc:
        raise ValueError(f"programme {p.programme_id}: {exc}") from exc
    for m in metrics:
        if m.range.is_unknown:
            warnings.append(not_computed(m.label, _("the inputs' open bounds leave it open")))
    metrics = [m for m in metrics if not m.range.is_unknown]
    return ProgrammeMetrics(
        programme_id=p.programme_id,
        name=p.name,
        instrument=p.instrument,
        country=p.country,
        metrics=tuple(mark_basis_mix(metrics, ctx)),
        warnings=tuple(dict.fromkeys(warnings)),
    )
