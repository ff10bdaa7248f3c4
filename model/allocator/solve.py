"""Solve step: run HiGHS (in-process, from the arrays) or CBC (through PuLP).

Both solvers receive the same minimisation (minus the internal objective), and
``Solution`` normalises what they return: ``row_dual[i]`` is the change of the
*internal maximised* objective per unit increase of row i's right-hand side
(its active bound), ``col_dual[j]`` the same per unit of column j. That makes
the sign and meaning identical whichever solver ran; tests check both against
finite differences. For a MILP the duals come from the LP with the integer
columns fixed at their optimal values (``duals_from_fixed_lp``).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import Literal

import highspy
import numpy as np
import pulp

from model.allocator.arrays import BoolArray, FloatArray
from model.allocator.lp import BuiltModel
from model.allocator.pulp_model import to_pulp
from model.allocator.scenario import SOLVERS

Status = Literal["optimal", "time_limit", "infeasible", "unbounded", "error"]
# "auto" picks dual simplex: on this model bench/allocator.py measured HiGHS's
# interior point 3-7x slower than dual simplex (the policy-mix and budget rows are
# dense, which hurts IPX), unlike the 100k-variable LP the issue mentions.
AUTO_METHOD = "simplex"


@dataclass(frozen=True)
class Solution:
    """Raw solver output on the built model (see module docstring for dual signs)."""

    status: Status
    solver: str
    values: FloatArray
    row_activity: FloatArray
    row_dual: FloatArray
    col_dual: FloatArray
    objective: float  # internal, maximised, including the spend tie-break
    gap: float | None  # relative MIP gap; 0 for an LP
    seconds: float
    duals_from_fixed_lp: bool
    message: str = ""

    @property
    def ok(self) -> bool:
        """A solution whose values can be read (optimal, or a MILP stopped at its time limit)."""
        return self.status in ("optimal", "time_limit") and len(self.values) > 0


def solve(built: BuiltModel, solver: str | None = None) -> Solution:
    """Solve with ``solver`` (``highs`` or ``cbc``; default: the scenario's)."""
    name = solver or built.scenario.solver.solver
    if name not in SOLVERS:
        raise ValueError(f"solver: {name!r} is not one of {', '.join(SOLVERS)}")
    run = _solve_highs if name == "highs" else _solve_cbc
    t0 = time.perf_counter()
    sol = run(built, built.col_lower, built.col_upper, built.integer)
    if sol.status in ("optimal", "time_limit") and built.integer.any() and len(sol.values):
        fixed = np.where(built.integer, np.round(sol.values), 0.0)
        lo = np.where(built.integer, fixed, built.col_lower)
        up = np.where(built.integer, fixed, built.col_upper)
        lp = run(built, lo, up, np.zeros_like(built.integer))
        if lp.status == "optimal":
            sol = Solution(
                status=sol.status,
                solver=sol.solver,
                values=sol.values,
                row_activity=sol.row_activity,
                row_dual=lp.row_dual,
                col_dual=lp.col_dual,
                objective=sol.objective,
                gap=sol.gap,
                seconds=0.0,
                duals_from_fixed_lp=True,
                message=sol.message,
            )
    return _with_time(sol, time.perf_counter() - t0)


def _with_time(sol: Solution, seconds: float) -> Solution:
    return Solution(**{**sol.__dict__, "seconds": seconds})


def _empty(built: BuiltModel, status: Status, solver: str, message: str) -> Solution:
    z = np.zeros(0)
    return Solution(status, solver, z, z, z, z, float("nan"), None, 0.0, False, message)


def highs_lp(
    built: BuiltModel, lower: FloatArray, upper: FloatArray, integer: BoolArray
) -> highspy.HighsLp:
    """The programme as a ``HighsLp`` (row-wise matrix, minimisation)."""
    lp = highspy.HighsLp()
    lp.num_col_ = built.num_col
    lp.num_row_ = built.num_row
    lp.col_cost_ = -built.col_cost
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = built.row_lower
    lp.row_upper_ = built.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = built.num_col
    lp.a_matrix_.num_row_ = built.num_row
    lp.a_matrix_.start_ = built.a_start.astype(np.int32)
    lp.a_matrix_.index_ = built.a_index.astype(np.int32)
    lp.a_matrix_.value_ = built.a_value
    if integer.any():
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if v else highspy.HighsVarType.kContinuous
            for v in integer
        ]
    return lp


