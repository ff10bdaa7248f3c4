"""Diagnosis of an infeasible scenario by elastic relaxation.

Every relaxable row gets a non-negative elastic column (two for an equality) that
lets it give way; phase 1 minimises the total give. Each elastic column is scaled by
its row's natural size (its right-hand side or the US$ its candidates could move): the
column is the *relative* give u and the row's give is size x u, so a US$-sized and a
share-sized rule compare fairly; the objective is then multiplied by the largest size
(``_scale``) so that one US$ of any row counts well above the solvers' tolerances.
Before, the costs were about 1e-9 per US$, and CBC's (and at 5,000 candidates HiGHS's)
diagnosis was not minimal; now HiGHS and CBC reach the same optimum.

Only the planner's own rules give way (budgets, candidate limits, shares, purses, fee
revenue, targets). What partners or the candidate data decide (the partner match, the
public-share band, fees, grant terms, eligibility, broker networks) never has to: a
candidate at scale 0 meets all of those, and every rule that forces a candidate in is
the planner's. So no step asks partners to change what only they can change: the
planner's levers always suffice (checked against a lexicographic diagnosis that first
minimised partners' give: it was 0 on every generated scenario).

Each step is read from the one elastic plan and carries structured edits (``RuleEdit``)
chosen so that the elastic plan satisfies the edited rule: a budget is raised to what
the plan spends, a share floor lowered to the share the plan reaches, a minimum viable
size lowered to the scale the plan runs. Every new value stays in its field's domain
(shares 0-1, money and targets >= 0) and is rounded away from the rule. The diagnosis
then re-solves the scenario with every edit applied; if rounding leaves it infeasible,
it diagnoses again, at most ``ROUNDS`` times, and otherwise names what still binds.

Rows that only define variables are not relaxed: the structure rows, each go/no-go
switch (its minimum viable size gives way instead) and the split of a candidate's money
among the funding sources that allow its kind (their purses give way instead).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from model.allocator.build.arrays import FloatArray
from model.allocator.build.builder import build_model
from model.allocator.build.lp import FAMILIES, Block, BuiltModel
from model.allocator.explain.edits import apply_edits
from model.allocator.explain.reports import Plan, read_plan
from model.allocator.explain.wording import KIND_WORDS, describe, local_digits, money, pct
from model.allocator.result import Lever, RelaxationStep, RuleEdit
from model.allocator.solve.solver import solve
from model.domain.candidates import KINDS
from model.formatting.i18n import _

ROUNDS = 3  # diagnoses in a row before the result names what still binds

# Rows partners or the candidate data decide (never relaxed: scale 0 meets them), and
# rows that define variables rather than state a rule.
PARTNER_RULES = frozenset({"partner_limit", "broker_capacity"})
DATA_RULES = frozenset(
    {"subsidy_floor", "subsidy_ceiling", "cost_recovery", "grant_limit", "eligible"}
)
FIXED_RULES = frozenset({"go_no_go_on"}) | PARTNER_RULES | DATA_RULES


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


def _scale(size: FloatArray) -> float:
    """The objective's scale: the largest natural size. One US$ of a row of natural size s
    moves the relative give by 1/s (1e-7 for a US$10 M budget), which is at the solvers'
    optimality tolerances: HiGHS and CBC then stopped at different, non-minimal plans
    (0.163, 0.153 and 0.148 on one 5,000-candidate scenario). Multiplied by the largest
    size, every US$ counts at least about 1 and both reach the same minimum (0.1476)."""
    return max(float(size.max(initial=1.0)), 1.0)


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
        col_cost=np.concatenate([np.zeros(n0), np.full(k, -_scale(size))]),
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
    for _round in range(ROUNDS):
        try:
            relaxed = apply_edits(scenario, [e for s in steps for e in s.edits])
            rebuilt = build_model(relaxed)
        except ValueError as exc:
            return Diagnosis(
                tuple(steps), _("The steps cannot all be applied: {error}").format(error=exc)
            )
        if solve(rebuilt, solver).ok:
            return Diagnosis(tuple(steps))
        more = _once(rebuilt, solver)
        if not any(s.edits for s in more):
            # What is left has no number to change (a source's allowed kinds): say so.
            steps = _merge(steps, more)
            break
        steps = _merge(steps, more)
    bare = [s for s in steps if not s.edits]
    binding = "; ".join(f"{s.rule} ({s.why_not})" for s in bare) or _("the rounding of the edits")
    return Diagnosis(
        tuple(steps),
        _(
            "After every change below that has a value, the scenario is still infeasible; "
            "still binding: {rules}."
        ).format(rules=binding),
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


def solve_elastic(built: BuiltModel, solver: str | None) -> tuple[FloatArray, float] | None:
    """Column values of the phase-1 model and its optimum (the total give, each row's
    relative to its natural size); None when even the relaxed model fails."""
    elastic, _rows, _direction, size = elastic_model(built)
    sol = solve(elastic, solver)
    if not sol.ok:
        return None
    return sol.values, -float(elastic.col_cost @ sol.values) / _scale(size)


def weighted_give(built: BuiltModel, solver: str | None = None) -> float | None:
    """The phase-1 optimum: total give, each row's relative to its natural size."""
    found = solve_elastic(built, solver)
    return None if found is None else found[1]


