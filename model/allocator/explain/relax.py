"""Diagnosis of an infeasible scenario by elastic relaxation.

Every relaxable row gets a non-negative elastic column (two for an equality) that
lets it give way. Each elastic column is scaled by its row's natural size (its
right-hand side or the US$ its candidates could move): the column is the *relative*
give u and the row's give is size x u, so every cost is of order one. Before this
scaling the costs were about 1e-9 per US$, below CBC's tolerances, and CBC's diagnosis
was not minimal. Phase 1 is lexicographic (``solve_elastic``): first the least give of
the rules only partners or the candidate data can change (more match, broker networks,
a candidate's public-share band, fees, grant cap, eligibility), then, with that held,
the least give of the planner's own rules (budgets, floors, targets, candidate limits):
partners are asked only for what the planner's levers cannot do.

Each step is read from that one elastic plan and carries structured edits (``RuleEdit``)
chosen so that the elastic plan satisfies the edited rule: a budget is raised to what the
plan spends, a share floor lowered to the share the plan reaches, a partner's match
raised to what the plan leaves them to pay. Every new value stays in its field's domain
(shares 0-1, money and targets >= 0) and is rounded away from the rule. The diagnosis
then re-solves the scenario with every edit applied; if rounding or an interaction
(a lower fee share lowers fee revenue) leaves it infeasible, it diagnoses again, at
most ``ROUNDS`` times, and otherwise says exactly which rules still bind.

Rows that only define variables are not relaxed: the structure rows, each go/no-go
switch (its minimum viable size gives way instead) and the split of a candidate's money
among the funding sources that allow its kind (their purses give way instead).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import highspy
import numpy as np

from model.allocator.build.arrays import FloatArray
from model.allocator.build.builder import build_model
from model.allocator.build.lp import FAMILIES, Block, BuiltModel
from model.allocator.explain.edits import apply_edits
from model.allocator.explain.reports import Plan, read_plan
from model.allocator.explain.wording import money, pct
from model.allocator.result import Lever, RelaxationStep, RuleEdit
from model.allocator.solve.solver import highs_lp, solve
from model.domain.candidates import KINDS

ROUNDS = 3  # diagnoses in a row before the result names what still binds

# Rows whose give is a partner's, or a candidate's own terms: relaxed only as far as
# the planner's own rules cannot make up for them (the first, lexicographic phase).
PARTNER_RULES = frozenset({"partner_limit", "broker_capacity"})
DATA_RULES = frozenset(
    {"subsidy_floor", "subsidy_ceiling", "cost_recovery", "grant_limit", "eligible"}
)
# Rows that define variables rather than state a rule (never relaxed).
FIXED_RULES = frozenset({"go_no_go_on"})


@dataclass(frozen=True)
class Diagnosis:
    """The steps and, when applying every edit still leaves the scenario infeasible,
    a note naming the rules that still bind ("" when the edits suffice)."""

    steps: tuple[RelaxationStep, ...]
    note: str = ""


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


def _relaxable(built: BuiltModel) -> np.ndarray:
    out = np.zeros(built.num_row, np.bool_)
    for b in built.row_blocks:
        if b.family == "structure" or b.prefix in FIXED_RULES:
            continue
        if b.prefix == "source_split":
            # Only where no source allows the candidate's kind (the row is then x = 0).
            for i in range(b.start, b.stop):
                out[i] = len(built.row(i)[0]) == 1
            continue
        out[b.start : b.stop] = True
    return out


def elastic_model(built: BuiltModel) -> tuple[BuiltModel, np.ndarray, np.ndarray, FloatArray]:
    """The phase-1 model and, per elastic column, its row, direction (+1 up, -1 down)
    and scale (US$ or units of the row per unit of the column)."""
    relaxable = _relaxable(built)
    up_rows = np.flatnonzero(relaxable & np.isfinite(built.row_upper))
    lo_rows = np.flatnonzero(relaxable & np.isfinite(built.row_lower))
    rows = np.concatenate([up_rows, lo_rows]).astype(np.int64)
    direction = np.concatenate([np.ones(len(up_rows)), -np.ones(len(lo_rows))])
    size = _natural_size(built)[rows]
    k = len(rows)
    n0 = built.num_col
    new_cols = np.arange(n0, n0 + k)
    row_of = np.repeat(np.arange(built.num_row), np.diff(built.a_start))
    r = np.concatenate([row_of, rows])
    c = np.concatenate([built.a_index, new_cols])
    v = np.concatenate([built.a_value, -direction * size])  # a x - size u <= up ; ... >= lo
    order = np.lexsort((c, r))
    start = np.concatenate([[0], np.cumsum(np.bincount(r, minlength=built.num_row))])
    labels = tuple(
        f"{built.row_name(int(i))},{'up' if d > 0 else 'down'}"
        for i, d in zip(rows, direction, strict=True)
    )
    elastic = replace(
        built,
        col_lower=np.concatenate([built.col_lower, np.zeros(k)]),
        col_upper=np.concatenate([built.col_upper, np.full(k, np.inf)]),
        col_cost=np.concatenate([np.zeros(n0), -np.ones(k)]),
        integer=np.concatenate([built.integer, np.zeros(k, np.bool_)]),
        a_start=start.astype(np.int64),
        a_index=c[order].astype(np.int64),
        a_value=v[order],
        col_blocks=(*built.col_blocks, Block("elastic", n0, labels)),
        tie_break=0.0,
        _row_lookup={},
    )
    return elastic, rows, direction, size


def diagnose(built: BuiltModel, solver: str | None = None) -> tuple[RelaxationStep, ...]:
    """The smallest weighted set of rule changes that makes the scenario feasible."""
    return diagnosis(built, solver).steps


def diagnosis(built: BuiltModel, solver: str | None = None) -> Diagnosis:
    """Steps whose edits, applied together, make the scenario feasible (checked by
    re-solving), or a note that names the rules still binding after them.

    Empty steps when even the fully relaxed model fails (the cause is then structural,
    e.g. a candidate with no cost inside the horizon made mandatory)."""
    steps = list(_once(built, solver))
    if not steps:
        return Diagnosis(())
    scenario = built.scenario
    for _ in range(ROUNDS):
        try:
            relaxed = apply_edits(scenario, [e for s in steps for e in s.edits])
            rebuilt = build_model(relaxed)
        except ValueError as exc:
            return Diagnosis(tuple(steps), f"The steps cannot all be applied: {exc}")
        if solve(rebuilt, solver).ok:
            return Diagnosis(tuple(steps), _planner_note(steps))
        more = _once(rebuilt, solver)
        if not more:
            break
        steps = _merge(steps, more)
    binding = ", ".join(s.rule for s in steps if not s.edits) or "the rounding of the edits"
    return Diagnosis(
        tuple(steps),
        f"After every change below the scenario is still infeasible; still binding: {binding}.",
    )


def _planner_note(steps: list[RelaxationStep]) -> str:
    others = [s for s in steps if not s.applicable]
    if not others:
        return ""
    names = "; ".join(f"{s.rule} ({s.lever})" for s in others)
    return (
        "The planner's own changes alone do not make the plan feasible: these rules "
        f"still bind until partners or the candidate data change: {names}."
    )


def _merge(steps: list[RelaxationStep], more: tuple[RelaxationStep, ...]) -> list[RelaxationStep]:
    """Later diagnoses start from the relaxed scenario: their edits are absolute values
    that supersede earlier ones on the same rule, and their gives add up."""
    by_rule = {s.rule: k for k, s in enumerate(steps)}
    out = list(steps)
    for s in more:
        k = by_rule.get(s.rule)
        if k is None:
            by_rule[s.rule] = len(out)
            out.append(s)
        else:
            out[k] = replace(s, amount=out[k].amount + s.amount)
    return out


def _run(elastic: BuiltModel, solver: str | None) -> FloatArray | None:
    """Column values of a phase-1 model, or None when it has no solution.

    HiGHS gets the programme as it is: the re-solver's own presolve (``reduce``)
    substitutes the subsidy-band rows as two-entry rows, which the elastic columns on
    those rows are not, so the diagnosis bypasses it."""
    if (solver or elastic.scenario.solver.solver) != "highs":
        sol = solve(elastic, solver)
        return sol.values if sol.ok else None
    opts = elastic.scenario.solver
    h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy stubs leave __init__ untyped
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(opts.time_limit_s))
    h.setOptionValue("mip_rel_gap", float(opts.mip_gap))
    h.passModel(highs_lp(elastic, elastic.col_lower, elastic.col_upper, elastic.integer))
    h.run()
    ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    if not ok and not (elastic.is_mip and h.getInfo().primal_solution_status == 2):
        return None
    return np.asarray(h.getSolution().col_value, np.float64)


def solve_elastic(
    built: BuiltModel, solver: str | None
) -> tuple[FloatArray, tuple[float, float]] | None:
    """Lexicographic phase 1: first the least give of the rules only partners or the
    candidate data can change, then, with that held, the least give of the planner's
    own rules. Returns the column values and (partner/data give, planner give), each
    the sum of gives relative to their rows' natural sizes; None when even the fully
    relaxed model fails."""
    elastic, rows, _, _ = elastic_model(built)
    n0 = built.num_col
    others = np.zeros(len(rows), np.bool_)
    for k, i in enumerate(rows):
        others[k] = built.row_block(int(i)).prefix in PARTNER_RULES | DATA_RULES
    cost_a = np.concatenate([np.zeros(n0), -others.astype(np.float64)])
    first = _run(replace(elastic, col_cost=cost_a), solver)
    if first is None:
        return None
    held = np.maximum(first[n0:], 0.0) * (1 + 1e-7) + 1e-9
    upper = elastic.col_upper.copy()
    upper[n0:][others] = held[others]
    cost_b = np.concatenate([np.zeros(n0), -(~others).astype(np.float64)])
    second = _run(replace(elastic, col_cost=cost_b, col_upper=upper), solver)
    values = first if second is None else second
    u = np.maximum(values[n0:], 0.0)
    return values, (float(u[others].sum()), float(u[~others].sum()))


def weighted_give(built: BuiltModel, solver: str | None = None) -> tuple[float, float] | None:
    """The phase-1 optimum (partner/data give, planner give), each a sum of gives
    relative to their rows' natural sizes; None when there is none."""
    found = solve_elastic(built, solver)
    return None if found is None else found[1]


