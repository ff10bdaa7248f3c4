"""Rules for ratio metrics: cost per output (network, enterprise, job, year) and reach multipliers.

Each rule takes a programme's ``Context`` and returns the metrics it could
compute plus programme-level warnings for what it could not. No rule invents
an input: a missing figure means no metric and a warning.
"""

from __future__ import annotations

from model.costbenefit.formulas import cost_per_unit
from model.costbenefit.results import ComputedMetric
from model.costbenefit.terms import (
    Context,
    Term,
    build,
    compatible,
    mismatch,
    money,
    period_of,
    plain,
)
from model.domain.evidence import EvidenceRecord
from model.formatting.i18n import N_, _

Found = tuple[list[ComputedMetric], list[str]]

# (key, label, denominator metric, noun for the unit)
COST_RATIOS: tuple[tuple[str, str, str, str], ...] = (
    ("cost_per_network", N_("Cost per network"), "networks_formed", "network"),
    ("cost_per_enterprise", N_("Cost per enterprise reached"), "enterprises_reached", "enterprise"),
    ("cost_per_broker", N_("Cost per broker trained"), "brokers_trained", "broker"),
    ("cost_per_project", N_("Cost per project"), "projects", "project"),
    ("cost_per_person_trained", N_("Cost per person trained"), "people_trained", "person"),
)
# (key, label, numerator metric, denominator metric, unit)
MULTIPLIERS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "networks_per_broker",
        N_("Networks per broker trained"),
        "networks_formed",
        "brokers_trained",
        "networks per broker",
    ),
    (
        "enterprises_per_broker",
        N_("Enterprises per broker trained"),
        "enterprises_reached",
        "brokers_trained",
        "enterprises per broker",
    ),
    (
        "enterprises_per_network",
        N_("Enterprises per network"),
        "enterprises_reached",
        "networks_formed",
        "enterprises per network",
    ),
    (
        "networks_per_project",
        N_("Networks per project"),
        "networks_formed",
        "projects",
        "networks per project",
    ),
)


def not_computed(label: str, reason: str) -> str:
    """Why a metric is missing: "cost per network not computed: ..." (label lower-cased)."""
    return _("{metric} not computed: {reason}").format(metric=_(label).lower(), reason=reason)


def cost_records(ctx: Context) -> tuple[str, list[EvidenceRecord], list[str]]:
    """The cost figures to divide by outputs: total cost, else public cost with a caveat."""
    if ctx.get("total_cost"):
        return "total_cost", ctx.get("total_cost"), []
    if ctx.get("public_cost"):
        note = _("only the public cost is stated; the full cost per unit is higher")
        return "public_cost", ctx.get("public_cost"), [note]
    return "", [], []


def _ratio(
    ctx: Context,
    key: str,
    label: str,
    unit: str,
    num: tuple[str, list[EvidenceRecord]],
    den: tuple[str, list[EvidenceRecord]],
    *,
    is_money: bool,
    row_warnings: list[str],
) -> Found:
    found: list[ComputedMetric] = []
    skipped: list[str] = []
    for a in num[1]:
        for b in den[1]:
            if not compatible(a, b):
                skipped.append(not_computed(label, mismatch(a, b)))
                continue
            ta: Term = money(ctx, a) if is_money else plain(a)
            tb = plain(b)
            if tb.range.high is not None and tb.range.high <= 0:
                skipped.append(not_computed(label, _("{metric} is zero").format(metric=b.metric)))
                continue
            found.append(
                build(
                    key,
                    label,
                    unit,
                    cost_per_unit(ta.range, tb.range),
                    f"{num[0]} / {den[0]} = {ta.text} / {tb.text}",
                    (ta, tb),
                    price_year=ta.price_year,
                    qualifier=a.qualifier or b.qualifier,
                    warnings=row_warnings,
                )
            )
    return found, skipped


def cost_ratios(ctx: Context) -> Found:
    """Cost per network, enterprise, broker, project, person trained, year and job."""
    found: list[ComputedMetric] = []
    warnings: list[str] = []
    name, costs, caveat = cost_records(ctx)
    if not costs:
        return found, warnings
    for key, label, den, noun in COST_RATIOS:
        if ctx.get(den):
            m, w = _ratio(
                ctx,
                key,
                label,
                f"USD per {noun}",
                (name, costs),
                (den, ctx.get(den)),
                is_money=True,
                row_warnings=caveat,
            )
            found += m
            warnings += w
    for rule in (_cost_per_year, _cost_per_job):
        m, w = rule(ctx, name, costs, caveat)
        found += m
        warnings += w
    return found, warnings


