"""Diagnosis of an infeasible scenario by elastic relaxation.

Every row of every enabled rule family gets a non-negative elastic variable
(two for an equality) that lets it give way; phase 1 minimises the total give,
each row's give weighted by 1 / its natural size (its right-hand side or the
US$ its candidates could move), so a US$-sized and a share-sized rule compare
fairly and the fewest, smallest changes win. Rows that give way are the rules
to relax; the sentences say by how much, in the rule's own terms (a budget in
US$, a floor as a share).

Rules that are the planner's own levers (budgets, mandatory lists, policy mix,
targets) are preferred to the candidates' co-financing terms (subsidy band,
cost recovery, grant limits and eligibility), which weigh ``TERMS_WEIGHT``
times more: a ministry can move its budget, not a partner's contribution.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from model.allocator.build.arrays import FloatArray
from model.allocator.build.lp import FAMILIES, Block, BuiltModel
from model.allocator.explain.reports import Plan, read_plan
from model.allocator.explain.wording import describe, money, pct, split
from model.allocator.result import RelaxationStep
from model.allocator.solve.solver import solve
from model.domain.candidates import KINDS

TERMS_WEIGHT = 10.0
TERMS_FAMILIES = frozenset({"subsidy_band", "cost_recovery", "matching_grants"})


def _natural_size(built: BuiltModel) -> FloatArray:
    """A row's natural size: max(|rhs|, sum_j |a_ij| * typical size of column j)."""
    typical = np.where(np.isfinite(built.col_upper), built.col_upper, 0.0)
    ok = built.x_col >= 0
    typical[built.x_col[ok]] = built.arrays.cost[ok]
    big = float(built.arrays.cost.sum(axis=0).max(initial=1.0))
    typical[~np.isfinite(built.col_upper) & (typical == 0)] = big  # carry, source split
    row_of = np.repeat(np.arange(built.num_row), np.diff(built.a_start))
    size = np.bincount(row_of, np.abs(built.a_value) * typical[built.a_index], built.num_row)
    rhs = np.where(np.isfinite(built.row_upper), built.row_upper, built.row_lower)
    out: FloatArray = np.maximum(np.maximum(np.abs(rhs), size), 1e-9)
    return out


def elastic_model(built: BuiltModel) -> tuple[BuiltModel, np.ndarray, np.ndarray]:
    """The phase-1 model and, per elastic column, its row and direction (+1 up, -1 down)."""
    relaxable = np.zeros(built.num_row, np.bool_)
    for b in built.row_blocks:
        if b.family != "structure":
            relaxable[b.start : b.stop] = True
    up_rows = np.flatnonzero(relaxable & np.isfinite(built.row_upper))
    lo_rows = np.flatnonzero(relaxable & np.isfinite(built.row_lower))
    rows = np.concatenate([up_rows, lo_rows])
    direction = np.concatenate([np.ones(len(up_rows)), -np.ones(len(lo_rows))])
    k = len(rows)
    n0 = built.num_col
    new_cols = np.arange(n0, n0 + k)
    row_of = np.repeat(np.arange(built.num_row), np.diff(built.a_start))
    r = np.concatenate([row_of, rows])
    c = np.concatenate([built.a_index, new_cols])
    v = np.concatenate([built.a_value, -direction])  # a x - s <= u ; a x + s >= l
    order = np.lexsort((c, r))
    start = np.concatenate([[0], np.cumsum(np.bincount(r, minlength=built.num_row))])
    family_weight = np.ones(built.num_row)
    for b in built.row_blocks:
        if b.family in TERMS_FAMILIES:
            family_weight[b.start : b.stop] = TERMS_WEIGHT
    weight = family_weight[rows] / _natural_size(built)[rows]
    labels = tuple(
        f"{built.row_name(int(i))},{'up' if d > 0 else 'down'}"
        for i, d in zip(rows, direction, strict=True)
    )
    elastic = replace(
        built,
        col_lower=np.concatenate([built.col_lower, np.zeros(k)]),
        col_upper=np.concatenate([built.col_upper, np.full(k, np.inf)]),
        col_cost=np.concatenate([np.zeros(n0), -weight]),
        integer=np.concatenate([built.integer, np.zeros(k, np.bool_)]),
        a_start=start.astype(np.int64),
        a_index=c[order].astype(np.int64),
        a_value=v[order],
        col_blocks=(*built.col_blocks, Block("elastic", n0, labels)),
        tie_break=0.0,
        _row_lookup={},
    )
    return elastic, rows, direction


