"""Rules over time: cost recovery and public share paths, growth rates, NPV and IRR.

Cash flows are built only where the evidence gives both sides (a cost and a
benefit or revenue); every assumption used to lay them out over years is
written into the metric's formula text.
"""

from __future__ import annotations

from model.costbenefit.formulas import (
    annualise,
    annuity_factor,
    cagr_range,
    irr,
    npv_range,
    public_share_path,
)
from model.costbenefit.ranges import Range
from model.costbenefit.ratios import Found
from model.costbenefit.results import ComputedMetric, fmt_range
from model.costbenefit.terms import (
    Context,
    Term,
    build,
    compatible,
    fmt_period,
    money,
    period_of,
    plain,
    share,
)
from model.domain.evidence import EvidenceRecord
from model.formatting import numbers
from model.formatting.i18n import N_, _

GROWTH_METRICS: tuple[str, ...] = (
    "sales_growth",
    "employment_growth",
    "fixed_assets_growth",
    "production_growth",
    "productivity_growth",
    "yield_growth",
    "exports_growth",
    "investment_growth",
)
# Levels whose change over stated years gives a compound growth rate.
LEVEL_METRICS: tuple[str, ...] = ("exports", "revenue", "firms_in_cluster", "enterprises_reached")
NOT_ANNUALISED = N_(
    "no period of several years stated: not annualised, not comparable with yearly rates"
)
BASIS_LABELS = {
    "absolute": N_("absolute"),
    "relative_to_sector": N_("relative to the sector"),
    "": "",
}


# The metrics a growth row is named after, as _humanise writes them (English source).
METRIC_NAMES: dict[str, str] = {
    "sales_growth": N_("Sales growth"),
    "employment_growth": N_("Employment growth"),
    "fixed_assets_growth": N_("Fixed assets growth"),
    "production_growth": N_("Production growth"),
    "productivity_growth": N_("Productivity growth"),
    "yield_growth": N_("Yield growth"),
    "exports_growth": N_("Exports growth"),
    "investment_growth": N_("Investment growth"),
    "exports": N_("Exports"),
    "revenue": N_("Revenue"),
    "firms_in_cluster": N_("Firms in cluster"),
    "enterprises_reached": N_("Enterprises reached"),
}


def _humanise(metric: str) -> str:
    """A metric key in words, in the active language ("yield_growth" -> "Yield growth")."""
    if metric in METRIC_NAMES:
        return _(METRIC_NAMES[metric])
    return metric.replace("_", " ").capitalize()


def _year_of(qualifier: str) -> int | None:
    digits = "".join(ch for ch in qualifier if ch.isdigit())
    return int(digits) if digits else None


def recovery_paths(ctx: Context) -> Found:
    """Cost recovery and public share, year by year (EMASIM fees) or as stated (CERTEC)."""
    found: list[ComputedMetric] = []
    fees = sorted(ctx.get("fee_share"), key=lambda r: (_year_of(r.qualifier) or 0, r.evidence_id))
    stated = list(ctx.get("cost_recovery_share"))
    for rec in fees + stated:
        t = share(rec)
        year = _year_of(rec.qualifier) if rec.metric == "fee_share" else None
        qualifier = f"year {year}" if year is not None else rec.qualifier
        what = _("fee share paid by the firms") if rec.metric == "fee_share" else _("cost recovery")
        found.append(
            build(
                "cost_recovery",
                N_("Cost recovery (share of cost paid by fees or revenue)"),
                "share",
                t.range,
                f"{rec.metric} = {t.text} " + _("({what}, as stated)").format(what=what),
                (t,),
                qualifier=qualifier,
                period=period_of(rec),
            )
        )
        (public,) = public_share_path([t.range])
        found.append(
            build(
                "public_share",
                N_("Public or donor share of cost"),
                "share",
                public,
                f"1 - {rec.metric} = 1 - {t.text}",
                (t,),
                qualifier=qualifier,
                period=period_of(rec),
            )
        )
    return found, []