def _cost_per_year(
    ctx: Context, name: str, costs: list[EvidenceRecord], caveat: list[str]
) -> Found:
    if ctx.get("duration"):
        found, skipped = _ratio(
            ctx,
            "cost_per_year",
            N_("Cost per year"),
            "USD per year",
            (name, costs),
            ("duration", ctx.get("duration")),
            is_money=True,
            row_warnings=caveat,
        )
        if found:
            return found, skipped
    else:
        skipped = []
    out: list[ComputedMetric] = []
    for c in costs:
        p = period_of(c)
        if p is None or p[1] <= p[0]:
            continue
        years = p[1] - p[0]
        t = money(ctx, c)
        out.append(
            build(
                "cost_per_year",
                N_("Cost per year"),
                "USD per year",
                t.range / years,
                f"{name} / years = {t.text} / {years} "
                + _("(years = {last} - {first}; no matching duration stated)").format(
                    last=p[1], first=p[0]
                ),
                (t,),
                price_year=t.price_year,
                qualifier=c.qualifier,
                warnings=caveat,
            )
        )
    return out, [] if out else skipped


def _cost_per_job(ctx: Context, name: str, costs: list[EvidenceRecord], caveat: list[str]) -> Found:
    if ctx.get("jobs_created"):
        return _ratio(
            ctx,
            "cost_per_job",
            N_("Cost per job"),
            "USD per job",
            (name, costs),
            ("jobs_created", ctx.get("jobs_created")),
            is_money=True,
            row_warnings=caveat,
        )
    if not ctx.has("employment_growth", "workers_per_firm"):
        return [], []
    needed = ("enterprises_reached", "workers_per_firm")
    missing = [m for m in needed if not ctx.get(m)]
    # Growth relative to the sector is not a count of new jobs, and a yearly
    # rate would need the years; only total absolute growth converts to jobs.
    growth = [
        g
        for g in ctx.get("employment_growth")
        if g.basis != "relative_to_sector" and g.unit == "share"
    ]
    if missing or not growth:
        what = ", ".join(missing + ([] if growth else ["absolute employment_growth"]))
        return [], [_("cost per job not computed: missing {what}").format(what=what)]
    out: list[ComputedMetric] = []
    tc = money(ctx, costs[0])
    te, tw = plain(ctx.get("enterprises_reached")[0]), plain(ctx.get("workers_per_firm")[0])
    tg = growth[0]
    g = plain(tg)
    if g.range.low is None or g.range.low <= 0:
        return [], [_("cost per job not computed: employment growth is not positive")]
    jobs = te.range * tw.range * g.range
    extrapolated = (
        [
            _(
                "employment growth measured in {scope} extrapolated to all enterprises reached"
            ).format(scope=tg.qualifier)
        ]
        if tg.qualifier
        else []
    )
    out.append(
        build(
            "cost_per_job",
            N_("Cost per job"),
            "USD per job",
            tc.range / jobs,
            f"{name} / (enterprises_reached x workers_per_firm x employment_growth) = "
            f"{tc.text} / ({te.text} x {tw.text} x {g.text}) "
            + _("(assumes the stated employment growth holds for every enterprise reached)"),
            (tc, te, tw, g),
            price_year=tc.price_year,
            warnings=[*caveat, *extrapolated],
        )
    )
    return out, []


def multipliers(ctx: Context) -> Found:
    """Reach multipliers: networks and enterprises per broker, enterprises per network."""
    found: list[ComputedMetric] = []
    warnings: list[str] = []
    for key, label, num, den, unit in MULTIPLIERS:
        if ctx.get(num) and ctx.get(den):
            m, w = _ratio(
                ctx,
                key,
                label,
                unit,
                (num, ctx.get(num)),
                (den, ctx.get(den)),
                is_money=False,
                row_warnings=[],
            )
            found += m
            warnings += w
    return found, warnings
