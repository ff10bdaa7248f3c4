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
from dataclasses import replace

import highspy
import numpy as np

from model.allocator.build.arrays import BoolArray, FloatArray
from model.allocator.build.lp import BuiltModel
from model.allocator.scenario import SOLVERS
from model.allocator.solve.highs_model import AUTO_METHOD, lp_from_arrays
from model.allocator.solve.resolve import ReSolver
from model.allocator.solve.solution import Solution, Status, empty
from model.formatting.i18n import _

__all__ = ["AUTO_METHOD", "Solution", "Status", "solve", "solve_warm"]


def solve(built: BuiltModel, solver: str | None = None) -> Solution:
    """Solve with ``solver`` (``highs`` or ``cbc``; default: the scenario's)."""
    return solve_warm(built, solver)[0]


def solve_warm(built: BuiltModel, solver: str | None = None) -> tuple[Solution, ReSolver | None]:
    """``solve``, and the HiGHS ``ReSolver`` that found an LP's optimum, left at that
    optimum (its basis and lazy rows) for warm re-solves (``explain.ranging.Probe``);
    None for CBC, a MILP, or an answer that is not optimal."""
    name = solver or built.scenario.solver.solver
    if name not in SOLVERS:
        raise ValueError(
            _("solver: {name} is not one of {solvers}").format(
                name=repr(name), solvers=", ".join(SOLVERS)
            )
        )
    t0 = time.perf_counter()
    if name == "highs" and not built.integer.any():
        rs = ReSolver(built, lower=built.col_lower, upper=built.col_upper, integer=built.integer)
        sol = rs.solve()
        if sol.status == "optimal":
            return _with_time(sol, time.perf_counter() - t0), rs
    else:
        run = _solve_highs if name == "highs" else _solve_cbc
        sol = run(built, built.col_lower, built.col_upper, built.integer)
    if name == "highs" and built.scenario.solver.method == "pdlp" and sol.status != "optimal":
        sol = _simplex_after_pdlp(built, sol)
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
    return _with_time(sol, time.perf_counter() - t0), None


def _simplex_after_pdlp(built: BuiltModel, pdlp: Solution) -> Solution:
    """PDLP (a first-order method) can stop without an answer, e.g. "Time limit reached"
    on the 36-candidate demo once the lazy rows are added: solve again with dual simplex,
    whose answer (optimal or infeasible) is exact, and say so in the message."""
    opts = built.scenario.solver
    simplex = opts.model_copy(update={"method": "simplex"})
    again = replace(built, scenario=built.scenario.model_copy(update={"solver": simplex}))
    sol = _solve_highs(again, built.col_lower, built.col_upper, built.integer)
    note = _(
        "PDLP stopped without a reliable answer ({reason}); solved again with dual simplex."
    ).format(reason=pdlp.message or pdlp.status)
    return replace(sol, message=f"{note} {sol.message}".strip())


def _with_time(sol: Solution, seconds: float) -> Solution:
    return Solution(**{**sol.__dict__, "seconds": seconds})


def highs_lp(
    built: BuiltModel, lower: FloatArray, upper: FloatArray, integer: BoolArray
) -> highspy.HighsLp:
    """The programme as a ``HighsLp`` (row-wise matrix, minimisation)."""
    return lp_from_arrays(
        col_cost=built.col_cost,
        col_lower=lower,
        col_upper=upper,
        row_lower=built.row_lower,
        row_upper=built.row_upper,
        a_start=built.a_start,
        a_index=built.a_index,
        a_value=built.a_value,
        integer=integer,
    )


def _solve_highs(
    built: BuiltModel, lower: FloatArray, upper: FloatArray, integer: BoolArray
) -> Solution:
    return ReSolver(built, lower=lower, upper=upper, integer=integer).solve()


def _solve_cbc(
    built: BuiltModel, lower: FloatArray, upper: FloatArray, integer: BoolArray
) -> Solution:
    # PuLP is imported here: HiGHS runs (and `fomento allocate` start-up) do without it.
    import pulp

    from model.allocator.solve.pulp_model import to_pulp

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
    if st == pulp.LpStatusInfeasible and integer.any():
        # CBC 2.10's MILP preprocessing can call a feasible MILP infeasible ("Cut
        # generators found to be infeasible"; a 5-candidate go/no-go case HiGHS solves):
        # an infeasible verdict is only trusted once it holds without preprocessing.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            again = pulp.PULP_CBC_CMD(
                msg=False,
                timeLimit=float(opts.time_limit_s),
                gapRel=float(opts.mip_gap),
                options=["preprocess off"],
            )
        prob.solve(again)
        st = prob.status
    if st == pulp.LpStatusInfeasible:
        return empty("infeasible", "cbc", "infeasible")
    if st == pulp.LpStatusUnbounded:
        return empty("unbounded", "cbc", "unbounded")
    if st != pulp.LpStatusOptimal:
        return empty("error", "cbc", pulp.LpStatus.get(st, str(st)))
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
