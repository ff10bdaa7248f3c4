"""Our own reformulation for HiGHS: dense portfolio rows through per-group spend columns.

Why: the budget and policy-mix rows (``budget_year[t]``, ``kind_ceiling[k]``,
``region_floor[r]``, ``lagging_floor`` ...) each hold (nearly) every ``x[c,t]``,
so at 10,000 candidates they carry ~200k of the reduced LP's ~250k non-zeros and
every dual simplex iteration pays for them. Their coefficients on x take only a
few values (1 - share or -share, 1 in year t), so the x columns fall into a few
groups with the same coefficients in every dense row (kind x lagging x year: 30
in the bench). Here

    S[g] = sum of x[c,t] in group g          (one equality row ``spend_group[g]``)

and each dense row holds the few ``S[g]`` instead of the x: an x column sits in
one dense row instead of five or so. ``S`` is free, so at an optimum its reduced
cost is 0 and the group row's dual equals the dense rows' duals weighted by the
group's coefficients: every original row keeps its dual (same index, same sign)
and every x its reduced cost. ``Aggregation.to_original`` maps back; tests check
the objective and duals against the plain formulation.

The aggregated programme is a ``BuiltModel`` whose first ``num_row`` rows and
``num_col`` columns are the original ones (same indices, x entries of dense rows
moved to S), with the S columns and group rows appended, so ``reduce`` works on
it unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from model.allocator.build.arrays import BoolArray, FloatArray, IntArray
from model.allocator.build.lp import Block, BuiltModel

# A row is dense when it holds at least this many x columns (only then does
# routing it through group columns save work).
DENSE_MIN_ENTRIES = 64
# A dense row whose x coefficients take more distinct values than this is left as
# it is: it would split the x into too many groups.
MAX_LEVELS = 16
# Aggregate only when it removes at least this share of the dense rows' x entries.
MIN_SAVING = 0.5


@dataclass(frozen=True)
class Aggregation:
    """The aggregated programme ``model`` and the size of the original one."""

    model: BuiltModel
    num_col: int  # original columns: model columns [0, num_col)
    num_row: int  # original rows: model rows [0, num_row)
    dense: IntArray  # original rows now written on the group columns

    @property
    def groups(self) -> int:
        return self.model.num_col - self.num_col

    def pad_col(self, v: FloatArray, fill: float) -> FloatArray:
        """An original column vector extended to the group columns with ``fill``."""
        return np.concatenate([v, np.full(self.groups, fill)])

    def pad_row(self, v: FloatArray) -> FloatArray:
        """An original row-bound vector extended to the group rows (``= 0``)."""
        return np.concatenate([v, np.zeros(self.groups)])

    def pad_integer(self, v: BoolArray) -> BoolArray:
        return np.concatenate([v, np.zeros(self.groups, np.bool_)])

    def to_original(
        self, values: FloatArray, row_dual: FloatArray, built: BuiltModel, col_cost: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(values, row duals, column duals) on ``built`` (the original programme) from
        the aggregated programme's values and row duals (internal sense); column duals
        are recomputed on the original rows, c - A^T y, so they are exact for ``built``."""
        x = values[: self.num_col].copy()
        y = row_dual[: self.num_row].copy()
        row_of = np.repeat(np.arange(built.num_row), np.diff(built.a_start))
        aty = np.bincount(built.a_index, built.a_value * y[row_of], minlength=built.num_col)
        d: FloatArray = col_cost - aty
        return x, y, d


