"""Read-out and explanation: from solver numbers to the plan and its reasons.

``read_plan`` turns column values into funding per candidate and year;
``constraint_reports`` gives each row's slack and shadow price with a sentence;
``unfunded_reports`` prices each unfunded candidate against the optimal duals
(the LP reduced cost of "fund it at its public-share floor"), which says how
far it is from entering: how much its return per dollar would have to rise, or
its public cost fall, with the other rules' prices held fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.allocator.build.arrays import BoolArray, FloatArray, IntArray, outcome_value
from model.allocator.build.lp import FAMILIES, BuiltModel
from model.allocator.explain.greedy import min_public
from model.allocator.explain.wording import amount, money, pct, shadow_sentence
from model.allocator.result import SCALE_FUNDED, ConstraintReport, UnfundedReport
from model.allocator.solve.solver import Solution
from model.domain.candidates import KINDS

# Above this many rows only portfolio-level rows and the strongest per-candidate
# rows are reported one by one (sentences for 100k rows help nobody).
FULL_REPORT_ROWS = 5_000
TOP_CANDIDATE_ROWS = 200


@dataclass(frozen=True)
class Plan:
    """Funding (US$) per candidate and plan year, scale (0-1), and source split (US$)."""

    funding: dict[str, tuple[float, ...]]
    scale: dict[str, float]
    by_source: dict[str, dict[str, float]]
    x: FloatArray  # [n, H]
    f: FloatArray  # [n]


def read_plan(built: BuiltModel, values: FloatArray) -> Plan:
    """Funding and scale from column values; tiny solver noise is cleaned to zero."""
    arr = built.arrays
    x = np.where(built.x_col >= 0, values[np.maximum(built.x_col, 0)], 0.0)
    x[np.abs(x) < 1e-7 * max(1.0, float(np.abs(x).max(initial=0.0)))] = 0.0
    x = np.maximum(x, 0.0)
    f = np.clip(values[built.f_col], 0.0, 1.0)
    f[f < 1e-9] = 0.0
    by_source: dict[str, dict[str, float]] = {}
    pm = built.scenario.rules.policy_mix
    if pm.enabled and pm.sources:
        for b in built.col_blocks:
            if b.prefix != "y":
                continue
            for j in range(b.start, b.stop):
                v = float(values[j])
                if v > 1e-7:
                    cid, _year, src = b.labels[j - b.start].rsplit(",", 2)
                    d = by_source.setdefault(src, {})
                    d[cid] = d.get(cid, 0.0) + v
        for s in pm.sources:
            by_source.setdefault(s.name, {})
    funding = dict(zip(arr.ids, map(tuple, x.tolist()), strict=True))
    scale = dict(zip(arr.ids, f.tolist(), strict=True))
    return Plan(funding, scale, by_source, x, f)


def totals(built: BuiltModel, plan: Plan) -> tuple[dict[str, float], dict[str, float]]:
    """Public funding (US$) by kind and by region."""
    arr = built.arrays
    per = plan.x.sum(axis=1)
    by_kind: dict[str, float] = {k: float(per[arr.kind == i].sum()) for i, k in enumerate(KINDS)}
    regions = [r.name for r in built.scenario.regions] or sorted(set(arr.region))
    reg = np.array(arr.region, dtype=object)
    by_region = {r: float(per[reg == r].sum()) for r in regions}
    return by_kind, by_region


def _row_of(built: BuiltModel) -> IntArray:
    out: IntArray = np.repeat(np.arange(built.num_row), np.diff(built.a_start))
    return out


def constraint_reports(
    built: BuiltModel, sol: Solution
) -> tuple[tuple[ConstraintReport, ...], int]:
    """Reports of the rows (all of them for small models), and how many were left out."""
    m = built.num_row
    if m == 0:
        return (), 0
    lo, up = built.row_lower, built.row_upper
    act = sol.row_activity
    row_of = _row_of(built)
    size = np.bincount(row_of, np.abs(built.a_value * sol.values[built.a_index]), minlength=m)
    rhs = np.where(np.isfinite(up), up, lo)
    slack = np.where(lo == up, 0.0, np.where(np.isfinite(up), up - act, act - lo))
    binding = np.abs(slack) <= 1e-6 * (1.0 + np.abs(rhs) + size)
    amax = np.zeros(m)
    np.maximum.at(amax, row_of, np.abs(built.a_value))
    dual = np.where(
        np.abs(sol.row_dual) <= 2 * built.tie_break * np.maximum(1.0, amax) + 1e-9,
        0.0,
        sol.row_dual,
    )
    shadow = built.objective_sign * dual
    if m <= FULL_REPORT_ROWS:
        chosen = list(range(m))
    else:
        keep: list[int] = []
        other: list[int] = []
        for b in built.row_blocks:
            (keep if b.portfolio else other).extend(range(b.start, b.stop))
        rest = np.array(other, np.int64)
        rest = rest[shadow[rest] != 0]
        rest = rest[np.argsort(-np.abs(shadow[rest]), kind="stable")][:TOP_CANDIDATE_ROWS]
        chosen = sorted(keep + rest.tolist())
    kind = built.scenario.objective.kind
    per_point = _per_point(built, sol)
    reports = []
    for i in chosen:
        block = built.row_block(i)
        name = block.name(i)
        sense = "=" if lo[i] == up[i] else ("<=" if np.isfinite(up[i]) else ">=")
        reports.append(
            ConstraintReport(
                name=name,
                family=FAMILIES[block.family],
                rule=block.prefix,
                index=block.label(i),
                portfolio=block.portfolio,
                sense=sense,
                rhs=float(rhs[i]),
                activity=float(act[i]),
                slack=float(slack[i]),
                shadow_price=float(shadow[i]),
                binding=bool(binding[i]),
                sentence=shadow_sentence(
                    name,
                    kind,
                    float(shadow[i]),
                    float(slack[i]),
                    bool(binding[i]),
                    float(per_point[i]),
                ),
            )
        )
    return tuple(reports), m - len(chosen)


def _per_point(built: BuiltModel, sol: Solution) -> FloatArray:
    """US$ that one percentage point of each share row's parameter stands for (0 otherwise)."""
    out = np.zeros(built.num_row)
    arr = built.arrays
    f = np.clip(sol.values[built.f_col], 0.0, 1.0)
    ok = built.x_col >= 0
    spend = float(sol.values[built.x_col[ok]].sum())
    # Each band row holds one x[c,t]; find it through the row's entries (no label parsing).
    cand_of = np.full(built.num_col, -1, np.int64)
    year_of = np.full(built.num_col, -1, np.int64)
    ci, ti = np.nonzero(ok)
    cand_of[built.x_col[ok]] = ci
    year_of[built.x_col[ok]] = ti
    row_of = _row_of(built)
    for b in built.row_blocks:
        if b.prefix in ("subsidy_floor", "subsidy_ceiling", "cost_recovery"):
            sel = (row_of >= b.start) & (row_of < b.stop) & (cand_of[built.a_index] >= 0)
            c, t = cand_of[built.a_index[sel]], year_of[built.a_index[sel]]
            out[row_of[sel]] = 0.01 * arr.cost[c, t] * f[c]
        elif b.prefix == "average_public_share":
            out[b.start] = 0.01 * float((arr.cost.sum(axis=1) * f).sum())
        elif b.prefix.endswith(("_floor", "_ceiling")):
            out[b.start : b.stop] = 0.01 * spend
    return out