def _once(built: BuiltModel, solver: str | None) -> tuple[RelaxationStep, ...]:
    _elastic, rows, direction, size = elastic_model(built)
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
# Target measures counted in whole units (a target lowered to 1,836.94 firms reads oddly).
WHOLE_MEASURES = frozenset({"enterprises", "jobs"})


def _loosen(value: float, raise_it: bool, digits: int = 0) -> float:
    k = 10.0**digits
    return (math.ceil(value * k - 1e-9) if raise_it else math.floor(value * k + 1e-9)) / k


def _target_text(value: float) -> str:
    """A target as applied: separators, at most two decimals, never rounded up."""
    return local_digits(f"{value:,.2f}".removesuffix(".00"))


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

    # What the row is, in words (as its shadow-price sentence names it).
    what = describe(block.name(i))[0]

    def share_step(field: str, key: str, old: float, spend: float) -> Words:
        lower = field.endswith("min") or field == "lagging_min_share"
        new = _share(share_of(spend), not lower)
        new = min(new, old) if lower else max(new, old)
        sentence = (
            _("lower {what} from {old} to {new} of public funding")
            if lower
            else _("raise {what} from {old} to {new} of public funding")
        )
        edit = RuleEdit(field, new, key=key)  # type: ignore[arg-type]  # a known field
        return (
            sentence.format(what=what, old=pct(old), new=pct(new)),
            (edit,),
            "planner",
            "",
        )

    def money_step(field: str, key: str, year: int = 0) -> Words:
        raise_it = up > 0
        new = _loosen(bound + give if raise_it else max(bound - give, 0.0), raise_it)
        sentence = (
            _("raise {what} by {change} (from {old} to {new})")
            if raise_it
            else _("lower {what} by {change} (from {old} to {new})")
        )
        edit = RuleEdit(field, new, key=key, year=year)  # type: ignore[arg-type]  # known
        return (
            sentence.format(
                what=what, change=money(abs(new - bound)), old=money(bound), new=money(new)
            ),
            (edit,),
            "planner",
            "",
        )

    if prefix == "budget_total":
        return money_step("budget_total", "")
    if prefix == "budget_year":
        return money_step("budget_year", "", year=int(label))
    if prefix in ("kind_floor", "kind_ceiling"):
        b = pm.kind_shares[label]  # type: ignore[index]  # the label is a kind by construction
        side = "kind_min" if prefix == "kind_floor" else "kind_max"
        spend = float(x[arr.kind == KINDS.index(label)].sum())
        return share_step(side, label, b.min if side == "kind_min" else b.max, spend)
    if prefix in ("region_floor", "region_ceiling"):
        rb = pm.region_shares[label]
        side = "region_min" if prefix == "region_floor" else "region_max"
        spend = float(x[region == label].sum())
        return share_step(side, label, rb.min if side == "region_min" else rb.max, spend)
    if prefix == "lagging_floor":
        lag = [r.name for r in sc.regions if r.lagging]
        spend = float(x[np.isin(region, lag)].sum())
        return share_step("lagging_min_share", "", pm.lagging_min_share, spend)
    if prefix in ("source_floor", "source_ceiling"):
        src = next(s for s in pm.sources if s.name == label)
        side = "source_min" if prefix == "source_floor" else "source_max"
        spend = sum(plan.by_source.get(label, {}).values())
        return share_step(
            side, label, src.share.min if side == "source_min" else src.share.max, spend
        )
    if prefix == "source_amount":
        return money_step("source_amount", label)
    if prefix == "average_public_share":
        full = float((arr.cost.sum(axis=1) * f).sum())
        old = sc.rules.subsidy_band.max_average_public_share or 0.0
        new = max(_share(total / full if full > 0 else 1.0, True), old)
        edit = RuleEdit("max_average_public_share", new)
        return (
            _("raise the ceiling on the average public share from {old} to {new}").format(
                old=pct(old), new=pct(new)
            ),
            (edit,),
            "planner",
            "",
        )
    if prefix == "mandatory":
        new = min(_share(max(bound - give, 0.0), False), bound)
        edit = RuleEdit("mandatory", new, key=label)
        return (
            _("lower {c}'s mandatory scale from {old} to {new} of full scale").format(
                c=label, old=pct(bound), new=pct(new)
            ),
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
            _(
                "accept {c} at {new} of full scale, below its minimum viable size of {size} "
                "(only if it can run at that size)"
            ).format(c=label, new=pct(new), size=pct(mv)),
            (edit,),
            "planner",
            "",
        )
    if prefix in ("candidate_min", "candidate_max"):
        field = "min_funding" if prefix == "candidate_min" else "max_funding"
        return money_step(field, label)
    if prefix == "locked":
        cid, _sep, year = label.rpartition(",")
        new = _loosen(float(x[index[cid], int(year) - 1]), up > 0)
        edit = RuleEdit("locked", new, key=cid, year=int(year))
        return (
            _("change the amount locked for {c} in year {year} from {old} to {new}").format(
                c=cid, year=year, old=money(bound), new=money(new)
            ),
            (edit,),
            "planner",
            "",
        )
    if prefix == "fee_revenue_min":
        return money_step("min_fee_revenue", "")
    if prefix == "target":
        # Rounded down to 0.01 and written with exactly those digits: the sentence must
        # state the value the button applies (a rounded-up "1,805.02" was infeasible).
        # Enterprises and jobs are whole: rounded down to a whole one, a looser floor still.
        digits = 0 if label in WHOLE_MEASURES else 2
        new = max(_loosen(max(bound - give, 0.0), False, digits), 0.0)
        edit = RuleEdit("target", new, key=label)
        return (
            _("lower {what} from {old} to {new}").format(
                what=what, old=_target_text(bound), new=_target_text(new)
            ),
            (edit,),
            "planner",
            "",
        )
    if prefix == "source_split":
        cid = label.partition(",")[0]
        kind = sc.candidate(cid).kind
        return (
            _(
                "no funding source allows {kind} candidates such as {c}: add {kind} to a "
                "source's allowed kinds"
            ).format(kind=KIND_WORDS.get(kind, kind.replace("_", " ")).lower(), c=cid),
            (),
            "planner",
            _("the fix is a source's list of allowed kinds, not a number"),
        )
    return (  # pragma: no cover - every relaxable row is handled above
        _("relax {rule} by {amount}").format(
            rule=f"{prefix}[{label}]", amount=local_digits(f"{give:,.4g}")
        ),
        (),
        "planner",
        _("no edit is known for this rule"),
    )
