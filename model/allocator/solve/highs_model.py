"""A programme given as numpy arrays, handed to HiGHS as one ``HighsLp``."""

from __future__ import annotations

import highspy
import numpy as np

from model.allocator.build.arrays import BoolArray, FloatArray, IntArray


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
