"""Independent checker: does a funding plan satisfy every enabled rule of a scenario?

Written in plain Python from the scenario's own objects, sharing no code with
the builder or the solvers, so it can catch a wrong formulation as well as a
wrong solve. A plan is public funding per candidate and plan year (US$), the
scale of each candidate (0-1 of full scale) and, when funding sources are
configured, the funding of each candidate by each source (US$ over the horizon).
Violations are named like the builder's rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from model.allocator.scenario import ObjectiveKind, Scenario
from model.domain.candidates import Candidate

# US$ tolerance: solvers work to ~1e-7 relative; money below a cent is noise.
ABS_TOL = 1e-2
REL_TOL = 1e-6
SCALE_TOL = 1e-6


@dataclass(frozen=True)
class Violation:
    """One broken rule: the row name, how far off (its own unit) and a sentence."""

    rule: str
    excess: float
    message: str


def _over(value: float, limit: float, scale_like: bool = False) -> float:
    """How far ``value`` exceeds ``limit`` beyond tolerance (0 if within)."""
    d = value - limit
    if scale_like:
        return d if d > SCALE_TOL else 0.0
    if d <= ABS_TOL:  # within the least tolerance: the usual case, decided without max()
        return 0.0
    tol = ABS_TOL + REL_TOL * max(abs(value), abs(limit))
    return d if d > tol else 0.0


def _years(c: Candidate, horizon: int) -> dict[int, float]:
    """Plan year -> full cost (US$) for the years the candidate operates in the horizon."""
    out = {}
    for k, cost in enumerate(c.cost_by_year, start=1):
        t = c.start_year + k - 1
        if t <= horizon and cost > 0:
            out[t] = cost
    return out


def plan_outcome(scenario: Scenario, scale: Mapping[str, float], measure: str) -> float:
    """Total of ``measure`` (benefit US$, enterprises, jobs) of a plan, horizon-prorated."""
    dr = scenario.objective.diminishing_returns
    total = 0.0
    for c in scenario.candidates:
        f = scale.get(c.id, 0.0)
        inside = sum(_years(c, scenario.horizon_years).values()) / c.total_cost
        if dr.enabled:
            norm = sum(s * v for s, v in zip(dr.relative_slopes, dr.segment_lengths, strict=True))
            left, g = 0.0, 0.0
            for length, slope in zip(dr.segment_lengths, dr.relative_slopes, strict=True):
                g += slope / norm * min(max(f - left, 0.0), length)
                left += length
        else:
            g = f
        total += getattr(c, measure) * inside * g
    return total


def plan_objective(
    scenario: Scenario, funding: Mapping[str, Sequence[float]], scale: Mapping[str, float]
) -> float:
    """The scenario's reported objective for a plan (public cost for ``min_cost``)."""
    obj = scenario.objective
    kind: ObjectiveKind = obj.kind
    if kind == "min_cost":
        return sum(sum(v) for v in funding.values())
    weights = dict(obj.weights) if kind == "weighted" else {kind: 1.0}
    return sum(w * plan_outcome(scenario, scale, m) for m, w in weights.items())


