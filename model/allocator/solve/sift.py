"""A sifted start for a large LP: solve the likely candidates first, then hand HiGHS the
whole programme from that basis.

Why: in the bench at 100,000 candidates x 5 years about a third of the candidates are
funded, nearly all at full scale. Dual simplex spent 16,000 iterations (8.5 s) on the
whole reduced programme, most of them on candidates the optimum leaves at zero; the
same programme restricted to the funded third took 4,300 iterations (0.5 s). So, for a
large LP (``SIFT_MIN_CANDIDATES``):

1. ``choose`` ranks candidates by objective value per least public dollar (the greedy
   baseline's and the unfunded reports' return per dollar) and keeps the best until
   their least public money is ``SIFT_BUDGET_COVER`` times the budget; candidates that
   cannot sit at zero (a positive lower bound, a row such as committed money that zero
   breaks) are always kept.
2. ``start`` solves the reduced programme restricted to their columns (the rows the
   others leave empty are dropped: they hold at zero), lazy bound rows included.
3. The whole programme then starts from that basis: the kept columns and rows keep
   their status, the others' columns sit at their lower bound 0 and their rows are
   basic. That basis is primal feasible (the restricted optimum, every other candidate
   at zero); where a left-out candidate would pay, HiGHS pivots it in. HiGHS's answer
   on the whole programme is the result, so sifting changes how fast the optimum is
   found, never which programme is solved (tests compare it with an unsifted solve).

Nothing is sifted (``start`` returns None, and the solve runs as before) for a MILP, a
``min_cost`` objective (targets, not a budget, decide who is funded), a method other
than simplex (interior point and PDLP give no basis to start from, or a second solve),
a scenario without a budget, when the kept candidates would be most of them (at the
start or after pricing: the ranking missed much of the optimum), when a row the
left-out candidates hold alone cannot sit at zero, or when the restricted programme is
not solved to optimality within half the time limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import numpy.typing as npt

from model.allocator.build.arrays import BoolArray, FloatArray, IntArray, min_public, outcome_value
from model.allocator.build.lp import BuiltModel
from model.allocator.scenario import SolverOptions, budget_available
from model.allocator.solve.highs_model import configured_highs, lp_from_arrays
from model.allocator.solve.reduce import Reduction, add_vub_rows, sorted_unique

# Sift only programmes with at least this many candidates. Bench scenario, first solve
# whole / sifted (medians of 3, same loop): 10,000 0.23 / 0.21 s, 20,000 0.66 / 0.46 s,
# 50,000 3.7 / 1.8 s, 100,000 ~10 / ~4.5 s; below 20,000 the gain is within noise.
SIFT_MIN_CANDIDATES = 20_000
# Keep the best-ranked candidates until their least public money reaches this many
# times the budget (policy-mix rows and targets fund some below the budget's cut-off).
SIFT_BUDGET_COVER = 1.0
# No sifting when the kept candidates would be more than this share of them.
SIFT_MAX_SHARE = 0.6
# Lazy-row rounds of a restricted solve (the whole programme's loop has its own).
SIFT_MAX_ROUNDS = 10
# Passes: solve the kept candidates, add the left-out ones that would pay at its prices.
SIFT_MAX_PASSES = 3
# When fewer left-out candidates than this share of them would pay, the whole programme
# takes them in (a pass costs a rebuild and a re-factorisation, ~0.4 s at 100,000).
SIFT_HANDOVER = 0.02
# The restricted passes may spend at most this share of the solve's time limit (what they
# spend counts against it; a whole solve gets at least the rest when sifting gives up).
SIFT_TIME_SHARE = 0.5
# A left-out column pays when its reduced cost is below -DUAL_TOL (relative to its cost,
# at least 1): HiGHS's own dual feasibility tolerance.
DUAL_TOL = 1e-7
_BASIS_STATUS = np.array(
    [
        highspy.HighsBasisStatus.kLower,
        highspy.HighsBasisStatus.kBasic,
        highspy.HighsBasisStatus.kUpper,
        highspy.HighsBasisStatus.kZero,
        highspy.HighsBasisStatus.kNonbasic,
    ],
    dtype=object,
)
_LOWER, _BASIC = 0, 1


@dataclass(frozen=True)
class SiftedStart:
    """What the whole programme starts from: the lazy rows the restricted solve added
    (substitutions, in order; add them after the standing ones) and the basis of the
    whole programme with those rows."""

    subs: IntArray
    basis: highspy.HighsBasis
    first: int  # candidates in the first restricted programme


def candidate_columns(built: BuiltModel, num_col: int) -> IntArray:
    """The candidate of each of HiGHS's ``num_col`` columns (-1: not a candidate's)."""
    of = np.full(num_col, -1, np.int64)
    n = built.arrays.n
    of[built.f_col] = np.arange(n)
    for cols in (built.x_col, built.seg_col):
        if cols.size:
            who = np.broadcast_to(np.arange(n)[:, None], cols.shape)
            ok = cols >= 0
            of[cols[ok]] = who[ok]
    ok = built.z_col >= 0
    of[built.z_col[ok]] = np.flatnonzero(ok)
    return of


def choose(
    built: BuiltModel, red: Reduction, cand_of: IntArray, row_of: IntArray
) -> BoolArray | None:
    """Which candidates the restricted programme keeps (see module docstring), or None.
    ``row_of``: the row of each entry of ``red``'s matrix."""
    sc = built.scenario
    arr = built.arrays
    budget = budget_available(sc)
    if built.objective_sign < 0 or budget is None or not np.isfinite(budget) or budget <= 0:
        return None
    public = min_public(sc, arr).sum(axis=1)
    value = outcome_value(sc, arr, np.ones(arr.n))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(public > 0, value / public, np.where(value > 0, np.inf, -np.inf))
    order = np.argsort(-ratio, kind="stable")
    cover = np.cumsum(public[order])
    # The best until the cover is reached, and the one that reaches it.
    take = int(np.searchsorted(cover, SIFT_BUDGET_COVER * budget, side="right")) + 1
    keep = np.zeros(arr.n, np.bool_)
    keep[order[:take]] = True
    keep &= ratio > -np.inf
    # Candidates that cannot sit at zero are always kept: a column whose bounds exclude 0
    # (a committed scale), or a row that 0 breaks (committed money).
    pinned = (cand_of >= 0) & ~((red.col_lower == 0) & (red.col_upper >= 0))
    keep[cand_of[pinned]] = True
    must = ((red.row_lower > 0) | (red.row_upper < 0))[row_of] & (cand_of[red.a_index] >= 0)
    keep[cand_of[red.a_index[must]]] = True
    if keep.sum() > SIFT_MAX_SHARE * arr.n:
        return None
    return keep


