"""Greedy baseline: fund by return per public dollar while money and rules allow.

This is what a careful official would do by hand: fund locked and mandatory
items first, then rank the rest by objective value per public dollar (at the
public-share floor) and fund each as far as the budgets, its own limits and
broker capacity allow. Portfolio shares (policy mix, average public share, fee
revenue, targets) are not steered; the independent checker then says whether
the greedy plan breaks any rule (``GreedyPlan.violations``). For ``min_cost``
it funds by target progress per dollar until every target is met.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from model.allocator.build.arrays import (
    CandidateArrays,
    FloatArray,
    candidate_arrays,
    curve,
    min_public,
    outcome_value,
)
from model.allocator.build.lp import BuiltModel
from model.allocator.check import check_plan, plan_objective
from model.allocator.explain.rowcheck import ROW_CHECK_MIN_CANDIDATES, plan_columns, row_violations
from model.allocator.scenario import Measure, Scenario
from model.domain.candidates import KINDS


@dataclass(frozen=True)
class GreedyPlan:
    """A plan (US$ per candidate and plan year, scale 0-1) and its reported objective."""

    funding: dict[str, tuple[float, ...]]
    scale: dict[str, float]
    objective: float
    violations: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        return not self.violations


def greedy_plan(
    scenario: Scenario, arr: CandidateArrays | None = None, built: BuiltModel | None = None
) -> GreedyPlan:
    """The greedy baseline plan (see module docstring); ``built`` (the scenario's programme)
    lets a large plan be checked on its rows (``rowcheck``) instead of by ``check_plan``."""
    arr = candidate_arrays(scenario) if arr is None else arr
    rules = scenario.rules
    n, h = arr.n, arr.horizon
    need = min_public(scenario, arr)
    allowed = arr.in_horizon > 0
    if rules.cost_recovery.enabled:
        broker = arr.kind == KINDS.index("broker_programme")
        blocked = (need > (1 - arr.fee) * arr.cost + 1e-9).any(axis=1)
        allowed &= ~(broker & blocked)
    if rules.subsidy_band.enabled:
        allowed &= ~(need > arr.ceiling[:, None] * arr.cost * (1 + 1e-12) + 1e-9).any(axis=1)
    if rules.matching_grants.enabled:
        allowed &= arr.eligible
    cap_money = np.full(n, np.inf)
    if rules.matching_grants.enabled:
        grant = arr.kind == KINDS.index("matching_grant")
        cap_money[grant] = arr.match_cap[grant]
    lim = rules.candidate_limits
    index = {cid: i for i, cid in enumerate(arr.ids)}
    if lim.enabled:
        for cid, v in lim.max_funding.items():
            cap_money[index[cid]] = min(cap_money[index[cid]], v)

    b = scenario.budget
    year_budget = np.asarray(b.per_year, np.float64) if b.per_year is not None else None
    total_budget = b.total if b.total is not None else np.inf
    if not rules.budget.enabled:
        year_budget, total_budget = None, np.inf
    capacity = rules.broker_capacity.existing_networks if rules.broker_capacity.enabled else np.inf
    scale = np.zeros(n)
    x = np.zeros((n, h))
    # room() runs once per candidate: plain floats, because numpy's per-call overhead on
    # 5-element rows made the baseline take seconds at 10,000 candidates.
    need_rows: list[list[float]] = need.tolist()
    need_sum: list[float] = need.sum(axis=1).tolist()
    net_of: list[float] = (arr.networks_needed - arr.networks_served).tolist()
    cap_of: list[float] = cap_money.tolist()
    # Year limits as running totals: with carry-over, money of years 1..t pays for years
    # 1..t, so the limit is on cumulative spend (and use is cumulative need).
    carry = b.carry_over
    left_year: list[float] | None = None if year_budget is None else year_budget.tolist()
    # Running sums by np.cumsum, which adds left to right as itertools.accumulate does
    # (the same floats; a list comprehension of accumulate() took 0.27 s at 100,000).
    use_arr = need
    use_rows = need_rows
    if left_year is not None and carry:
        left_year = list(itertools.accumulate(left_year))
        use_arr = np.cumsum(need, axis=1)
        use_rows = use_arr.tolist()
    money_left = [float(total_budget)]
    given = [0.0] * n  # public US$ per candidate so far
    # Plain-float mirror of ``scale`` for room() and the ranking loop (same values).
    scale_of: list[float] = [0.0] * n
    # Capacity only ever shrinks by finite amounts: finite now means finite throughout.
    capped = bool(np.isfinite(capacity))

    def room(i: int) -> float:
        """Largest extra scale of candidate i that money and capacity allow."""
        per_sum = need_sum[i]
        best = 1.0 - scale_of[i]
        if per_sum > 0:
            best = min(best, money_left[0] / per_sum, (cap_of[i] - given[i]) / per_sum)
            if left_year is not None:
                for lt, ut in zip(left_year, use_rows[i], strict=True):
                    if ut > 0 and lt < best * ut:
                        best = lt / ut
        net = net_of[i] if capped else 0.0
        if net > 0:
            best = min(best, capacity / net)
        return max(float(best), 0.0)

    # Candidates room() would give nothing from now on: they need money of a year (or of
    # the total) that is used up. Budgets only shrink, so once out, out for good; the
    # ranking loop skips them without calling room() (after the budgets run out most of
    # the 16,000 calls at 10,000 candidates were these). room() of such a candidate is at
    # most 0 (a limit lt <= 0 with use ut > 0 caps it at lt / ut), so skipping it changes
    # nothing: the loop funds only ds > 1e-12.
    out = [False] * n
    spent_year = [False] * h
    spent_total = [False]

    def mark_out() -> None:
        if not spent_total[0] and money_left[0] <= 0:
            spent_total[0] = True
            for i in np.flatnonzero(np.asarray(need_sum) > 0).tolist():
                out[i] = True
        if left_year is not None:
            for t in range(h):
                if not spent_year[t] and left_year[t] <= 0:
                    spent_year[t] = True
                    for i in np.flatnonzero(use_arr[:, t] > 0).tolist():
                        out[i] = True

    def spend(row: list[float], ds: float) -> None:
        """Take ``row`` x ``ds`` (US$ by plan year) from the budgets."""
        money_left[0] -= sum(row) * ds
        if left_year is not None:
            run = 0.0
            for t, v in enumerate(row):
                run = run + v * ds if carry else v * ds
                left_year[t] -= run
        mark_out()

    def fund(i: int, ds: float) -> None:
        nonlocal capacity
        scale[i] += ds
        scale_of[i] = float(scale[i])
        row, per = x_rows[i], need_rows[i]
        for t in range(h):  # x[i] += need[i] * ds, on plain floats (the same arithmetic)
            row[t] += per[t] * ds
        spend(need_rows[i], ds)
        given[i] += need_sum[i] * ds
        if capped:
            capacity -= net_of[i] * ds

    x_rows: list[list[float]] = x.tolist()  # what fund() adds to (numpy rows cost ~2 us a call)
    if lim.enabled:
        for lk in lim.locked:
            i = index[lk.candidate]
            x[i, lk.year - 1] = lk.amount
            cost = arr.cost[i, lk.year - 1]
            ceiling = arr.ceiling[i] if rules.subsidy_band.enabled else 1.0
            if cost > 0 and ceiling > 0:
                scale[i] = max(scale[i], min(1.0, lk.amount / (ceiling * cost)))
        for i in map(int, np.flatnonzero(scale > 0)):
            locked_years = {lk.year - 1 for lk in lim.locked if index[lk.candidate] == i}
            for t in range(h):
                if t not in locked_years:
                    x[i, t] = need[i, t] * scale[i]
        spend(x.sum(axis=0).tolist(), 1.0)
        given[:] = x.sum(axis=1).tolist()
        x_rows[:] = x.tolist()
        scale_of[:] = scale.tolist()
        for cid, v in lim.mandatory.items():
            i = index[cid]
            if scale[i] < v:
                fund(i, v - scale[i])

    per_dollar = _priority(scenario, arr, need)
    gng = lim.go_no_go if lim.enabled else {}
    targets = scenario.objective.targets if scenario.objective.kind == "min_cost" else {}
    # Candidates that can be funded at all, best first (plain ints: numpy scalars are slow).
    ranked = np.argsort(-per_dollar, kind="stable")
    order: list[int] = ranked[allowed[ranked] & (per_dollar[ranked] > 0)].tolist()
    # A second pass picks up candidates that only fit once a broker was funded.
    for _pass in range(2):
        for i in order:
            if scale_of[i] >= 1.0:
                continue
            if targets and _met(scenario, arr, scale):
                break
            if out[i]:
                continue
            ds = room(i)
            if targets:
                ds = min(ds, _needed(scenario, arr, scale, i))
            if arr.ids[i] in gng and scale[i] + ds < gng[arr.ids[i]] - 1e-12:
                continue
            if ds > 1e-12:
                fund(i, ds)

    x = np.asarray(x_rows, np.float64).reshape(n, h)
    funding = dict(zip(arr.ids, map(tuple, x_rows), strict=True))
    scales = dict(zip(arr.ids, scale.tolist(), strict=True))
    values = (
        plan_columns(built, x, scale)
        if built is not None and n >= ROW_CHECK_MIN_CANDIDATES
        else None
    )
    if values is not None and built is not None:
        # Large model: check on the builder's rows (see rowcheck) and sum the objective
        # with numpy; the same numbers check_plan and plan_objective would give.
        broken = row_violations(built, values)
        objective = (
            float(x.sum())
            if scenario.objective.kind == "min_cost"
            else float(outcome_value(scenario, arr, scale).sum())
        )
    else:
        viol = check_plan(scenario, funding, scales, _greedy_sources(scenario, funding))
        broken = tuple(sorted({v.rule for v in viol}))
        objective = plan_objective(scenario, funding, scales)
    return GreedyPlan(funding=funding, scale=scales, objective=objective, violations=broken)


def _priority(scenario: Scenario, arr: CandidateArrays, need: FloatArray) -> FloatArray:
    """Objective value (or target progress) per public dollar at full scale."""
    if scenario.objective.kind == "min_cost":
        value = np.zeros(arr.n)
        for m, t in scenario.objective.targets.items():
            if t > 0:
                value += arr.outcome[m] / t
    else:
        value = outcome_value(scenario, arr, np.ones(arr.n))
    cost = need.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cost > 0, value / np.where(cost > 0, cost, 1.0), np.inf * (value > 0))
    return np.nan_to_num(ratio, nan=0.0, posinf=np.finfo(np.float64).max)


def _outcome(scenario: Scenario, arr: CandidateArrays, scale: FloatArray, m: Measure) -> float:
    """Plan total of measure m at ``scale`` (what check.plan_outcome gives, vectorised)."""
    return float((arr.outcome[m] * curve(scenario, scale)).sum())


def _met(scenario: Scenario, arr: CandidateArrays, scale: FloatArray) -> bool:
    return all(
        _outcome(scenario, arr, scale, m) >= t - 1e-9 for m, t in scenario.objective.targets.items()
    )


def _needed(scenario: Scenario, arr: CandidateArrays, scale: FloatArray, i: int) -> float:
    """Extra scale of candidate i that closes the largest remaining target gap (linear)."""
    best = 0.0
    for m, t in scenario.objective.targets.items():
        gap = t - _outcome(scenario, arr, scale, m)
        per = float(arr.outcome[m][i])
        if gap > 0 and per > 0:
            best = max(best, gap / per)
    return min(best, 1.0)


def _greedy_sources(
    scenario: Scenario, funding: dict[str, tuple[float, ...]]
) -> dict[str, dict[str, float]]:
    """Pay each candidate from the first sources (in order) that allow its kind."""
    sources = scenario.rules.policy_mix.sources
    left = {s.name: s.amount for s in sources}
    out: dict[str, dict[str, float]] = {s.name: {} for s in sources}
    for c in scenario.candidates:
        due = sum(funding[c.id])
        for s in sources:
            if due <= 0:
                break
            if c.kind in s.allowed_kinds:
                pay = min(due, left[s.name])
                if pay > 0:
                    out[s.name][c.id] = pay
                    left[s.name] -= pay
                    due -= pay
        if due > 0 and sources:
            first = next((s for s in sources if c.kind in s.allowed_kinds), sources[0])
            out[first.name][c.id] = out[first.name].get(c.id, 0.0) + due
    return out