def _once(built: BuiltModel, solver: str | None) -> tuple[RelaxationStep, ...]:
    _, rows, direction, size = elastic_model(built)
    found = solve_elastic(built, solver)
    if found is None:
        return ()
    all_values = found[0]
    u = np.maximum(all_values[built.num_col :], 0.0)
    values = all_values[: built.num_col]
    plan = read_plan(built, values)
    steps = []
    for j in np.argsort(-u, kind="stable"):
        if u[j] <= 1e-7:
            continue
        i = int(rows[j])
        block = built.row_block(i)
        give = float(u[j] * size[j])
        step = _step(built, plan, block, i, give, float(direction[j]), values)
        steps.append(step)
    return tuple(steps)


# Relaxed values are rounded away from the rule (money to US$1, shares to 0.01 %) so
# that applying the step is never undone by the solver's last digits.
SHARE_DIGITS = 4


def _loosen(value: float, raise_it: bool, digits: int = 0) -> float:
    k = 10.0**digits
    return (math.ceil(value * k - 1e-9) if raise_it else math.floor(value * k + 1e-9)) / k


def _share(value: float, raise_it: bool) -> float:
    return min(max(_loosen(value, raise_it, SHARE_DIGITS), 0.0), 1.0)


def _step(
    built: BuiltModel,
    plan: Plan,
    block: Block,
    i: int,
    give: float,
    up: float,
    values: FloatArray,
) -> RelaxationStep:
    """The step for row ``i`` giving way by ``give`` (up: its upper limit rises)."""
    rule = block.name(i)
    family = FAMILIES[block.family]
    sentence, edits, lever, why = _words(built, plan, block, i, give, up, values)
    return RelaxationStep(
        rule=rule,
        family=family,
        amount=give,
        sentence=sentence,
        edits=edits,
        lever=lever,
        why_not=why,
    )


