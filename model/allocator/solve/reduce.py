"""Our own presolve for HiGHS: drop the per-candidate-year band rows by substitution.

Why: the subsidy-band, cost-recovery and ``public_within_cost`` rows are
two or three two-entry rows per candidate-year (60k of the 70k rows at 10,000
candidates). Dual simplex paid for each of them in every factorisation; HiGHS's
presolve cannot remove them (they are doubleton *inequalities*). Here

    x[c,t] = lo[c,t] * f[c] + w[c,t],   w >= 0     (lo: the public-share floor, US$)

turns the floor row into the bound w >= 0 and every ceiling-type row into one
variable upper bound ``w <= span * f`` (span = tightest ceiling - floor, US$). A
variable bound is only a real row while its candidate is part-funded: at
f = its upper bound it is the simple bound ``w <= span * f_upper``, which is implied
by the row. So the reduced LP keeps those implied simple bounds and adds the rows
lazily, only for candidates whose solution breaks one (``violated``); HiGHS
re-solves from its basis. When no row is broken the solution is optimal for the
full programme, because the reduced LP without the lazy rows is a relaxation.

``to_original`` maps the answer back to the builder's programme exactly: values
by the substitution, and duals by the rule that a floor row's dual is w's
reduced cost when w sits at 0, a ceiling row's dual is the lazy row's dual plus
w's reduced cost when w sits at its implied bound (both keep every reduced cost
of the original programme sign-correct; see ``to_original``). Columns keep their
indices: column j of the reduced LP is w[j] where x[j] was substituted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import highspy
import numpy as np

from model.allocator.build.arrays import BoolArray, FloatArray, IntArray
from model.allocator.build.lp import BuiltModel


def sorted_unique(a: IntArray) -> IntArray:
    """``np.unique(a)`` of an integer array, by the same steps (sort, keep each first).

    Plain ``np.unique`` asks ``np.ma.is_masked`` and so imports numpy.ma (~12 ms of every
    ``fomento allocate`` process); with these steps the command never loads it."""
    s = np.sort(a)
    if len(s) == 0:
        return s
    keep = np.empty(len(s), np.bool_)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    out: IntArray = s[keep]
    return out


FLOOR_PREFIXES = frozenset({"subsidy_floor"})
CEILING_PREFIXES = frozenset({"subsidy_ceiling", "cost_recovery", "public_within_cost"})
# A lazy row is broken when w exceeds span * f by more than this share of span (US$);
# HiGHS's own primal tolerance is 1e-7 on its scaled model.
VIOLATION_TOL = 1e-7


@dataclass(frozen=True)
class Reduction:
    """The reduced LP (maximised, same columns) and how to map it back.

    ``sub[k]`` is a substituted x column, ``sub_f[k]`` its candidate's scale column,
    ``lo[k]``/``span[k]`` US$ per unit of scale; ``floor_row``/``ceil_row`` the
    original rows they replace (-1 for none); ``keep`` the original rows kept as
    rows (reduced row r is original row ``keep[r]``); ``base_vub`` the variable
    bounds that are rows from the start (all of them for a MILP).
    """

    built: BuiltModel
    col_cost: FloatArray
    col_lower: FloatArray
    col_upper: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    a_start: IntArray
    a_index: IntArray
    a_value: FloatArray
    keep: IntArray
    sub: IntArray
    sub_f: IntArray
    lo: FloatArray
    span: FloatArray
    floor_row: IntArray
    ceil_row: IntArray
    base_vub: IntArray

    def vub_rows(self, k: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
        """Rows ``w - span * f <= 0`` for substitutions ``k``: (starts, index, value)."""
        n = len(k)
        index = np.stack([self.sub[k], self.sub_f[k]], axis=1).ravel()
        value = np.stack([np.ones(n), -self.span[k]], axis=1).ravel()
        return np.arange(0, 2 * n + 1, 2, dtype=np.int64)[:n], index, value

    def violated(self, values: FloatArray, done: BoolArray) -> IntArray:
        """Substitutions (not yet rows) whose variable bound ``values`` break, whole candidates."""
        finite = np.isfinite(self.span)
        span = np.where(finite, self.span, 0.0)
        over = values[self.sub] - span * values[self.sub_f]
        bad = (over > VIOLATION_TOL * np.maximum(np.abs(span), 1.0)) & finite & ~done
        if not bad.any():
            return np.zeros(0, np.int64)
        # Add every year of a broken candidate: its years usually move together.
        cands = sorted_unique(self.sub_f[bad])
        out: IntArray = np.flatnonzero(np.isin(self.sub_f, cands) & ~done)
        return out

    def near_bound(self, values: FloatArray, done: BoolArray, margin: float) -> IntArray:
        """Substitutions (not yet rows) of funded candidates (f > 0) with a w within
        ``margin`` (share of span * f) of its variable bound: whole candidates, like
        ``violated``."""
        if margin <= 0:
            return np.zeros(0, np.int64)
        f = values[self.sub_f]
        finite = np.isfinite(self.span)
        bound = np.where(finite, self.span, 0.0) * f
        near = finite & ~done & (f > 0) & (bound > 0) & (values[self.sub] >= (1 - margin) * bound)
        cands = sorted_unique(self.sub_f[near])
        out: IntArray = np.flatnonzero(np.isin(self.sub_f, cands) & ~done)
        return out

    def cost(self, col_cost: FloatArray) -> FloatArray:
        """Reduced objective for original costs ``col_cost`` (f also earns lo x x's cost)."""
        out = col_cost.copy()
        np.add.at(out, self.sub_f, self.lo * col_cost[self.sub])
        return out

    def bounds(self, lower: FloatArray, upper: FloatArray) -> tuple[FloatArray, FloatArray] | None:
        """Reduced column bounds for original bounds, or None if they break the substitution
        (an x no longer in [0, inf), a scale below 0): then reduce again."""
        f_lo = lower[self.sub_f]
        if (lower[self.sub] != 0).any() or np.isfinite(upper[self.sub]).any() or (f_lo < 0).any():
            return None
        up = upper.copy()
        f_up = upper[self.sub_f]
        span = self.span
        # Implied bound w <= span * f_upper: only under a ceiling row; 0 when f is fixed at 0.
        finite = np.where(np.isinf(span), 0.0, np.maximum(span, 0))
        up[self.sub] = np.where(
            np.isinf(span), np.inf, np.where(f_up == 0, 0.0, finite * np.minimum(f_up, 1e300))
        )
        return lower.copy(), up

    def to_original(
        self,
        values: FloatArray,
        row_dual: FloatArray,
        col_dual: FloatArray,
        rows: IntArray,
        col_cost: FloatArray,
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Original (values, row duals, column duals) from the reduced LP's answer.

        ``row_dual``/``col_dual`` are in the internal sense (d max objective / d bound);
        ``rows`` lists, after the kept rows, the substitution of each lazy row added;
        ``col_cost`` is the original objective the reduced LP was solved with.
        """
        b = self.built
        x = values.copy()
        x[self.sub] = self.lo * values[self.sub_f] + values[self.sub]
        y = np.zeros(b.num_row)
        nk = len(self.keep)
        y[self.keep] = row_dual[:nk]
        vub_dual = np.zeros(len(self.sub))
        vub_dual[rows] = row_dual[nk:]
        dw = col_dual[self.sub]
        # w at 0 (dw < 0): the floor row holds it there; w at its implied bound (dw > 0):
        # the ceiling row does. Without a floor row x's own bound x >= 0 takes dw.
        has_ceil = self.ceil_row >= 0
        ceil = np.where(has_ceil, vub_dual + np.maximum(dw, 0.0), 0.0)
        y[self.ceil_row[has_ceil]] = ceil[has_ceil]
        has_floor = self.floor_row >= 0
        y[self.floor_row[has_floor]] = np.minimum(dw, 0.0)[has_floor]
        row_of = np.repeat(np.arange(b.num_row), np.diff(b.a_start))
        aty = np.bincount(b.a_index, b.a_value * y[row_of], minlength=b.num_col)
        d: FloatArray = col_cost - aty
        return x, y, d


def _band_rows(built: BuiltModel, prefixes: frozenset[str]) -> IntArray:
    out = [np.arange(b.start, b.stop) for b in built.row_blocks if b.prefix in prefixes]
    return np.concatenate(out).astype(np.int64) if out else np.zeros(0, np.int64)


def _match(
    built: BuiltModel, rows: IntArray, cand_of: IntArray, sub_ok: BoolArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """Rows of the form ``x + a f (sense) 0``: (rows, x column, -a), structure checked."""
    b = built
    starts, stops = b.a_start[rows], b.a_start[rows + 1]
    nnz = stops - starts
    ok = (nnz >= 1) & (nnz <= 2)
    first = np.where(ok, starts, 0)
    second = np.where(nnz == 2, starts + 1, first)
    c1, c2 = b.a_index[first], b.a_index[second]
    v1, v2 = b.a_value[first], b.a_value[second]
    # Entries are sorted by column; f precedes x in the builder's numbering.
    x_first = (cand_of[c1] >= 0) & (nnz == 1)
    xcol = np.where(x_first, c1, c2)
    xval = np.where(x_first, v1, v2)
    fcol = np.where(nnz == 2, c1, -1)
    fval = np.where(nnz == 2, v1, 0.0)
    cand = cand_of[xcol]
    ok &= (cand >= 0) & (xval == 1.0) & sub_ok[xcol]
    ok &= (nnz == 1) | (fcol == b.f_col[np.maximum(cand, 0)])
    return rows[ok], xcol[ok], -fval[ok]


def reduce(built: BuiltModel, lower: FloatArray, upper: FloatArray, all_rows: bool) -> Reduction:
    """The reduced LP for column bounds ``lower``/``upper`` (``all_rows``: no lazy rows)."""
    b = built
    n_col = b.num_col
    cand_of = np.full(n_col, -1, np.int64)
    ok_x = b.x_col >= 0
    cand_of[b.x_col[ok_x]] = np.nonzero(ok_x)[0]
    f_lower = np.full(n_col, -1.0)
    f_lower[cand_of >= 0] = lower[b.f_col[cand_of[cand_of >= 0]]]
    # Only x with bounds [0, inf) and a scale f >= 0 can be rewritten as lo * f + w.
    sub_ok = (cand_of >= 0) & (lower == 0) & np.isinf(upper) & (f_lower >= 0)

    fl_rows = _band_rows(b, FLOOR_PREFIXES)
    fl_rows = fl_rows[(b.row_lower[fl_rows] == 0) & np.isinf(b.row_upper[fl_rows])]
    fl_rows, fl_x, fl_lo = _match(b, fl_rows, cand_of, sub_ok)
    keep_fl = fl_lo >= 0
    fl_rows, fl_x, fl_lo = fl_rows[keep_fl], fl_x[keep_fl], fl_lo[keep_fl]
    _, first = np.unique(fl_x, return_index=True)  # one floor row per x (the builder's)
    fl_rows, fl_x, fl_lo = fl_rows[first], fl_x[first], fl_lo[first]

    ce_rows = _band_rows(b, CEILING_PREFIXES)
    ce_rows = ce_rows[np.isinf(b.row_lower[ce_rows]) & (b.row_upper[ce_rows] == 0)]
    ce_rows, ce_x, ce_hi = _match(b, ce_rows, cand_of, sub_ok)
    # The tightest ceiling per x is the variable bound; looser ones are implied (f >= 0).
    order = np.lexsort((ce_hi, ce_x))
    ce_rows, ce_x, ce_hi = ce_rows[order], ce_x[order], ce_hi[order]
    _, first = np.unique(ce_x, return_index=True)

    sub = sorted_unique(np.concatenate([fl_x, ce_x]))
    pos = np.full(n_col, -1, np.int64)
    pos[sub] = np.arange(len(sub))
    lo = np.zeros(len(sub))
    lo[pos[fl_x]] = fl_lo
    floor_row = np.full(len(sub), -1, np.int64)
    floor_row[pos[fl_x]] = fl_rows
    hi = np.full(len(sub), np.inf)
    hi[pos[ce_x[first]]] = ce_hi[first]
    ceil_row = np.full(len(sub), -1, np.int64)
    ceil_row[pos[ce_x[first]]] = ce_rows[first]
    span = hi - lo
    sub_f = b.f_col[cand_of[sub]]

    dropped = np.zeros(b.num_row, np.bool_)
    dropped[fl_rows] = True
    dropped[ce_rows] = True
    keep = np.flatnonzero(~dropped)

    # Kept rows with x = lo * f + w substituted (entries on the same f are summed).
    new_row = np.full(b.num_row, -1, np.int64)
    new_row[keep] = np.arange(len(keep))
    row_of = np.repeat(np.arange(b.num_row), np.diff(b.a_start))
    inkeep = new_row[row_of] >= 0
    r, c, v = new_row[row_of[inkeep]], b.a_index[inkeep], b.a_value[inkeep]
    lo_of_col = np.zeros(n_col)
    lo_of_col[sub] = lo
    extra = lo_of_col[c] != 0
    r = np.concatenate([r, r[extra]])
    v = np.concatenate([v, v[extra] * lo[pos[c[extra]]]])
    c = np.concatenate([c, sub_f[pos[c[extra]]]])
    key = r * n_col + c
    order = np.argsort(key, kind="stable")
    key, v = key[order], v[order]
    head = np.concatenate([[True], key[1:] != key[:-1]]) if len(key) else np.zeros(0, np.bool_)
    starts = np.flatnonzero(head)
    vals = np.add.reduceat(v, starts) if len(v) else v
    keys = key[starts]
    nz = vals != 0
    keys, vals = keys[nz], vals[nz]
    rr, cc = keys // n_col, keys % n_col
    a_start = np.concatenate([[0], np.cumsum(np.bincount(rr, minlength=len(keep)))])

    # A negative span forces f = 0: that row is never implied by a simple bound.
    base = np.arange(len(sub)) if all_rows else np.flatnonzero(span < 0)
    base = base[np.isfinite(span[base])]
    red = Reduction(
        built=b,
        col_cost=b.col_cost,
        col_lower=lower,
        col_upper=upper,
        row_lower=b.row_lower[keep],
        row_upper=b.row_upper[keep],
        a_start=a_start.astype(np.int64),
        a_index=cc.astype(np.int64),
        a_value=vals,
        keep=keep,
        sub=sub,
        sub_f=sub_f,
        lo=lo,
        span=span,
        floor_row=floor_row,
        ceil_row=ceil_row,
        base_vub=base.astype(np.int64),
    )
    bounds = red.bounds(lower, upper)
    assert bounds is not None  # sub was chosen among columns that keep the substitution
    return replace(red, col_cost=red.cost(b.col_cost), col_lower=bounds[0], col_upper=bounds[1])


def add_vub_rows(
    h: highspy.Highs, red: Reduction, k: IntArray, col_map: IntArray | None = None
) -> IntArray:
    """Add the variable-bound rows of substitutions ``k`` to ``h``; returns ``k``.
    ``col_map``: HiGHS's column of each of ``red``'s columns, when ``h`` holds a programme
    with fewer columns (``sift``)."""
    if len(k):
        start, index, value = red.vub_rows(k)
        if col_map is not None:
            index = col_map[index]
        h.addRows(
            len(k),
            np.full(len(k), -np.inf),
            np.zeros(len(k)),
            len(value),
            start.astype(np.int32),
            index.astype(np.int32),
            value,
        )
    return k