def aggregate(built: BuiltModel, min_entries: int | None = None) -> Aggregation | None:
    """The aggregated programme of ``built``, or None when it would not pay off
    (``min_entries``: x columns that make a row dense; default ``DENSE_MIN_ENTRIES``)."""
    b = built
    least = DENSE_MIN_ENTRIES if min_entries is None else min_entries
    n, m = b.num_col, b.num_row
    xs = b.x_col[b.x_col >= 0]
    if len(xs) == 0 or m == 0:
        return None
    is_x = np.zeros(n, np.bool_)
    is_x[xs] = True
    row_of = np.repeat(np.arange(m), np.diff(b.a_start))
    on_x = is_x[b.a_index]
    count = np.bincount(row_of[on_x], minlength=m)
    dense = np.flatnonzero(count >= max(least, 1))
    if len(dense) == 0:
        return None
    x_pos = np.full(n, -1, np.int64)
    x_pos[xs] = np.arange(len(xs))
    # Level codes: codes[x, k] numbers x's coefficient in dense row k (0 = absent).
    codes = np.zeros((len(xs), len(dense)), np.int64)
    kept: list[int] = []
    levels: list[FloatArray] = []
    for k, row in enumerate(dense):
        s, e = b.a_start[row], b.a_start[row + 1]
        sel = on_x[s:e]
        cols, vals = b.a_index[s:e][sel], b.a_value[s:e][sel]
        lv, code = np.unique(vals, return_inverse=True)
        if len(lv) > MAX_LEVELS:
            continue
        codes[x_pos[cols], k] = code.ravel() + 1
        if np.count_nonzero(codes[:, k]) < len(cols):
            return None  # an x repeated in the row: its level codes would be wrong
        kept.append(k)
        levels.append(np.concatenate([[0.0], lv]))
    dense = dense[kept]
    codes = codes[:, kept]
    if len(dense) == 0:
        return None
    first, group_of = _groups(codes, [len(lv) for lv in levels])
    g = len(first)
    in_dense = np.zeros(m, np.bool_)
    in_dense[dense] = True
    moved = on_x & in_dense[row_of]
    saved = int(moved.sum()) - len(xs) - g * (len(dense) + 1)
    if saved < MIN_SAVING * int(moved.sum()):
        return None
    # Group g's coefficient in dense row k: that of its first x (all equal by construction).
    coef = np.stack([lv[codes[first, k]] for k, lv in enumerate(levels)], axis=1)

    s_col = n + np.arange(g)
    gi, ki = np.nonzero(coef)
    keep = ~moved
    r = np.concatenate([row_of[keep], dense[ki], m + group_of, m + np.arange(g)])
    c = np.concatenate([b.a_index[keep], s_col[gi], xs, s_col])
    v = np.concatenate([b.a_value[keep], coef[gi, ki], np.ones(len(xs)), -np.ones(g)])
    order = np.lexsort((c, r))
    start = np.concatenate([[0], np.cumsum(np.bincount(r, minlength=m + g))]).astype(np.int64)
    labels = tuple(str(i + 1) for i in range(g))
    model = replace(
        b,
        # Free: S's reduced cost is then 0 at an optimum, which carries the duals over.
        col_lower=np.concatenate([b.col_lower, np.full(g, -np.inf)]),
        col_upper=np.concatenate([b.col_upper, np.full(g, np.inf)]),
        col_cost=np.concatenate([b.col_cost, np.zeros(g)]),
        integer=np.concatenate([b.integer, np.zeros(g, np.bool_)]),
        row_lower=np.concatenate([b.row_lower, np.zeros(g)]),
        row_upper=np.concatenate([b.row_upper, np.zeros(g)]),
        a_start=start,
        a_index=c[order].astype(np.int64),
        a_value=v[order],
        col_blocks=(*b.col_blocks, Block("spend", n, labels)),
        row_blocks=(*b.row_blocks, Block("spend_group", m, labels)),
        _row_lookup={},
    )
    return Aggregation(model=model, num_col=n, num_row=m, dense=dense)


def _groups(codes: IntArray, radix: list[int]) -> tuple[IntArray, IntArray]:
    """Distinct rows of ``codes``: (first x of each group, group of each x)."""
    if float(np.prod(np.asarray(radix, np.float64))) < 2.0**62:
        # One int64 key per x (mixed radix) sorts far faster than rows of a matrix.
        weights = np.cumprod([1, *radix[:-1]]).astype(np.int64)
        _, first, group_of = np.unique(codes @ weights, return_index=True, return_inverse=True)
    else:
        _, first, group_of = np.unique(codes, axis=0, return_index=True, return_inverse=True)
    return first.astype(np.int64), group_of.ravel().astype(np.int64)