def reduced_costs(
    built: BuiltModel, row_dual: FloatArray, rows: IntArray | None = None
) -> FloatArray:
    """c - A^T y for every column (internal, maximised); only ``rows`` if given."""
    y = (
        row_dual
        if rows is None
        else np.where(np.isin(np.arange(built.num_row), rows), row_dual, 0.0)
    )
    row_of = _row_of(built)
    aty = np.bincount(built.a_index, built.a_value * y[row_of], minlength=built.num_col)
    cost = built.col_cost if rows is None else np.zeros(built.num_col)
    out: FloatArray = cost - aty
    return out


def unfunded_reports(built: BuiltModel, sol: Solution, plan: Plan) -> tuple[UnfundedReport, ...]:
    """One report per candidate left at zero scale (see module docstring)."""
    sc = built.scenario
    arr = built.arrays
    rules = sc.rules
    idle = np.flatnonzero(plan.f <= SCALE_FUNDED)
    if len(idle) == 0:
        return ()
    need = min_public(sc, arr)
    red = reduced_costs(built, sol.row_dual)
    target_rows = np.array(
        [i for b in built.row_blocks if b.prefix == "target" for i in range(b.start, b.stop)],
        np.int64,
    )
    obj_part = np.zeros(built.num_col)
    obj_part[built.f_col] = built.col_cost[built.f_col]
    if built.seg_col.shape[1]:
        obj_part[built.seg_col[:, 0]] = built.col_cost[built.seg_col[:, 0]]
    if len(target_rows):
        obj_part += reduced_costs(built, sol.row_dual, target_rows)

    def combined(vec: FloatArray) -> FloatArray:
        """Per candidate: vec on f (and the first segment) plus need-weighted vec on its x."""
        v: FloatArray = vec[built.f_col].copy()
        if built.seg_col.shape[1]:
            v += vec[built.seg_col[:, 0]]
        has = built.x_col >= 0
        v += np.where(has, need * vec[np.maximum(built.x_col, 0)], 0.0).sum(axis=1)
        return v

    d_all, gain_all = combined(red), combined(obj_part)
    value = outcome_value(sc, arr, np.ones(arr.n))
    kind = sc.objective.kind
    out = []
    # The reasons that need no prices, for every candidate at once (checked in this order).
    public_all = need.sum(axis=1)
    broker = arr.kind == KINDS.index("broker_programme")
    no_fee_room: BoolArray = np.asarray((need > (1 - arr.fee) * arr.cost + 1e-9).any(axis=1))
    over_ceiling: BoolArray = np.asarray(
        (need > arr.ceiling[:, None] * arr.cost * (1 + 1e-12) + 1e-9).any(axis=1)
    )
    # Plain Python values for the loop below: numpy scalar indexing cost more than the
    # sentences at 6,000+ unfunded candidates (same float values either way).
    public_l: list[float] = public_all.tolist()
    value_l: list[float] = value.tolist()
    d_l: list[float] = d_all.tolist()
    gain_l: list[float] = gain_all.tolist()
    started_l: list[bool] = (arr.in_horizon > 0).tolist()
    ineligible_l: list[bool] = (rules.matching_grants.enabled & ~arr.eligible).tolist()
    no_fee_l: list[bool] = (rules.cost_recovery.enabled & broker & no_fee_room).tolist()
    over_l: list[bool] = (rules.subsidy_band.enabled & over_ceiling).tolist()
    tie_break = built.tie_break
    for i in idle.tolist():
        cid = arr.ids[i]
        public = public_l[i]
        rpd = value_l[i] / public if public > 0 and kind != "min_cost" else None
        reason = ""
        if not started_l[i]:
            reason = "it starts after the plan horizon"
        elif ineligible_l[i]:
            reason = "it did not pass eligibility screening (rule e)"
        elif no_fee_l[i]:
            reason = "its public-share floor is above what its fee schedule leaves to subsidise"
        elif over_l[i]:
            reason = (
                "the public share its partner match leaves to pay is above its public-share "
                "ceiling, so no scale of it fits its co-financing plan"
            )
        elif kind != "min_cost" and value_l[i] <= 0:
            reason = "it adds nothing to the objective"
        if reason:
            out.append(
                UnfundedReport(cid, reason, rpd, None, None, f"{cid} is not funded: {reason}.")
            )
            continue
        d = d_l[i]
        gain = gain_l[i]
        price = gain - d  # what the resources it would use are worth elsewhere
        tol = 1e-7 * (abs(gain) + abs(price)) + 4 * tie_break * max(public, 1.0)
        if d >= -tol:
            reason = "it ties with funded candidates at the margin"
            out.append(
                UnfundedReport(
                    cid,
                    reason,
                    rpd,
                    0.0,
                    0.0,
                    f"{cid} is not funded: {reason}; an equally good plan may include it.",
                )
            )
            continue
        rise = -d / gain if gain > 0 else None
        # Treat the whole price as scaling with its cost (true for budgets, shares, sources).
        fall = min(-d / price, 1.0) if price > 0 else None
        reason = "other candidates give more per public dollar under the binding rules"
        words = [f"{cid} is not funded: {reason}"]
        if rpd is not None:
            words.append(f"it returns {amount(kind, rpd)} per public dollar")
        if rise is not None:
            target = f" (to {amount(kind, rpd * (1 + rise))})" if rpd is not None else ""
            words.append(f"its return per dollar would have to rise by {pct(rise)}{target}")
        if fall is not None and fall < 1.0:
            words.append(f"or its public cost ({money(public)}) fall by {pct(fall)}")
        elif fall is not None:
            fall = None
            words.append("even at no public cost it would not fit the rules")
        out.append(UnfundedReport(cid, reason, rpd, rise, fall, "; ".join(words) + "."))
    return tuple(out)