def diagnose(built: BuiltModel, solver: str | None = None) -> tuple[RelaxationStep, ...]:
    """The smallest weighted set of rule changes that makes the scenario feasible.

    Empty when even the fully relaxed model fails (the cause is then structural,
    e.g. a candidate with no funding source; the structure rows are not relaxed).
    """
    elastic, rows, direction = elastic_model(built)
    sol = solve(elastic, solver)
    if not sol.ok:
        return ()
    give = sol.values[built.num_col :]
    size = _natural_size(built)[rows]
    plan = read_plan(built, sol.values[: built.num_col])
    steps = []
    for j in np.argsort(-give / size, kind="stable"):
        s = float(give[j])
        i = int(rows[j])
        if s <= 1e-7 * size[j]:
            continue
        name = built.row_name(i)
        up = float(direction[j])
        target, new_value = _target(built, plan, i, name, s, up)
        steps.append(
            RelaxationStep(
                rule=name,
                family=FAMILIES[built.row_family(i)],
                amount=s,
                sentence=_sentence(built, plan.x, plan.f, i, name, s, up),
                target=target,
                new_value=new_value,
            )
        )
    return tuple(steps)


# Relaxed values are rounded away from the rule (money to US$1, shares to 0.01 %) so
# that applying the step is never undone by the solver's last digits.
SHARE_DIGITS = 4


def _loosen(value: float, raise_it: bool, digits: int = 0) -> float:
    k = 10.0**digits
    return (math.ceil(value * k - 1e-9) if raise_it else math.floor(value * k + 1e-9)) / k


def _target(
    built: BuiltModel, plan: Plan, i: int, name: str, give: float, up: float
) -> tuple[str, float | None]:
    """The scenario field (JSON path) that relaxing row i changes, and its new value."""
    sc = built.scenario
    arr = built.arrays
    prefix, args = split(name)
    bound = float(built.row_upper[i] if up > 0 else built.row_lower[i])
    moved = _loosen(bound + give if up > 0 else max(bound - give, 0.0), up > 0)
    x, total = plan.x, float(plan.x.sum())
    region = np.array(arr.region, dtype=object)

    def share(spend: float, raise_it: bool) -> float:
        now = spend / total if total > 0 else 0.0
        return min(max(_loosen(now, raise_it, SHARE_DIGITS), 0.0), 1.0)

    key = args[0] if args else ""
    side = "min" if prefix.endswith("_floor") else "max"
    lower_floor = prefix.endswith("_floor")
    if prefix == "budget_total":
        return "budget.total", moved
    if prefix == "budget_year" and args:
        return f"budget.per_year[{int(key) - 1}]", moved
    if prefix in ("kind_floor", "kind_ceiling") and args:
        spend = float(x[arr.kind == KINDS.index(key)].sum())
        return f"rules.policy_mix.kind_shares.{key}.{side}", share(spend, not lower_floor)
    if prefix in ("region_floor", "region_ceiling") and args:
        spend = float(x[region == key].sum())
        return f"rules.policy_mix.region_shares.{key}.{side}", share(spend, not lower_floor)
    if prefix == "lagging_floor":
        lag = [r.name for r in sc.regions if r.lagging]
        return "rules.policy_mix.lagging_min_share", share(
            float(x[np.isin(region, lag)].sum()), False
        )
    if prefix in ("source_floor", "source_ceiling") and args:
        spend = sum(plan.by_source.get(key, {}).values())
        return f"rules.policy_mix.sources[{key}].share.{side}", share(spend, not lower_floor)
    if prefix == "source_amount" and args:
        return f"rules.policy_mix.sources[{key}].amount", moved
    if prefix == "average_public_share":
        full = float((arr.cost.sum(axis=1) * plan.f).sum())
        now = total / full if full > 0 else 1.0
        return "rules.subsidy_band.max_average_public_share", min(
            _loosen(now, True, SHARE_DIGITS), 1.0
        )
    if prefix == "mandatory" and args:
        return f"rules.candidate_limits.mandatory.{key}", _loosen(
            max(bound - give, 0.0), False, SHARE_DIGITS
        )
    if prefix == "go_no_go_min" and args:
        mv = sc.rules.candidate_limits.go_no_go[key]
        return f"rules.candidate_limits.go_no_go.{key}", _loosen(
            max(mv - give, 0.0), False, SHARE_DIGITS
        )
    if prefix == "candidate_min" and args:
        return f"rules.candidate_limits.min_funding.{key}", moved
    if prefix == "candidate_max" and args:
        return f"rules.candidate_limits.max_funding.{key}", moved
    if prefix == "locked" and len(args) == 2:
        return f"rules.candidate_limits.locked[{key},{args[1]}]", moved
    if prefix == "fee_revenue_min":
        return "rules.cost_recovery.min_fee_revenue", moved
    if prefix == "broker_capacity":
        return "rules.broker_capacity.existing_networks", _loosen(bound + give, True, 3)
    if prefix == "target" and args:
        return f"objective.targets.{key}", _loosen(max(bound - give, 0.0), False, 3)
    return "", None