def _solve_highs(
    built: BuiltModel, lower: FloatArray, upper: FloatArray, integer: BoolArray
) -> Solution:
    opts = built.scenario.solver
    h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy stubs leave __init__ untyped
    h.silent()
    h.setOptionValue("time_limit", float(opts.time_limit_s))
    h.setOptionValue("mip_rel_gap", float(opts.mip_gap))
    method: str = AUTO_METHOD if opts.method == "auto" else opts.method
    h.setOptionValue("solver", method)
    h.passModel(highs_lp(built, lower, upper, integer))
    h.run()
    ms = h.getModelStatus()
    S = highspy.HighsModelStatus
    info = h.getInfo()
    has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
    status: Status
    if ms == S.kOptimal:
        status = "optimal"
    elif ms in (S.kInfeasible,):
        status = "infeasible"
    elif ms in (S.kUnbounded, S.kUnboundedOrInfeasible):
        # HiGHS may not tell the two apart after presolve; the builder bounds every
        # candidate's scale, so an LP here is unbounded only through a bug.
        status = "infeasible" if ms == S.kUnboundedOrInfeasible else "unbounded"
    elif ms == S.kTimeLimit and has_sol:
        status = "time_limit"
    else:
        return _empty(built, "error", "highs", h.modelStatusToString(ms))
    if status in ("infeasible", "unbounded"):
        return _empty(built, status, "highs", h.modelStatusToString(ms))
    s = h.getSolution()
    gap = float(info.mip_gap) if integer.any() else 0.0
    return Solution(
        status=status,
        solver="highs",
        values=np.asarray(s.col_value, np.float64),
        row_activity=np.asarray(s.row_value, np.float64),
        # HiGHS minimised minus our objective: flip to d(max objective)/d(rhs).
        row_dual=-np.asarray(s.row_dual, np.float64),
        col_dual=-np.asarray(s.col_dual, np.float64),
        objective=-float(info.objective_function_value),
        gap=gap if np.isfinite(gap) else None,
        seconds=0.0,
        duals_from_fixed_lp=False,
        message=h.modelStatusToString(ms),
    )


def _solve_cbc(
    built: BuiltModel, lower: FloatArray, upper: FloatArray, integer: BoolArray
) -> Solution:
    opts = built.scenario.solver
    prob, xs, cons = to_pulp(built, lower, upper, integer)
    with warnings.catch_warnings():
        # PuLP 3.3 deprecates its bundled CBC for 4.0; the bundled binary is the one we ship.
        warnings.simplefilter("ignore", DeprecationWarning)
        cmd = pulp.PULP_CBC_CMD(
            msg=False, timeLimit=float(opts.time_limit_s), gapRel=float(opts.mip_gap)
        )
    prob.solve(cmd)
    st = prob.status
    if st == pulp.LpStatusInfeasible:
        return _empty(built, "infeasible", "cbc", "infeasible")
    if st == pulp.LpStatusUnbounded:
        return _empty(built, "unbounded", "cbc", "unbounded")
    if st != pulp.LpStatusOptimal:
        return _empty(built, "error", "cbc", pulp.LpStatus.get(st, str(st)))
    stopped = prob.sol_status == pulp.LpSolutionIntegerFeasible
    values = np.array([v.varValue or 0.0 for v in xs], np.float64)
    mip = bool(integer.any())
    # PuLP leaves pi/dj as None for a MILP; the caller re-solves the fixed LP for duals.
    row_dual = np.array([0.0 if c.pi is None else -c.pi for c in cons], np.float64)
    col_dual = np.array([0.0 if v.dj is None else -v.dj for v in xs], np.float64)
    return Solution(
        status="time_limit" if stopped else "optimal",
        solver="cbc",
        values=values,
        row_activity=built.activity(values),
        row_dual=row_dual,
        col_dual=col_dual,
        objective=float(built.col_cost @ values),
        # PuLP does not hand back CBC's bound: report the requested gap as the bound.
        gap=(None if stopped else float(opts.mip_gap)) if mip else 0.0,
        seconds=0.0,
        duals_from_fixed_lp=False,
        message="stopped at time limit" if stopped else "optimal",
    )
