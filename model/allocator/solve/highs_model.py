"""A programme given as numpy arrays, handed to HiGHS as one ``HighsLp``; HiGHS instances
set up with the project's options."""

from __future__ import annotations

import highspy
import numpy as np

from model.allocator.build.arrays import BoolArray, FloatArray, IntArray
from model.allocator.scenario import SolverOptions

# "auto" picks dual simplex: after the reduction (see reduce) dual simplex solved the
# bench LP at 10,000 candidates in about 1 s; interior point took 5-20 s and primal
# simplex 15 s there (bench/README.md), the dense budget and policy-mix rows hurting both.
AUTO_METHOD = "simplex"


def configured_highs(
    opts: SolverOptions, mip: bool, *, time_limit_s: float | None = None
) -> highspy.Highs:
    """A silent, empty HiGHS instance with the project's options for ``opts``."""
    h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy stubs leave __init__ untyped
    h.silent()
    h.setOptionValue("mip_rel_gap", float(opts.mip_gap))
    h.setOptionValue("solver", AUTO_METHOD if opts.method == "auto" else opts.method)
    if not mip:
        # HiGHS's presolve finds little to remove after ``reduce`` and cost more than it
        # saved: first solve of the bench LP at 10,000 candidates 0.25 s CPU without it
        # against 0.35 s with it (0.30 / 0.63 s without aggregation); same at 1,000 and
        # 20,000. A MILP keeps presolve: branch and bound leans on it.
        h.setOptionValue("presolve", "off")
    if time_limit_s is not None:
        h.setOptionValue("time_limit", float(time_limit_s))
    return h


def lp_from_arrays(
    *,
    col_cost: FloatArray,
    col_lower: FloatArray,
    col_upper: FloatArray,
    row_lower: FloatArray,
    row_upper: FloatArray,
    a_start: IntArray,
    a_index: IntArray,
    a_value: FloatArray,
    integer: BoolArray,
) -> highspy.HighsLp:
    """A row-wise ``HighsLp``. HiGHS minimises, so the (maximised) costs are negated."""
    lp = highspy.HighsLp()
    lp.num_col_ = len(col_cost)
    lp.num_row_ = len(row_lower)
    lp.col_cost_ = -col_cost
    lp.col_lower_ = col_lower
    lp.col_upper_ = col_upper
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = lp.num_col_
    lp.a_matrix_.num_row_ = lp.num_row_
    lp.a_matrix_.start_ = a_start.astype(np.int32)
    lp.a_matrix_.index_ = a_index.astype(np.int32)
    lp.a_matrix_.value_ = a_value
    if integer.any():
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if v else highspy.HighsVarType.kContinuous
            for v in integer
        ]
    return lp