def annual_cost_terms(ctx: Context) -> tuple[list[Term], list[ComputedMetric]]:
    """Annual cost as stated, narrowed by revenue / cost recovery share when both exist (CERTEC).

    The derived bounds hold by definition (recovery is a share, at most 1), so
    intersecting them with a stated bound only removes impossible values.
    """
    stated = [money(ctx, r) for r in ctx.get("annual_cost")]
    derived: list[Term] = []
    metrics: list[ComputedMetric] = []
    for rev in ctx.get("revenue"):
        for crs in ctx.get("cost_recovery_share"):
            if not compatible(rev, crs):
                continue
            tr, ts = money(ctx, rev), share(crs)
            if ts.range.high is not None and ts.range.high <= 0:
                continue
            cost = tr.range / ts.range
            formula = f"revenue / cost_recovery_share = {tr.text} / {ts.text}"
            terms = [tr, ts]
            for st in stated:
                if st.price_year != tr.price_year or not compatible(st.records[0], rev):
                    continue
                cost = cost.clamp(st.range.low, st.range.high)
                formula += ", " + _("within the stated annual_cost {cost}").format(cost=st.text)
                terms.append(st)
            metrics.append(
                build(
                    "annual_cost",
                    N_("Annual cost"),
                    "USD per year",
                    cost,
                    formula,
                    terms,
                    price_year=tr.price_year,
                    qualifier=rev.qualifier or crs.qualifier,
                )
            )
            records = tuple(r for t in terms for r in t.records)
            notes = tuple(n for t in terms for n in t.notes)
            derived.append(Term(cost, fmt_range(cost), records, tr.price_year, notes))
    return (derived or stated), metrics


def operating_balance(ctx: Context) -> Found:
    """NPV of revenue minus annual cost held level over the horizon (negative = subsidy need)."""
    costs, found = annual_cost_terms(ctx)
    revenues = [money(ctx, r) for r in ctx.get("revenue")]
    if not revenues or not costs:
        return found, []
    rate, years = ctx.discount_rate, ctx.horizon_years
    factor = annuity_factor(rate, years)
    for tr in revenues:
        for tc in costs:
            balance = tr.range - tc.range
            found.append(
                build(
                    "npv_operating_balance",
                    N_("NPV of revenue minus cost (negative = subsidy need)"),
                    "USD",
                    balance.scale(factor),
                    _(
                        "(revenue - annual_cost) x annuity factor = ({revenue} - {cost}) x {factor}"
                    ).format(revenue=tr.text, cost=tc.text, factor=numbers.number(factor, 4))
                    + " "
                    + _(
                        "(assumes both stay at the stated year's level for {years} years, "
                        "discounted at {rate} a year from the end of year 1)"
                    ).format(years=years, rate=numbers.share(rate, 1)),
                    (tr, tc),
                    price_year=tr.price_year,
                )
            )
    return found, []


def growth_rates(ctx: Context) -> Found:
    """Stated growth, annualised over its period so programmes can be read side by side."""
    found: list[ComputedMetric] = []
    for metric in GROWTH_METRICS:
        for rec in ctx.get(metric):
            found.append(_growth_row(rec))
    return found, []


def _growth_row(rec: EvidenceRecord) -> ComputedMetric:
    t = plain(rec)
    basis = BASIS_LABELS.get(rec.basis, rec.basis)
    label = _humanise(rec.metric) + (f" ({_(basis)})" if basis else "")
    period = period_of(rec)

    def row(key: str, label: str, unit: str, value: Range, formula: str) -> ComputedMetric:
        return build(
            key,
            label,
            unit,
            value,
            formula,
            (t,),
            qualifier=rec.qualifier,
            basis=rec.basis,
            period=period,
            warnings=() if unit == "share_per_year" else (_(NOT_ANNUALISED),),
        )

    if rec.unit == "share_per_year":
        return row(
            f"{rec.metric}_per_year",
            _("{label} per year").format(label=label),
            "share_per_year",
            t.range,
            f"{rec.metric} = {t.text} "
            + _("a year (stated average, {period})").format(period=fmt_period(period)),
        )
    if rec.unit == "share" and period is not None and period[1] > period[0]:
        years = period[1] - period[0]
        return row(
            f"{rec.metric}_per_year",
            _("{label} per year").format(label=label),
            "share_per_year",
            annualise(t.range, years),
            f"(1 + {rec.metric})^(1/years) - 1 "
            + _("with {metric} = {value} over {period}, years = {years}").format(
                metric=rec.metric, value=t.text, period=fmt_period(period), years=years
            ),
        )
    return row(
        rec.metric,
        _("{label}, total over its period").format(label=label),
        rec.unit,
        t.range,
        f"{rec.metric} = {t.text} " + _("(as stated, {period})").format(period=fmt_period(period)),
    )


def _dated(recs: list[EvidenceRecord]) -> dict[int, EvidenceRecord]:
    """Records that each state one year's level, by that year (first wins)."""
    out: dict[int, EvidenceRecord] = {}
    for r in recs:
        p = period_of(r)
        if p is not None and p[0] == p[1]:
            out.setdefault(p[0], r)
    return out