def start(
    built: BuiltModel, red: Reduction, opts: SolverOptions, margin: float
) -> SiftedStart | None:
    """The sifted start of ``red`` (HiGHS's reduced programme, matrix still held), or None.

    The whole programme holds ``red.base_vub``'s lazy rows from the start (``new_highs``);
    ``margin``: the lazy rows' ``near_bound`` margin (``resolve.LAZY_MARGIN``)."""
    if (
        built.arrays.n < SIFT_MIN_CANDIDATES
        or built.is_mip
        or len(red.a_start) < 2
        or opts.method not in ("auto", "simplex")  # a basis to start from: simplex's
    ):
        return None
    deadline = time.perf_counter() + SIFT_TIME_SHARE * float(opts.time_limit_s)
    num_col, num_row = len(red.col_cost), len(red.row_lower)
    cand_of = candidate_columns(built, num_col)
    row_of = np.repeat(np.arange(num_row), np.diff(red.a_start))
    keep = choose(built, red, cand_of, row_of)
    if keep is None:
        return None
    # The whole programme's basis, filled in by each pass: columns of left-out candidates
    # at their lower bound 0, the rows they hold alone basic. Its rows: red's rows, the
    # standing lazy rows (``base_vub``), then those the passes added (``subs``).
    state = _Whole(
        cols=np.full(num_col, _LOWER, np.int8),
        rows=np.full(num_row + len(red.base_vub), _BASIC, np.int8),
        subs=np.zeros(0, np.int64),
        done=np.zeros(len(red.sub), np.bool_),
    )
    state.done[red.base_vub] = True
    first = int(keep.sum())
    for sift_pass in range(SIFT_MAX_PASSES):
        col_in = (cand_of < 0) | keep[np.maximum(cand_of, 0)]
        solved = _solve_restricted(
            red, row_of, col_in, state, opts, margin, warm=sift_pass > 0, deadline=deadline
        )
        if solved is None:
            return None
        row_dual = solved
        # Left-out candidates that would pay at these prices (a column whose reduced cost
        # in HiGHS's minimisation is below zero at its lower bound) join the next pass.
        aty = np.bincount(red.a_index, red.a_value * row_dual[row_of], minlength=num_col)
        cost = -red.col_cost  # HiGHS's (minimised) costs
        d = cost - aty
        pays = ~col_in & (red.col_upper > 0) & (d < -DUAL_TOL * np.maximum(1.0, np.abs(cost)))
        if not pays.any():
            break
        joining = sorted_unique(cand_of[pays])
        if len(joining) < SIFT_HANDOVER * built.arrays.n:
            break  # a few pivots of the whole programme cost less than another pass
        keep[joining] = True
        if sift_pass == SIFT_MAX_PASSES - 1 or keep.sum() > SIFT_MAX_SHARE * built.arrays.n:
            # The ranking missed much of the optimum (a lagging floor of 90 %, say): from
            # this basis, with hundreds of paying columns at zero, HiGHS took 5-10x a cold
            # solve (found by an attack on this module), so the whole programme starts cold.
            return None
    basis = highspy.HighsBasis()
    basis.col_status = _BASIS_STATUS[state.cols].tolist()
    basis.row_status = _BASIS_STATUS[state.rows].tolist()
    basis.valid = True
    return SiftedStart(state.subs, basis, first)


