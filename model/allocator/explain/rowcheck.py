"""Vectorised feasibility check of a plan on the built programme's own rows (large models).

``check.check_plan`` is the independent checker: plain Python sharing no code
with the builder, so it catches a wrong formulation. At 10,000 candidates it
takes over a second, too slow for every ``allocate`` call, so the greedy
baseline of a large model (``ROW_CHECK_MIN_CANDIDATES`` or more) is checked
here instead: its plan is written into the builder's columns and every row's
activity compared with its limits. Violations are named like the builder's rows
(``public_within_cost`` where the plain checker says ``subsidy_ceiling`` with
the band off). Tests run both checkers on the same plans.
"""

from __future__ import annotations

import numpy as np

from model.allocator.build.arrays import FloatArray
from model.allocator.build.lp import BuiltModel

ROW_CHECK_MIN_CANDIDATES = 2_000
# Relative to the row's size (|rhs| + sum |a_ij v_j|): the plans checked here are
# built by arithmetic on the same numbers, so only rounding error is tolerated.
ROW_REL_TOL = 1e-7


def plan_columns(built: BuiltModel, x: FloatArray, f: FloatArray) -> FloatArray | None:
    """Column values of a plan (US$ per candidate-year ``x``, scale ``f``), or None when
    the programme splits money by funding source (the greedy plan does not say how)."""
    if any(b.prefix == "y" for b in built.col_blocks):
        return None
    values = np.zeros(built.num_col)
    values[built.f_col] = f
    ok = built.x_col >= 0
    values[built.x_col[ok]] = x[ok]
    has_z = built.z_col >= 0
    values[built.z_col[has_z]] = (f[has_z] > 0).astype(np.float64)
    if built.seg_col.shape[1]:
        lengths = built.col_upper[built.seg_col[0]]
        left = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
        values[built.seg_col] = np.clip(f[:, None] - left[None, :], 0.0, lengths[None, :])
    carry = next((b for b in built.col_blocks if b.prefix == "carry"), None)
    if carry is not None:
        # Carry whatever a year leaves unspent (never negative), as check_plan does.
        sc = built.scenario
        per_year = sc.budget.per_year or ()
        spend = x.sum(axis=0)
        carried = 0.0
        for t in range(carry.stop - carry.start):
            carried = max(per_year[t] + carried - float(spend[t]), 0.0)
            values[carry.start + t] = carried
    return values


def row_violations(built: BuiltModel, values: FloatArray) -> tuple[str, ...]:
    """Names of the rows ``values`` break (sorted), beyond rounding error."""
    act = built.activity(values)
    row_of = np.repeat(np.arange(built.num_row), np.diff(built.a_start))
    size = np.bincount(
        row_of, np.abs(built.a_value * values[built.a_index]), minlength=built.num_row
    )
    lo, up = built.row_lower, built.row_upper
    rhs = np.where(np.isfinite(up), up, lo)
    tol = ROW_REL_TOL * (1.0 + np.abs(np.where(np.isfinite(rhs), rhs, 0.0)) + size)
    bad = (act > up + tol) | (act < lo - tol)
    return tuple(sorted(built.row_name(int(i)) for i in np.flatnonzero(bad)))
