"""Read-out and explanation: from solver numbers to the plan and its reasons.

``read_plan`` turns column values into funding per candidate and year;
``constraint_reports`` gives each row's slack and shadow price with a sentence;
``unfunded_reports`` prices each unfunded candidate against the optimal duals
(the LP reduced cost of "fund it at its public-share floor"), which says how
far it is from entering: how much its return per dollar would have to rise, or
its public cost fall, with the other rules' prices held fixed.
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass, replace

import numpy as np

from model.allocator.build.arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    min_public,
    outcome_value,
)
from model.allocator.build.lp import FAMILIES, BuiltModel
from model.allocator.explain.ranging import FORCE_SCALE, Probe, Side, money_rows, money_sides
from model.allocator.explain.wording import (
    MEASURE_WORDS,
    amount_in,
    and_list,
    constraint_sentence,
    describe,
    idle_row_sentence,
    local_digits,
    money,
    pct,
    shadow_sentence,
)
from model.allocator.result import SCALE_FUNDED, ConstraintReport, RowRanging, UnfundedReport
from model.allocator.solve.solver import Solution
from model.domain.candidates import KINDS
from model.formatting.i18n import _

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


# Reports are made by the thousand (3,579 rows at 500 x 5, 6,000+ unfunded candidates at
# 10,000): a frozen dataclass's __init__ sets each field through object.__setattr__
# (~3 us a report). These make the same objects (same fields, in field order) directly.
_new = object.__new__


def _row_report(
    name: str, family: str, sense: str, rhs: float, activity: float, slack: float,
    shadow_price: float, binding: bool, sentence: str, rule: str, index: str,
    portfolio: bool, per_point: float,
) -> ConstraintReport:  # fmt: skip
    """``ConstraintReport(...)`` with these fields and no ``ranging``."""
    r = _new(ConstraintReport)
    r.__dict__.update(
        name=name, family=family, sense=sense, rhs=rhs, activity=activity, slack=slack,
        shadow_price=shadow_price, binding=binding, sentence=sentence, rule=rule,
        index=index, portfolio=portfolio, per_point=per_point, ranging=None,
    )  # fmt: skip
    return r


def _unfunded(
    candidate: str, reason: str, rpd: float | None, rise: float | None, fall: float | None,
    sentence: str, method: str = "",
) -> UnfundedReport:  # fmt: skip
    """``UnfundedReport(candidate, reason, rpd, rise, fall, sentence, method)``."""
    r = _new(UnfundedReport)
    r.__dict__.update(
        candidate=candidate, reason=reason, return_per_public_dollar=rpd, return_rise=rise,
        cost_fall=fall, sentence=sentence, method=method,
    )  # fmt: skip
    return r


def _row_of(built: BuiltModel) -> IntArray:
    out: IntArray = np.repeat(np.arange(built.num_row), np.diff(built.a_start))
    return out


# A candidate's own money rows that sit at 0 = 0 while it is unfunded: their duals are a
# corner's slope, not a money value (``wording.idle_row_sentence``). Rows that are
# themselves a reason it is out (eligibility, go/no-go) keep their own sentence.
IDLE_ROW_RULES = frozenset(
    {
        "subsidy_floor",
        "subsidy_ceiling",
        "partner_limit",
        "cost_recovery",
        "grant_limit",
        "public_within_cost",
        "source_split",
    }
)

# Models with at most this many rows get every sentence written at solve time; larger
# ones only the portfolio rows and the per-candidate rows pages and the CLI show
# (``EAGER_CANDIDATE_ROWS`` by price, and the first ones in model order); the rest are
# written on demand with the same text (``wording.report_sentence``).
EAGER_ALL_ROWS = 1_000
EAGER_CANDIDATE_ROWS = 20


def constraint_reports(
    built: BuiltModel, sol: Solution, probe: Probe | None = None
) -> tuple[tuple[ConstraintReport, ...], int]:
    """Reports of the rows (all of them for small models), and how many were left out.

    With a ``probe`` (warm re-solver around this optimum) the binding money rows get
    their one-more and one-less rates and ranges (``ranging``)."""
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
    blocks = built.row_blocks
    block_of = np.repeat(np.arange(len(blocks)), [len(b.labels) for b in blocks])
    portfolio = np.array([b.portfolio for b in blocks], np.bool_)[block_of]
    if m <= FULL_REPORT_ROWS:
        chosen = np.arange(m)
    else:
        rest = np.flatnonzero(~portfolio & (shadow != 0))
        rest = rest[np.argsort(-np.abs(shadow[rest]), kind="stable")][:TOP_CANDIDATE_ROWS]
        chosen = np.sort(np.concatenate([np.flatnonzero(portfolio), rest]))
    # Which sentences to write now (see EAGER_ALL_ROWS).
    eager = np.zeros(m, np.bool_)
    if m <= EAGER_ALL_ROWS:
        eager[:] = True
    else:
        eager[portfolio] = True
        priced = np.flatnonzero(~portfolio & binding & (shadow != 0))
        top = priced[np.argsort(-np.abs(shadow[priced]), kind="stable")][:EAGER_CANDIDATE_ROWS]
        eager[top] = True
        eager[priced[:EAGER_CANDIDATE_ROWS]] = True
    kind = built.scenario.objective.kind
    f_now = sol.values[built.f_col]
    idle_ids = set(itertools.compress(built.arrays.ids, (f_now <= SCALE_FUNDED).tolist()))
    per_point = _per_point(built, sol)
    money_l = money_rows(built)
    sides: dict[int, tuple[Side, Side]] = {}
    if probe is not None and probe.ok and money_l:
        sides = money_sides(
            probe,
            money_l,
            {i: bool(binding[i]) for i in money_l},
            {i: float(slack[i]) for i in money_l},
        )
    # Plain Python values for the loop (numpy scalar indexing costs more than the reports),
    # of the reported rows only (a large model reports a few hundred of 70,000+ rows).
    rows = chosen.tolist()
    rhs_l, act_l, slack_l = rhs[chosen].tolist(), act[chosen].tolist(), slack[chosen].tolist()
    shadow_l, binding_l = shadow[chosen].tolist(), binding[chosen].tolist()
    pp_l, block_l, eager_l = (
        per_point[chosen].tolist(),
        block_of[chosen].tolist(),
        eager[chosen].tolist(),
    )
    eq_l = (lo[chosen] == up[chosen]).tolist()
    upper_l = np.isfinite(up[chosen]).tolist()
    families = FAMILIES
    reports = []
    for k, i in enumerate(rows):
        block = blocks[block_l[k]]
        label = block.labels[i - block.start]
        name = f"{block.prefix}[{label}]" if label else block.prefix
        sense = "=" if eq_l[k] else ("<=" if upper_l[k] else ">=")
        text = ""
        idle_row = (
            binding_l[k]
            and shadow_l[k] != 0
            and block.prefix in IDLE_ROW_RULES
            and label.split(",")[0] in idle_ids
        )
        if idle_row:
            # Always written now: the report alone cannot tell that its candidate is idle.
            text = idle_row_sentence(name, shadow_l[k])
        elif eager_l[k] and i not in sides:
            text = shadow_sentence(name, kind, shadow_l[k], slack_l[k], binding_l[k], pp_l[k])
        report = _row_report(
            name, families[block.family], sense, rhs_l[k], act_l[k], slack_l[k], shadow_l[k],
            binding_l[k], text, block.prefix, label, block.portfolio, pp_l[k],
        )  # fmt: skip
        if i in sides:
            more, less = sides[i]
            ranging = RowRanging(
                rate_up=more.rate,
                range_up=more.span,
                rate_down=less.rate,
                range_down=less.span,
                up_open=more.at_least,
                up_infeasible=more.infeasible_beyond,
                down_open=less.at_least,
                down_infeasible=less.infeasible_beyond,
            )
            report = replace(report, ranging=ranging)
            report = replace(report, sentence=constraint_sentence(report, kind))
        reports.append(report)
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
            # The block's entries are one slice of the row-wise matrix (its rows in order).
            at = slice(int(built.a_start[b.start]), int(built.a_start[b.stop]))
            cols = built.a_index[at]
            sel = cand_of[cols] >= 0
            c, t = cand_of[cols[sel]], year_of[cols[sel]]
            out[row_of[at][sel]] = 0.01 * arr.cost[c, t] * f[c]
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


# Unfunded candidates priced exactly (a forced re-solve each) when a probe is given: all
# of them up to this many, else the ones closest to entering; the rest get the lower bound
# from the optimal prices (``UnfundedReport.method``).
EXACT_UNFUNDED = 12
# A tie is claimed only when forcing the candidate in at TIE_SCALE of full scale changes
# the objective by at most TIE_TOLERANCE of it (re-solved); checked when the exact rise
# is below TIE_RISE.
TIE_SCALE = 1e-3
TIE_TOLERANCE = 1e-7
TIE_RISE = 1e-6


def _best_directions(
    built: BuiltModel, red: FloatArray, need_total: FloatArray
) -> tuple[FloatArray, BoolArray]:
    """Per candidate, what forcing it in at the margin is worth at prices ``red`` (reduced
    costs of the columns, shared rows only), and whether its ceilings can hold it.

    Its public US$ by plan year per unit of scale: every year at its public-share floor,
    and what its partner match leaves to pay beyond the floors (``need_total`` minus the
    floors) placed in the years where money is cheapest, up to each year's public
    ceiling. Returns (the x part of the reduced cost along that direction, feasible)."""
    sc = built.scenario
    arr = built.arrays
    n = arr.n
    if not sc.rules.subsidy_band.enabled:
        return np.zeros(n), np.ones(n, np.bool_)
    has = built.x_col >= 0
    price = np.where(has, red[np.maximum(built.x_col, 0)], -np.inf)
    low = np.where(has, arr.floor[:, None] * arr.cost, 0.0)
    top = np.minimum(arr.ceiling, 1.0)[:, None] * arr.cost
    if sc.rules.cost_recovery.enabled:
        broker = arr.kind == KINDS.index("broker_programme")
        top = np.where(broker[:, None], np.minimum(top, (1 - arr.fee) * arr.cost), top)
    room = np.where(has, np.maximum(top - low, 0.0), 0.0)
    extra = np.maximum(need_total - low.sum(axis=1), 0.0)
    # Fill the extra into the dearest-reduced-cost (cheapest money) years first.
    order = np.argsort(-price, axis=1, kind="stable")
    room_s = np.take_along_axis(room, order, axis=1)
    before = np.cumsum(room_s, axis=1) - room_s
    put_s = np.clip(extra[:, None] - before, 0.0, room_s)
    x = low.copy()
    np.put_along_axis(x, order, np.take_along_axis(x, order, axis=1) + put_s, axis=1)
    ok: BoolArray = put_s.sum(axis=1) >= extra - 1e-9 * np.maximum(need_total, 1.0)
    worth: FloatArray = (np.where(has, price, 0.0) * x).sum(axis=1)
    return worth, ok


def unfunded_reports(
    built: BuiltModel, sol: Solution, plan: Plan, probe: Probe | None = None
) -> tuple[UnfundedReport, ...]:
    """One report per candidate left at zero scale (see module docstring)."""
    sc = built.scenario
    arr = built.arrays
    rules = sc.rules
    idle = np.flatnonzero(plan.f <= SCALE_FUNDED)
    if len(idle) == 0:
        return ()
    need = min_public(sc, arr)
    # Prices of the shared (portfolio) rows only: a candidate's own rows sit at 0 = 0 while
    # it is unfunded and their duals are arbitrary; its best way in is chosen below.
    shared = np.zeros(built.num_row, np.bool_)
    for b in built.row_blocks:
        if b.portfolio:
            shared[b.start : b.stop] = True
    red = reduced_costs(built, np.where(shared, sol.row_dual, 0.0))
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

    def own(vec: FloatArray) -> FloatArray:
        """Per candidate: vec on f and on the first segment."""
        v: FloatArray = vec[built.f_col].copy()
        if built.seg_col.shape[1]:
            v += vec[built.seg_col[:, 0]]
        return v

    gain_all = own(obj_part)
    f_red = own(red)
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
    gain_l: list[float] = gain_all.tolist()
    f_red_l: list[float] = f_red.tolist()
    started_l: list[bool] = (arr.in_horizon > 0).tolist()
    ineligible_l: list[bool] = (rules.matching_grants.enabled & ~arr.eligible).tolist()
    no_fee_l: list[bool] = (rules.cost_recovery.enabled & broker & no_fee_room).tolist()
    over_l: list[bool] = (rules.subsidy_band.enabled & over_ceiling).tolist()
    gonogo_l: list[bool] = (built.z_col >= 0).tolist()
    tie_break = built.tie_break
    is_mip = built.is_mip  # once: the property scans every column
    x_worth, fits = _best_directions(built, red, public_all)
    x_worth_l: list[float] = x_worth.tolist()
    fits_l: list[bool] = fits.tolist()
    # First pass: the reasons without prices, and the local lower bound of the rest.
    local: dict[int, tuple[float, float, bool]] = {}
    reasons: dict[int, str] = {}
    # The words, read once in the active language (not once per candidate).
    not_funded = _("{cid} is not funded: {reason}")
    why_late = _("it starts after the plan horizon")
    why_ineligible = _("it did not pass eligibility screening (rule e)")
    why_fees = _("its public-share floor is above what its fee schedule leaves to subsidise")
    why_ceiling = _(
        "the public share its partner match leaves to pay is above its public-share "
        "ceiling, so no scale of it fits its co-financing plan"
    )
    why_nothing = _("it adds nothing to the objective")
    for i in idle.tolist():
        reason = ""
        if not started_l[i]:
            reason = why_late
        elif ineligible_l[i]:
            reason = why_ineligible
        elif no_fee_l[i]:
            reason = why_fees
        elif over_l[i]:
            reason = why_ceiling
        elif kind != "min_cost" and value_l[i] <= 0:
            reason = why_nothing
        if reason:
            reasons[i] = reason
            continue
        d = f_red_l[i] + (x_worth_l[i] if fits_l[i] else 0.0)
        local[i] = (d, gain_l[i], fits_l[i])
    # Which candidates to re-solve: the closest to entering first.
    exact: set[int] = set()
    if probe is not None and probe.ok:

        def closeness(i: int) -> float:
            d, g, _fits = local[i]
            return -d / g if g > 0 else math.inf

        pool = [i for i in local if not (is_mip and gonogo_l[i])]
        exact = set(sorted(pool, key=closeness)[:EXACT_UNFUNDED])
    say = amount_in(kind)  # an objective amount in words (unit words read once)
    why_more = _("other candidates give more per public dollar under the binding rules")
    returns = _("it returns {amount} per public dollar")
    to_amount = _("(to {amount})")
    rise_by = _("its return per dollar would have to rise by {share}")
    rise_least = _("its return per dollar would have to rise by at least {share}")
    fall_by = _(
        "or its public cost ({money}, with its partner match in proportion) fall by {share}"
    )
    fall_least = _(
        "or its public cost ({money}, with its partner match in proportion) fall by at "
        "least {share}"
    )
    no_fall = _(
        "no threshold for a fall in its cost is given: broker capacity or a target prices "
        "its scale, not only its public money, so a cost fall is not the same as a return rise"
    )
    notes = {
        "re-solved": _("(re-solved with it forced in)"),
        "lower bound": _("(a lower bound from the optimal prices)"),
        "estimate": _("(an estimate: its go/no-go decision is off in this plan)"),
    }
    for i in idle.tolist():
        cid = arr.ids[i]
        public = public_l[i]
        rpd = value_l[i] / public if public > 0 and kind != "min_cost" else None
        if i in reasons:
            reason = reasons[i]
            out.append(
                _unfunded(
                    cid, reason, rpd, None, None, not_funded.format(cid=cid, reason=reason) + "."
                )
            )
            continue
        d, gain, fits_i = local[i]
        # A go/no-go candidate switched off in a MILP: only the LP estimate at this plan's
        # decisions exists (switching it on is a different programme).
        method = "estimate" if is_mip and gonogo_l[i] else "lower bound"
        f_priced = False  # whether a non-money shared row (capacity, target) prices it
        if i in exact and probe is not None:
            forced = probe.forced(i, FORCE_SCALE)
            if forced.status != "optimal":
                reason = _(
                    "no plan that keeps the rules can include it at any scale (checked by "
                    "re-solving with it forced in)"
                )
                out.append(
                    UnfundedReport(
                        cid, reason, rpd, None, None,
                        not_funded.format(cid=cid, reason=reason) + ".",
                        "re-solved",
                    )
                )  # fmt: skip
                continue
            d = float(forced.col_dual[built.f_col[i]])
            gain = (
                float(own(obj_part)[i])
                if not len(target_rows)
                else _gain(built, forced, i, target_rows)
            )
            f_priced = _f_priced(built, forced, i)
            method = "re-solved"
            capped = _capped(built, probe, i) if kind != "min_cost" else None
            if capped is not None and (kind in capped[2] or (kind == "weighted" and capped[2])):
                # A target on what the objective counts caps it: a higher return would
                # also loosen that target, so the cap is not independent of the return.
                capped = None
            if capped is not None:
                most, named, measures = capped
                reason = (
                    _(
                        "with its outcomes as they are, {rule} caps it at {share} of its full "
                        "scale ({money} of public money) in any plan that keeps the rules, "
                        "whatever its return per dollar"
                    )
                    if len(named) == 1
                    else _(
                        "with its outcomes as they are, {rules} cap it at {share} of its full "
                        "scale ({money} of public money) in any plan that keeps the rules, "
                        "whatever its return per dollar"
                    )
                ).format(
                    rule=named[0],
                    rules=and_list(named),
                    share=_small_pct(most),
                    money=money(most * public),
                )
                loosen = "".join(
                    "; "
                    + _("more {measure} from it would loosen the {measure} target").format(
                        measure=MEASURE_WORDS.get(m, m)
                    )
                    for m in measures
                )
                out.append(
                    UnfundedReport(
                        cid, reason, rpd, None, None,
                        _(
                            "{cid} is not funded: {reason}. These rules keep it out, so no "
                            "return or cost threshold is given{loosen} (re-solved with its "
                            "scale maximised)."
                        ).format(cid=cid, reason=reason, loosen=loosen),
                        "re-solved",
                    )
                )  # fmt: skip
                continue
        price = gain - d  # what the resources it would use are worth elsewhere
        tol = 1e-7 * (abs(gain) + abs(price)) + 4 * tie_break * max(public, 1.0)
        rise = max(-d / gain, 0.0) if gain > 0 else None
        if method == "re-solved" and rise is not None and rise <= TIE_RISE and probe is not None:
            tied = probe.forced(i, TIE_SCALE)
            loss = (
                built.objective_sign * (probe.v0 - probe.reported(tied))
                if tied.status == "optimal"
                else math.inf
            )
            if loss <= TIE_TOLERANCE * max(abs(probe.v0), 1.0):
                reason = _("it ties with funded candidates at the margin")
                out.append(
                    UnfundedReport(
                        cid,
                        reason,
                        rpd,
                        0.0,
                        0.0,
                        _(
                            "{cid} is not funded: {reason}; forcing it in at {scale} of full "
                            "scale changes the objective by at most {tolerance} of it "
                            "(re-solved), so an equally good plan may include it."
                        ).format(
                            cid=cid,
                            reason=reason,
                            scale=pct(TIE_SCALE),
                            tolerance=pct(TIE_TOLERANCE),
                        ),
                        method,
                    )
                )
                continue
        elif method != "re-solved" and d >= -tol:
            # Locally free, but not re-solved: no tie is claimed, only the bound.
            rise = 0.0 if gain > 0 else None
        if not fits_i and method != "re-solved":
            rise = None
        # Return per public dollar rising by r is the same as its public money per unit
        # of outcome falling by r / (1 + r), unless a non-money rule (broker capacity, a
        # target) prices it: then only the return lever is stated.
        fall = rise / (1 + rise) if rise is not None and not f_priced else None
        reason = why_more
        words = [not_funded.format(cid=cid, reason=reason)]
        if rpd is not None:
            words.append(returns.format(amount=say(rpd)))
        at_least = method == "lower bound"
        if rise is not None:
            target = " " + to_amount.format(amount=say(rpd * (1 + rise))) if rpd is not None else ""
            words.append(
                (rise_least if at_least else rise_by).format(share=_rise_pct(rise)) + target
            )
        if fall is not None:
            words.append(
                (fall_least if at_least else fall_by).format(
                    money=money(public), share=_rise_pct(fall)
                )
            )
        elif rise is not None and f_priced:
            words.append(no_fall)
        note = " " + notes[method] if method in notes else ""
        if rise is None:
            note = ""
            method = ""
        out.append(_unfunded(cid, reason, rpd, rise, fall, "; ".join(words) + note + ".", method))
    return tuple(out)


def _gain(built: BuiltModel, sol: Solution, i: int, target_rows: IntArray) -> float:
    """What scaling candidate i's outcomes adds per unit of scale at ``sol``: its own
    objective coefficient plus what its outcomes are worth in the target rows."""
    cols = [int(built.f_col[i])]
    if built.seg_col.shape[1]:
        cols.append(int(built.seg_col[i, 0]))
    part = reduced_costs(built, sol.row_dual, target_rows)
    return float(sum(built.col_cost[c] + part[c] for c in cols))


# A candidate that the rules cap below this scale (share of full scale, in any plan, with
# its outcomes in those rules as they are) is kept out by those rules, not by its return:
# a rise in what the objective counts would fund at most this much.
CAPPED_SCALE = 1e-3


def _small_pct(v: float) -> str:
    """A share (0-1) as a percentage with two significant figures ('0.0039 %')."""
    return local_digits(f"{100 * v:.2g} %") if v < 0.01 else pct(v)


def _rise_pct(v: float) -> str:
    """A needed rise or fall (0-1) as a percentage: one decimal, or two significant figures
    when one decimal would print a positive need as "0 %" (a near miss: 0.003 %)."""
    return _small_pct(v) if 0 < v < 0.0005 else pct(v)


def _capped(built: BuiltModel, probe: Probe, i: int) -> tuple[float, list[str], list[str]] | None:
    """(most scale candidate i can get in any plan that keeps the rules, the rules that
    cap it in words) when that is below ``CAPPED_SCALE``; None otherwise. Found by one
    re-solve maximising its scale alone; the capping rules are the rows priced there
    (shared rows and its own)."""
    j = int(built.f_col[i])
    obj = np.zeros(built.num_col)
    obj[j] = 1.0
    s = probe.run(objective=obj)
    if s.status != "optimal":
        return None
    most = float(s.values[j])
    if most >= CAPPED_SCALE:
        return None
    cid = built.arrays.ids[i]
    tol = 1e-9 * float(np.abs(s.row_dual).max(initial=0.0))
    named: list[str] = []
    measures: list[str] = []  # targets among the capping rules (its outcomes count there)
    # The priced rows found at once (a loop over every row read ~3,500 numpy scalars per
    # candidate at 500 x 5), then taken in row order as before.
    priced = np.flatnonzero(~(np.abs(s.row_dual) <= tol)).tolist()
    starts = [b.start for b in built.row_blocks]
    for r in priced:
        b = built.row_blocks[bisect.bisect_right(starts, r) - 1]
        label = b.labels[r - b.start]
        if not b.portfolio and label.split(",")[0] != cid:
            continue
        what = describe(f"{b.prefix}[{label}]" if label else b.prefix)[0]
        if what not in named:
            named.append(what)
        if b.prefix == "target" and label not in measures:
            measures.append(label)
    if not named:
        return None
    return max(most, 0.0), named, measures


# Shared rows that price a candidate's scale, not its money.
_NON_MONEY = frozenset({"broker_capacity", "target"})


def _f_priced(built: BuiltModel, sol: Solution, i: int) -> bool:
    """Whether broker capacity or a target prices candidate i's scale at ``sol``."""
    j = int(built.f_col[i])
    for b in built.row_blocks:
        if b.prefix not in _NON_MONEY:
            continue
        for r in range(b.start, b.stop):
            cols, vals = built.row(r)
            hit = vals[cols == j]
            if len(hit) and abs(float(sol.row_dual[r]) * float(hit[0])) > 1e-9:
                return True
    return False