@dataclass
class _Whole:
    """The whole programme's basis as status codes, and its lazy rows so far."""

    cols: npt.NDArray[np.int8]
    rows: npt.NDArray[np.int8]
    subs: IntArray  # lazy rows added by the passes, in order
    done: BoolArray  # substitutions that are rows (standing or added)


def _solve_restricted(
    red: Reduction,
    row_of: IntArray,
    col_in: BoolArray,
    state: _Whole,
    opts: SolverOptions,
    margin: float,
    *,
    warm: bool,
    deadline: float,
) -> FloatArray | None:
    """Solve ``red`` restricted to the columns ``col_in`` (lazy rows as ``resolve`` adds
    them), starting from ``state``'s basis when ``warm``; write its basis and lazy rows
    back into ``state``. Returns HiGHS's duals of red's rows (0 on rows left out), or None
    when it is not solved to optimality in time or a row the left-out columns hold alone
    cannot sit at zero."""
    num_col, num_row = len(red.col_cost), len(red.row_lower)
    ent_in = col_in[red.a_index]
    row_in = np.bincount(row_of[ent_in], minlength=num_row) > 0
    out = ~row_in
    if (red.row_lower[out] > 0).any() or (red.row_upper[out] < 0).any():
        return None
    new_col = np.full(num_col, -1, np.int64)
    new_col[col_in] = np.arange(int(col_in.sum()))
    rows = np.flatnonzero(row_in)
    new_row = np.full(num_row, -1, np.int64)
    new_row[rows] = np.arange(len(rows))
    r = new_row[row_of[ent_in]]
    a_start = np.concatenate([[0], np.cumsum(np.bincount(r, minlength=len(rows)))])
    lp = lp_from_arrays(
        col_cost=red.col_cost[col_in],
        col_lower=red.col_lower[col_in],
        col_upper=red.col_upper[col_in],
        row_lower=red.row_lower[rows],
        row_upper=red.row_upper[rows],
        a_start=a_start.astype(np.int64),
        a_index=new_col[red.a_index[ent_in]],
        a_value=red.a_value[ent_in],
        integer=np.zeros(0, np.bool_),
    )
    del ent_in, r, a_start
    h = configured_highs(opts, False)
    h.passModel(lp)
    del lp
    # The lazy rows of kept candidates only (a left-out one's w and f are not columns):
    # the standing ones, then those earlier passes added (all of kept candidates).
    sub_in = col_in[red.sub]
    standing_at = np.flatnonzero(sub_in[red.base_vub])
    add_vub_rows(h, red, red.base_vub[standing_at], new_col)
    add_vub_rows(h, red, state.subs, new_col)
    row_pos = np.concatenate(
        [rows, num_row + standing_at, num_row + len(red.base_vub) + np.arange(len(state.subs))]
    )
    if warm:
        basis = highspy.HighsBasis()
        basis.col_status = _BASIS_STATUS[state.cols[col_in]].tolist()
        basis.row_status = _BASIS_STATUS[state.rows[row_pos]].tolist()
        basis.valid = True
        h.setBasis(basis)
    seen = state.done | ~sub_in
    added: list[IntArray] = []
    values = np.zeros(num_col)
    for _round in range(SIFT_MAX_ROUNDS):
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        h.setOptionValue("time_limit", left)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        values[col_in] = np.asarray(h.getSolution().col_value, np.float64)
        more = red.violated(values, seen)
        if len(more) == 0:
            break
        more = sorted_unique(np.concatenate([more, red.near_bound(values, seen, margin)]))
        seen[more] = True
        added.append(add_vub_rows(h, red, more, new_col))
    else:
        return None
    new_subs = np.concatenate(added) if added else np.zeros(0, np.int64)
    state.done[new_subs] = True
    state.subs = np.concatenate([state.subs, new_subs])
    state.rows = np.concatenate([state.rows, np.full(len(new_subs), _BASIC, np.int8)])
    row_pos = np.concatenate([row_pos, state.rows.size - len(new_subs) + np.arange(len(new_subs))])
    basis = h.getBasis()
    if not basis.valid:
        return None
    state.cols[col_in] = np.fromiter((int(s) for s in basis.col_status), np.int8, int(col_in.sum()))
    state.rows[row_pos] = np.fromiter((int(s) for s in basis.row_status), np.int8, len(row_pos))
    dual = np.zeros(num_row)
    dual[rows] = np.asarray(h.getSolution().row_dual, np.float64)[: len(rows)]
    return dual