def _sentence(
    built: BuiltModel, x: FloatArray, f: FloatArray, i: int, name: str, give: float, up: float
) -> str:
    """Plain words for relaxing row i by ``give`` (up: raise its upper limit)."""
    sc = built.scenario
    arr = built.arrays
    prefix, args = split(name)
    what, unit = describe(name)
    total = float(x.sum())
    index = {cid: k for k, cid in enumerate(arr.ids)}
    bound = float(built.row_upper[i] if up > 0 else built.row_lower[i])
    verb = "raise" if up > 0 else "lower"

    def share_of(mask: np.ndarray) -> float:
        return float(x[mask].sum() / total) if total > 0 else 0.0

    pm = sc.rules.policy_mix
    if prefix in ("kind_floor", "kind_ceiling") and args:
        b = pm.kind_shares[args[0]]  # type: ignore[index]  # args[0] is a kind by construction
        now = share_of(arr.kind == KINDS.index(args[0]))
        old = b.min if prefix == "kind_floor" else b.max
        return f"{verb} {what} from {pct(old)} to {pct(now)} of public funding"
    if prefix in ("region_floor", "region_ceiling") and args:
        b2 = pm.region_shares[args[0]]
        now = share_of(np.array(arr.region, dtype=object) == args[0])
        old = b2.min if prefix == "region_floor" else b2.max
        return f"{verb} {what} from {pct(old)} to {pct(now)} of public funding"
    if prefix == "lagging_floor":
        lag = {r.name for r in sc.regions if r.lagging}
        now = share_of(np.isin(np.array(arr.region, dtype=object), list(lag)))
        return f"lower {what} from {pct(pm.lagging_min_share)} to {pct(now)} of public funding"
    if prefix == "mandatory" and args:
        return f"lower {what} from {pct(bound)} to {pct(max(bound - give, 0.0))} of full scale"
    if prefix == "go_no_go_min" and args:
        return f"let {args[0]} run {pct(give)} of full scale below its minimum viable size"
    if prefix in ("subsidy_floor", "subsidy_ceiling", "cost_recovery") and len(args) == 2:
        c, t = index[args[0]], int(args[1]) - 1
        full = arr.cost[c, t] * f[c]
        now = x[c, t] / full if full > 0 else 0.0
        if prefix == "cost_recovery":
            return (
                f"lower {args[0]}'s fee share in plan year {t + 1} from "
                f"{pct(arr.fee[c, t])} to {pct(1 - now)}"
            )
        old = arr.floor[c] if prefix == "subsidy_floor" else arr.ceiling[c]
        return f"{verb} {what} from {pct(old)} to {pct(now)}"
    if prefix == "eligible" and args:
        return f"admit {args[0]} although it failed eligibility screening (or drop its demand)"
    if prefix == "source_split" and args:
        return f"let a funding source pay for {args[0]} in year {args[-1]} (no source allows it)"
    if prefix == "target" and args:
        return f"lower {what} from {bound:,.4g} to {bound - give:,.4g}"
    if prefix == "broker_capacity":
        return f"add broker capacity for {give:,.3g} more networks (train or fund more brokers)"
    if unit == "US$1":
        new = bound + give if up > 0 else bound - give
        return f"{verb} {what} by {money(give)} (from {money(bound)} to {money(new)})"
    return f"{verb} {what} ({name}) by {give:,.4g}"