Words = tuple[str, tuple[RuleEdit, ...], Lever, str]


def _words(
    built: BuiltModel,
    plan: Plan,
    block: Block,
    i: int,
    give: float,
    up: float,
    values: FloatArray,
) -> Words:
    """Sentence, edits, lever and (when no edit) why, for one relaxed row."""
    sc = built.scenario
    arr = built.arrays
    prefix, label = block.prefix, block.label(i)
    x, f = plan.x, plan.f
    total = float(x.sum())
    region = np.array(arr.region, dtype=object)
    index = {cid: k for k, cid in enumerate(arr.ids)}
    bound = float(built.row_upper[i] if up > 0 else built.row_lower[i])
    pm = sc.rules.policy_mix
    lim = sc.rules.candidate_limits

    def share_of(spend: float) -> float:
        return spend / total if total > 0 else 0.0

    def share_step(field: str, key: str, what: str, old: float, spend: float) -> Words:
        lower = field.endswith("min") or field == "lagging_min_share"
        new = _share(share_of(spend), not lower)
        new = min(new, old) if lower else max(new, old)
        verb = "lower" if lower else "raise"
        edit = RuleEdit(field, new, key=key)  # type: ignore[arg-type]  # a known field
        return (
            f"{verb} {what} from {pct(old)} to {pct(new)} of public funding",
            (edit,),
            "planner",
            "",
        )

    def money_step(field: str, key: str, what: str, year: int = 0) -> Words:
        raise_it = up > 0
        new = _loosen(bound + give if raise_it else max(bound - give, 0.0), raise_it)
        verb = "raise" if raise_it else "lower"
        edit = RuleEdit(field, new, key=key, year=year)  # type: ignore[arg-type]  # known
        return (
            f"{verb} {what} by {money(abs(new - bound))} (from {money(bound)} to {money(new)})",
            (edit,),
            "planner",
            "",
        )

    if prefix == "budget_total":
        return money_step("budget_total", "", "the total budget")
    if prefix == "budget_year":
        return money_step("budget_year", "", f"the year-{label} budget", year=int(label))
    if prefix in ("kind_floor", "kind_ceiling"):
        b = pm.kind_shares[label]  # type: ignore[index]  # the label is a kind by construction
        side = "kind_min" if prefix == "kind_floor" else "kind_max"
        spend = float(x[arr.kind == KINDS.index(label)].sum())
        what = f"the {label.replace('_', ' ')} {'floor' if side == 'kind_min' else 'ceiling'}"
        return share_step(side, label, what, b.min if side == "kind_min" else b.max, spend)
    if prefix in ("region_floor", "region_ceiling"):
        rb = pm.region_shares[label]
        side = "region_min" if prefix == "region_floor" else "region_max"
        spend = float(x[region == label].sum())
        what = f"the {label} {'floor' if side == 'region_min' else 'ceiling'}"
        return share_step(side, label, what, rb.min if side == "region_min" else rb.max, spend)
    if prefix == "lagging_floor":
        lag = [r.name for r in sc.regions if r.lagging]
        spend = float(x[np.isin(region, lag)].sum())
        return share_step(
            "lagging_min_share", "", "the lagging-regions floor", pm.lagging_min_share, spend
        )
    if prefix in ("source_floor", "source_ceiling"):
        src = next(s for s in pm.sources if s.name == label)
        side = "source_min" if prefix == "source_floor" else "source_max"
        spend = sum(plan.by_source.get(label, {}).values())
        what = f"the {label} share {'floor' if side == 'source_min' else 'ceiling'}"
        return share_step(
            side, label, what, src.share.min if side == "source_min" else src.share.max, spend
        )
    if prefix == "source_amount":
        return money_step("source_amount", label, f"the {label} purse")
    if prefix == "average_public_share":
        full = float((arr.cost.sum(axis=1) * f).sum())
        old = sc.rules.subsidy_band.max_average_public_share or 0.0
        new = max(_share(total / full if full > 0 else 1.0, True), old)
        edit = RuleEdit("max_average_public_share", new)
        return (
            f"raise the ceiling on the average public share from {pct(old)} to {pct(new)}",
            (edit,),
            "planner",
            "",
        )
    if prefix == "mandatory":
        new = min(_share(max(bound - give, 0.0), False), bound)
        edit = RuleEdit("mandatory", new, key=label)
        return (
            f"lower {label}'s mandatory scale from {pct(bound)} to {pct(new)} of full scale",
            (edit,),
            "planner",
            "",
        )
    if prefix == "go_no_go_min":
        c = index[label]
        mv = lim.go_no_go[label]
        zv = float(values[built.z_col[c]]) if built.z_col[c] >= 0 else 1.0
        reach = float(f[c]) / zv if zv > 1e-9 else 0.0
        new = min(_share(min(reach, 1.0), False), mv)
        edit = RuleEdit("go_no_go", new, key=label)
        return (
            f"accept {label} at {pct(new)} of full scale, below its minimum viable size of "
            f"{pct(mv)} (only if it can run at that size)",
            (edit,),
            "planner",
            "",
        )
    if prefix in ("candidate_min", "candidate_max"):
        field = "min_funding" if prefix == "candidate_min" else "max_funding"
        word = "minimum" if prefix == "candidate_min" else "maximum"
        return money_step(field, label, f"{label}'s {word} funding")
    if prefix == "locked":
        cid, _, year = label.rpartition(",")
        new = _loosen(float(x[index[cid], int(year) - 1]), up > 0)
        edit = RuleEdit("locked", new, key=cid, year=int(year))
        return (
            f"change the amount locked for {cid} in year {year} from {money(bound)} to "
            f"{money(new)}",
            (edit,),
            "planner",
            "",
        )
    if prefix == "fee_revenue_min":
        return money_step("min_fee_revenue", "", "the minimum fee revenue")
    if prefix == "target":
        new = max(_loosen(max(bound - give, 0.0), False, 3), 0.0)
        edit = RuleEdit("target", new, key=label)
        return (
            f"lower the {label} target from {bound:,.6g} to {new:,.6g}",
            (edit,),
            "planner",
            "",
        )
    if prefix == "broker_capacity":
        new = _loosen(bound + give, True, 3)
        edit = RuleEdit("existing_networks", new)
        return (
            f"find broker capacity for {new - bound:,.3g} more networks (from {bound:,.3g} to "
            f"{new:,.3g}): brokers trained or funded outside this plan; once they exist, "
            "raise the existing networks",
            (edit,),
            "partners",
            "",
        )
    return _candidate_words(built, plan, prefix, label, give)