def level_growth(ctx: Context) -> Found:
    """Compound growth of a level stated for two or more years (Chontales exports 2000-2006)."""
    found: list[ComputedMetric] = []
    for metric in LEVEL_METRICS:
        dated = _dated(ctx.get(metric))
        if len(dated) < 2:
            continue
        y0, y1 = min(dated), max(dated)
        a, b = dated[y0], dated[y1]
        ta = money(ctx, a) if a.unit == "USD" else plain(a)
        tb = money(ctx, b) if b.unit == "USD" else plain(b)
        found.append(
            build(
                f"{metric}_cagr",
                _("{metric}, compound growth per year").format(metric=_humanise(metric)),
                "share_per_year",
                cagr_range(ta.range, tb.range, y1 - y0),
                f"({metric} {y1} / {metric} {y0})^(1/{y1 - y0}) - 1 = "
                f"({tb.text} / {ta.text})^(1/{y1 - y0}) - 1",
                (ta, tb),
                period=(y0, y1),
                basis="absolute",
                check_periods=False,
            )
        )
    return found, []


def export_returns(ctx: Context, cost_name: str, costs: list[EvidenceRecord]) -> Found:
    """NPV, BCR and IRR of export increments over the first stated year, against the cost."""
    dated = _dated(ctx.get("exports"))
    if len(dated) < 2:
        return [], []
    y0, y1 = min(dated), max(dated)
    if not costs:
        return [], [
            _(
                "missing cost: exports rose over {first}-{last} but no cost is stated, "
                "so NPV, BCR and IRR of the export increase are not computed"
            ).format(first=y0, last=y1)
        ]
    levels = {y: money(ctx, r) for y, r in dated.items()}
    cost = money(ctx, costs[0])
    last = min(y1, y0 + ctx.horizon_years)
    increments = [_interpolate(levels, y) - levels[y0].range for y in range(y0 + 1, last + 1)]
    flows = [Range.point(0.0) - cost.range, *increments]
    rate = ctx.discount_rate
    assumptions = _(
        "cost {cost} spent in {first}; benefit = exports of each year minus {first} exports, "
        "log-linear between stated years, none after {last}; discounted at {rate}; "
        "exports are gross sales, so this overstates the benefit"
    ).format(cost=cost.text, first=y0, last=last, rate=numbers.share(rate, 1))
    terms = [cost, *levels.values()]
    npv = npv_range(rate, flows)
    found = [
        build(
            "npv_exports",
            N_("NPV of export increase net of cost"),
            "USD",
            npv,
            f"sum (exports_t - exports_{y0}) / (1 + r)^t - {cost_name}; {assumptions}",
            terms,
            price_year=cost.price_year,
            period=(y0, last),
            check_periods=False,
        )
    ]
    # PV of the increments alone, not NPV + cost, which cancels when they are small.
    pv_benefit = npv_range(rate, [Range.point(0.0), *increments])
    if pv_benefit.low is not None and pv_benefit.low >= 0:
        found.append(
            build(
                "bcr_exports",
                N_("Benefit-cost ratio of export increase"),
                "USD_per_USD",
                pv_benefit / cost.range,
                f"PV(export increments) / {cost_name}; {assumptions}",
                terms,
                period=(y0, last),
                check_periods=False,
            )
        )
    rates = [_irr_of(flows, side) for side in ("value", "low", "high")]
    if rates[1] is not None and rates[2] is not None:
        found.append(
            build(
                "irr_exports",
                N_("IRR of export increase"),
                "share_per_year",
                Range(rates[0], rates[1], rates[2]),
                _("rate where NPV of the flows is 0; {assumptions}").format(
                    assumptions=assumptions
                ),
                terms,
                period=(y0, last),
                check_periods=False,
            )
        )
    return found, []


def _interpolate(levels: dict[int, Term], year: int) -> Range:
    if year in levels:
        return levels[year].range
    before = max(y for y in levels if y < year)
    after = min(y for y in levels if y > year)
    s = (year - before) / (after - before)
    a, b = levels[before].range, levels[after].range

    def geo(x: float | None, y: float | None) -> float | None:
        return None if x is None or y is None else float(x ** (1 - s) * y**s)

    # Log-linear interpolation is increasing in both ends, so bounds map to bounds.
    return Range(geo(a.value, b.value), geo(a.low, b.low), geo(a.high, b.high))


def _irr_of(flows: list[Range], side: str) -> float | None:
    values = [getattr(f, side) for f in flows]
    if any(v is None for v in values):
        return None
    return irr(values)