def check_plan(
    scenario: Scenario,
    funding: Mapping[str, Sequence[float]],
    scale: Mapping[str, float],
    by_source: Mapping[str, Mapping[str, float]] | None = None,
) -> list[Violation]:
    """Every violated rule of the plan (empty when the plan is feasible)."""
    out: list[Violation] = []
    h = scenario.horizon_years
    rules = scenario.rules
    cands = scenario.candidates

    def add(rule: str, excess: float, message: str) -> None:
        if excess > 0:
            out.append(Violation(rule, excess, message))

    # Row names and messages are written only for a violation (``if e := ...``): formatting
    # them for every row was half of the check (the greedy baseline runs it per plan).
    x: dict[str, list[float]] = {}
    years_of = {c.id: _years(c, h) for c in cands}
    for c in cands:
        row = list(funding.get(c.id, [0.0] * h))
        if len(row) != h:
            raise ValueError(f"funding[{c.id}]: needs {h} yearly amounts, got {len(row)}")
        x[c.id] = row
        f = scale.get(c.id, 0.0)
        if e := max(_over(f, 1.0, True), _over(0.0, f, True)):
            add(f"scale[{c.id}]", e, "scale outside 0-1")
        years = years_of[c.id]
        for t in range(1, h + 1):
            v = row[t - 1]
            if e := _over(0.0, v):
                add(f"x[{c.id},{t}]", e, f"{c.id}: negative funding in year {t}")
            if t not in years and (e := _over(v, 0.0)):
                add(f"x[{c.id},{t}]", e, f"{c.id}: funded in year {t}, not operating")
        if not years:
            add(f"f[{c.id}]", _over(f, 0.0, True), f"{c.id} starts after the horizon")
    spend = {cid: sum(v) for cid, v in x.items()}
    total = sum(spend.values())

    if rules.budget.enabled:
        b = scenario.budget
        if b.total is not None:
            add("budget_total", _over(total, b.total), f"total {total:,.0f} > {b.total:,.0f}")
        if b.per_year is not None:
            carried = 0.0
            for t in range(1, h + 1):
                year = sum(v[t - 1] for v in x.values())
                avail = b.per_year[t - 1] + (carried if b.carry_over else 0.0)
                add(
                    f"budget_year[{t}]", _over(year, avail), f"year {t}: {year:,.0f} > {avail:,.0f}"
                )
                carried = max(avail - year, 0.0)

    lim = rules.candidate_limits
    if lim.enabled:
        for cid, v in lim.min_funding.items():
            add(f"candidate_min[{cid}]", _over(v, spend[cid]), f"{cid} below its minimum")
        for cid, v in lim.max_funding.items():
            add(f"candidate_max[{cid}]", _over(spend[cid], v), f"{cid} above its maximum")
        for lk in lim.locked:
            got = x[lk.candidate][lk.year - 1]
            add(
                f"locked[{lk.candidate},{lk.year}]",
                abs(_over(got, lk.amount)) + abs(_over(lk.amount, got)),
                f"{lk.candidate} year {lk.year} is not the locked amount",
            )
        for cid, v in lim.mandatory.items():
            add(f"mandatory[{cid}]", _over(v, scale.get(cid, 0.0), True), f"{cid} below mandatory")
        # The LP relaxation (solver.relax_integers) drops the go/no-go choice on purpose.
        gng = {} if scenario.solver.relax_integers else lim.go_no_go
        for cid, v in gng.items():
            f = scale.get(cid, 0.0)
            if f > SCALE_TOL:
                add(f"go_no_go_min[{cid}]", _over(v, f, True), f"{cid} below minimum viable size")

    for c in cands:
        f = scale.get(c.id, 0.0)
        years = years_of[c.id]
        for t, cost in years.items():
            v = x[c.id][t - 1]
            k = t - c.start_year + 1
            ceiling = c.public_share_ceiling if rules.subsidy_band.enabled else 1.0
            if e := _over(v, ceiling * cost * f):
                add(f"subsidy_ceiling[{c.id},{t}]", e, "above ceiling")
            if rules.subsidy_band.enabled:
                lo = c.public_share_floor * cost * f
                if e := _over(lo, v):
                    add(f"subsidy_floor[{c.id},{t}]", e, f"{c.id} below its floor")
            if rules.cost_recovery.enabled and c.kind == "broker_programme":
                cap = (1 - c.fee_share(k)) * cost * f
                if e := _over(v, cap):
                    add(f"cost_recovery[{c.id},{t}]", e, f"{c.id} above 1 - fee share")
        if rules.matching_grants.enabled:
            if not c.eligible:
                add(f"eligible[{c.id}]", _over(f, 0.0, True), f"{c.id} is not eligible")
            if c.kind == "matching_grant":
                caps = [c.grant_cap] if c.grant_cap is not None else []
                if c.match_ratio is not None:
                    caps.append(c.match_ratio * c.partner_match)
                for cap_v in caps:
                    add(
                        f"grant_limit[{c.id}]", _over(spend[c.id], cap_v), f"{c.id} above its limit"
                    )

    def full_cost_in_plan(c: Candidate) -> float:
        return sum(years_of[c.id].values()) * scale.get(c.id, 0.0)

    band = rules.subsidy_band
    if band.enabled:
        for c in cands:
            years = years_of[c.id]
            if c.partner_match > 0 and years:
                inside = sum(years.values())
                least = (inside - c.partner_match * inside / c.total_cost) * scale.get(c.id, 0.0)
                if e := _over(least, spend[c.id]):
                    add(f"partner_limit[{c.id}]", e, f"{c.id}: partners over match")
    if band.enabled and band.max_average_public_share is not None:
        lim_v = band.max_average_public_share * sum(full_cost_in_plan(c) for c in cands)
        add("average_public_share", _over(total, lim_v), "average public share too high")
    cr = rules.cost_recovery
    if cr.enabled and cr.min_fee_revenue > 0:
        rev = 0.0
        for c in cands:
            for t, cost in years_of[c.id].items():
                rev += c.fee_share(t - c.start_year + 1) * cost * scale.get(c.id, 0.0)
        add("fee_revenue_min", _over(cr.min_fee_revenue, rev), f"fee revenue {rev:,.0f} too low")
    bc = rules.broker_capacity
    if bc.enabled:
        need = sum(c.networks_needed * scale.get(c.id, 0.0) for c in cands)
        have = bc.existing_networks + sum(c.networks_served * scale.get(c.id, 0.0) for c in cands)
        add(
            "broker_capacity", _over(need, have, True), f"{need:.2f} networks > capacity {have:.2f}"
        )

    pm = rules.policy_mix
    if pm.enabled:
        groups: list[tuple[str, str, float, float, float]] = []
        for kind, sb in pm.kind_shares.items():
            amt = sum(spend[c.id] for c in cands if c.kind == kind)
            groups.append(("kind", kind, amt, sb.min, sb.max))
        for region, sb in pm.region_shares.items():
            amt = sum(spend[c.id] for c in cands if c.region == region)
            groups.append(("region", region, amt, sb.min, sb.max))
        if pm.lagging_min_share > 0:
            lag = {r.name for r in scenario.regions if r.lagging}
            amt = sum(spend[c.id] for c in cands if c.region in lag)
            groups.append(("lagging", "", amt, pm.lagging_min_share, 1.0))
        for what, key, amt, lo_s, hi_s in groups:
            label = f"[{key}]" if key else ""
            add(f"{what}_floor{label}", _over(lo_s * total, amt), f"{what} {key} below its floor")
            add(f"{what}_ceiling{label}", _over(amt, hi_s * total), f"{what} {key} above ceiling")
        if pm.sources:
            _check_sources(scenario, spend, total, by_source or {}, add)

    for m, target in scenario.objective.targets.items():
        got = plan_outcome(scenario, scale, m)
        add(f"target[{m}]", _over(target, got, m != "benefit"), f"{m} {got:,.4g} below target")
    return out


def _check_sources(
    scenario: Scenario,
    spend: Mapping[str, float],
    total: float,
    by_source: Mapping[str, Mapping[str, float]],
    report: Callable[[str, float, str], None],
) -> None:
    kinds = {c.id: c.kind for c in scenario.candidates}
    paid: dict[str, float] = dict.fromkeys(spend, 0.0)
    for s in scenario.rules.policy_mix.sources:
        amounts = by_source.get(s.name, {})
        used = sum(amounts.values())
        report(f"source_amount[{s.name}]", _over(used, s.amount), f"{s.name} overspent")
        report(f"source_floor[{s.name}]", _over(s.share.min * total, used), f"{s.name} share low")
        report(f"source_ceiling[{s.name}]", _over(used, s.share.max * total), f"{s.name} high")
        for cid, v in amounts.items():
            if kinds[cid] not in s.allowed_kinds:
                report(f"source_split[{cid}]", _over(v, 0.0), f"{s.name} cannot pay for {cid}")
            paid[cid] += v
    for cid, v in spend.items():
        gap = abs(paid[cid] - v)
        report(f"source_split[{cid}]", _over(gap, 0.0), f"{cid}: sources do not add up to funding")