def _candidate_words(built: BuiltModel, plan: Plan, prefix: str, label: str, give: float) -> Words:
    """Steps on one candidate's own terms: a request to partners or a data change."""
    sc = built.scenario
    arr = built.arrays
    x, f = plan.x, plan.f
    cid, _, year = label.partition(",")
    c = {k: j for j, k in enumerate(arr.ids)}[cid]
    cand = sc.candidate(cid)
    full = arr.cost[c] * f[c]  # the plan's full cost of c per plan year (US$)
    years = np.flatnonzero(full > 0)
    data_why = "a candidate's own terms: change them in the candidate data (Data page)"
    if prefix == "partner_limit":
        # sum_t x >= (cost - match x in_horizon) f  <=>  match >= (cost f - sum x) / (in_h f)
        denom = float(arr.in_horizon[c] * f[c])
        need = (float(full.sum()) - float(x[c].sum())) / denom if denom > 0 else 0.0
        new = max(_loosen(need, True), cand.partner_match)
        edit = RuleEdit("partner_match", new, key=cid)
        return (
            f"ask {cid}'s partners to commit {money(new - cand.partner_match)} more match "
            f"(from {money(cand.partner_match)} to {money(new)} at full scale), so public "
            "money covers less of its cost",
            (edit,),
            "partners",
            "",
        )
    if prefix in ("subsidy_floor", "subsidy_ceiling") and len(years):
        ratio = x[c, years] / full[years]
        if prefix == "subsidy_floor":
            old, new = cand.public_share_floor, _share(float(ratio.min()), False)
            new, verb, what = min(new, old), "lower", "public-share floor"
        else:
            old, new = cand.public_share_ceiling, _share(float(ratio.max()), True)
            new, verb, what = max(new, old), "raise", "public-share ceiling"
        field = "public_share_floor" if prefix == "subsidy_floor" else "public_share_ceiling"
        edit = RuleEdit(field, new, key=cid)  # type: ignore[arg-type]  # a known field
        return (
            f"{verb} {cid}'s {what} from {pct(old)} to {pct(new)} (a term of its programme)",
            (edit,),
            "candidate data",
            "",
        )
    if prefix == "cost_recovery" and year:
        t = int(year) - 1
        now = float(x[c, t] / full[t]) if full[t] > 0 else 0.0
        old = float(arr.fee[c, t])
        new = min(_share(1.0 - now, False), old)
        edit = RuleEdit("fee_share", new, key=cid, year=t + 1)
        return (
            f"lower {cid}'s fee share in plan year {t + 1} from {pct(old)} to {pct(new)} "
            "(client firms pay less, public money more)",
            (edit,),
            "candidate data",
            "",
        )
    if prefix == "grant_limit":
        spend = float(x[c].sum())
        need = _loosen(spend, True)
        edits: list[RuleEdit] = []
        parts: list[str] = []
        lever: Lever = "candidate data"
        if cand.grant_cap is not None and cand.grant_cap < need:
            edits.append(RuleEdit("grant_cap", need, key=cid))
            parts.append(f"raise {cid}'s grant cap from {money(cand.grant_cap)} to {money(need)}")
        if cand.match_ratio is not None and cand.match_ratio * cand.partner_match < need:
            if cand.match_ratio > 0:
                match = max(_loosen(need / cand.match_ratio, True), cand.partner_match)
                edits.append(RuleEdit("partner_match", match, key=cid))
                parts.append(
                    f"ask {cid}'s partners to commit {money(match)} of match (now "
                    f"{money(cand.partner_match)}; the grant is at most "
                    f"{cand.match_ratio:g} x match)"
                )
                lever = "partners"
            else:
                return (
                    f"{cid}'s grant limit: its match ratio is 0, so it can get no grant",
                    (),
                    "candidate data",
                    data_why,
                )
        return (
            " and ".join(parts) or f"raise {cid}'s grant limit by {money(give)}",
            tuple(edits),
            lever,
            "" if edits else data_why,
        )
    if prefix == "eligible":
        return (
            f"{cid} failed eligibility screening: it can only be funded if the screening "
            "is redone (or drop the rule that demands it)",
            (),
            "candidate data",
            "eligibility is a screening decision, not a number a relaxation can change",
        )
    if prefix == "source_split":
        kind = cand.kind.replace("_", " ")
        return (
            f"no funding source allows {kind} candidates such as {cid}: add {kind} to a "
            "source's allowed kinds",
            (),
            "planner",
            "the fix is a source's list of allowed kinds, not a number",
        )
    return f"relax {prefix}[{label}] by {give:,.4g}", (), "candidate data", data_why
