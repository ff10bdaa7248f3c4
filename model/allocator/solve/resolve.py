"""HiGHS solves of a built programme, kept warm for re-solves: ``ReSolver``.

``solve`` uses it once per call. The planner's budget sweep and Monte Carlo runs
use it to re-solve *one* built model many times::

    rs = ReSolver(build_model(scenario))
    base = rs.solve()
    more = rs.solve(row_upper=up)          # e.g. a bigger budget_year[2]
    other = rs.solve(objective=cost)       # new outcome values (internal, maximised)

Each call returns the same ``Solution`` as a fresh ``solve`` of the built model
with those numbers (tests check it), but HiGHS restarts from the last basis and
keeps the lazy variable-bound rows it already added (``reduce``), which stay
valid whatever the objective or right-hand sides. HiGHS sees the programme with
its dense portfolio rows routed through group spend columns (``aggregate``);
values and duals come back on the built model's own rows and columns. Changes to the matrix (e.g.
candidate costs) need a new ``build_model``; changing a band row's bounds or an
x column's bounds makes the re-solver reduce again (a cold start). A cold start of a
large LP first solves its likely candidates alone and starts HiGHS from that basis
(``sift``): the same programme, found faster.
"""

from __future__ import annotations

import time
from dataclasses import replace

import highspy
import numpy as np

from model.allocator.build.aggregate import Aggregation, aggregate
from model.allocator.build.arrays import BoolArray, FloatArray, IntArray
from model.allocator.build.lp import BuiltModel
from model.allocator.scenario import SolverOptions
from model.allocator.solve import sift
from model.allocator.solve.highs_model import configured_highs, lp_from_arrays
from model.allocator.solve.reduce import Reduction, add_vub_rows, reduce, sorted_unique
from model.allocator.solve.solution import Solution, Status, empty

# A re-solve that adds lazy rows more often than this adds all of them (a safety net:
# the bench needs 2-3 rounds).
MAX_ROUNDS = 25
# When a round must add rows anyway, it also adds those of funded candidates whose w sits
# within this share of its bound span * f: they are the ones the next solve breaks when it
# lowers their scale. Bench at 100,000 x 5: rounds of 6,816 + 92 + 12 rows became one of
# (see bench/README.md); 0 turns the margin off.
LAZY_MARGIN = 0.05


class ReSolver:
    """One HiGHS instance on the reduced programme of ``built`` (see module docstring).

    ``lower``/``upper``/``integer`` override the built column bounds and integrality
    (``solve`` uses them to fix go/no-go binaries for the duals of a MILP);
    ``aggregate_rows=False`` hands HiGHS the dense rows as they are (tests compare).
    """

    def __init__(
        self,
        built: BuiltModel,
        *,
        lower: FloatArray | None = None,
        upper: FloatArray | None = None,
        integer: BoolArray | None = None,
        aggregate_rows: bool = True,
    ) -> None:
        self.built = built
        self.agg: Aggregation | None = aggregate(built) if aggregate_rows else None
        # What HiGHS sees before the reduction: the built model or its aggregated form.
        self.model = built if self.agg is None else self.agg.model
        self._lower = built.col_lower if lower is None else lower
        self._upper = built.col_upper if upper is None else upper
        self._integer = built.integer if integer is None else integer
        self._cost = built.col_cost
        self._row_lower = built.row_lower
        self._row_upper = built.row_upper
        self._start()

    @property
    def mip(self) -> bool:
        return bool(self._integer.any())

    def _start(self) -> None:
        """(Re)build the reduced programme and a fresh HiGHS instance (cold); a large LP
        starts from a sifted basis (``sift``)."""
        b = replace(
            self.model,
            col_cost=self._col(self._cost, 0.0),
            row_lower=self._row(self._row_lower),
            row_upper=self._row(self._row_upper),
        )
        lower, upper = self._col(self._lower, -np.inf), self._col(self._upper, np.inf)
        self.red: Reduction = reduce(b, lower, upper, all_rows=self.mip)
        integer = self._integer if self.agg is None else self.agg.pad_integer(self._integer)
        # A large LP first solves its likely candidates (sift).
        t0 = time.perf_counter()
        sifted = None if integer.any() else sift.start(b, self.red, b.scenario.solver, LAZY_MARGIN)
        # The sifted solves count against the first solve's time limit.
        self._spent = time.perf_counter() - t0
        self.h = new_highs(self.red, integer, b.scenario.solver)
        # HiGHS holds its own copy of the reduced matrix; ours is not read again (the lazy
        # rows and the mapping back use the substitution arrays): free it before the solve
        # (~16 bytes per entry; 100,000 x 5 peaked 60 MiB higher with it, issue 16).
        none = np.zeros(0, np.int64)
        self.red = replace(self.red, a_start=none, a_index=none, a_value=np.zeros(0))
        self.rows = self.red.base_vub
        self.done = np.zeros(len(self.red.sub), np.bool_)
        self.done[self.rows] = True
        self.sifted = sifted
        if sifted is not None:
            self.done[sifted.subs] = True
            self.rows = np.concatenate([self.rows, add_vub_rows(self.h, self.red, sifted.subs)])
            self.h.setBasis(sifted.basis)
        # The built model's rows that are not rows of HiGHS's programme (moving one of their
        # bounds means reducing again).
        self._dropped = np.ones(self.built.num_row, np.bool_)
        self._dropped[self.red.keep[self.red.keep < self.built.num_row]] = False
        # What HiGHS was last handed by ``solve`` (kept rows' bounds, column bounds, cost):
        # later calls hand only the entries that differ (a probe moves one row or one
        # column; handing all of them cost HiGHS as much as the re-solve itself). None:
        # not handed yet, so the first change hands every entry.
        self._given_rows: tuple[FloatArray, ...] | None = None
        self._given_cols: tuple[FloatArray, ...] | None = None
        self._given_cost: tuple[FloatArray, ...] | None = None

    def solve(
        self,
        *,
        objective: FloatArray | None = None,
        row_lower: FloatArray | None = None,
        row_upper: FloatArray | None = None,
        col_lower: FloatArray | None = None,
        col_upper: FloatArray | None = None,
        light: bool = False,
        col_duals: bool = True,
    ) -> Solution:
        """Solve with the given changes (internal, maximised objective; full-length arrays
        on the built model's rows and columns); unchanged values stay as last set.

        ``light``: return only what a probe of the optimum reads (``_light``), skipping
        the mapping of every dual back to the built model (explain.ranging re-solves
        dozens of times per plan); with ``col_duals=False`` a light answer's ``col_dual``
        is empty (the money-row probes read row duals only; ~60 us a re-solve)."""
        t0 = time.perf_counter()
        red = self.red
        cold = False
        if row_lower is self._row_lower:
            row_lower = None  # the very arrays already set: nothing to compare
        if row_upper is self._row_upper:
            row_upper = None
        if row_lower is not None or row_upper is not None:
            lo = self._row_lower if row_lower is None else np.asarray(row_lower, np.float64)
            up = self._row_upper if row_upper is None else np.asarray(row_upper, np.float64)
            dropped = self._dropped
            cold = bool(
                (lo[dropped] != self._row_lower[dropped]).any()
                or (up[dropped] != self._row_upper[dropped]).any()
            )
            self._row_lower, self._row_upper = lo, up
            if not cold:
                new_lo, new_up = self._row(lo)[red.keep], self._row(up)[red.keep]
                at = _changed(self._given_rows, new_lo, new_up)
                self._given_rows = (new_lo, new_up)
                # changeRowsBounds exists in highspy but is missing from its stubs.
                change = self.h.changeRowsBounds  # type: ignore[attr-defined]
                change(len(at), at, new_lo[at], new_up[at])
        if col_lower is not None or col_upper is not None:
            self._lower = self._lower if col_lower is None else np.asarray(col_lower, np.float64)
            self._upper = self._upper if col_upper is None else np.asarray(col_upper, np.float64)
            bounds = red.bounds(self._col(self._lower, -np.inf), self._col(self._upper, np.inf))
            if bounds is None:
                cold = True
            elif not cold:
                at = _changed(self._given_cols, *bounds)
                self._given_cols = bounds
                self.h.changeColsBounds(len(at), at, bounds[0][at], bounds[1][at])
        if objective is not None:
            self._cost = np.asarray(objective, np.float64)
            if not cold:
                cost = -red.cost(self._col(self._cost, 0.0))
                at = _changed(self._given_cost, cost)
                self._given_cost = (cost,)
                self.h.changeColsCost(len(at), at, cost[at])
        if cold:
            self._start()
        limit = float(self.built.scenario.solver.time_limit_s) - self._spent
        self._spent = 0.0
        sol = self._run(limit, light, col_duals)
        return replace(sol, seconds=time.perf_counter() - t0)

    def _col(self, v: FloatArray, fill: float) -> FloatArray:
        """A built-model column vector on HiGHS's columns (group columns get ``fill``)."""
        return v if self.agg is None else self.agg.pad_col(v, fill)

    def _row(self, v: FloatArray) -> FloatArray:
        """A built-model row-bound vector on HiGHS's rows (group rows are ``= 0``)."""
        return v if self.agg is None else self.agg.pad_row(v)

    def _run(self, limit_s: float, light: bool = False, col_duals: bool = True) -> Solution:
        h, red = self.h, self.red
        S = highspy.HighsModelStatus
        deadline = time.perf_counter() + limit_s
        values: FloatArray | None = None
        for rounds in range(MAX_ROUNDS + 1):
            values = None
            h.setOptionValue("time_limit", max(deadline - time.perf_counter(), 1e-3))
            h.run()
            ms = h.getModelStatus()
            if ms != S.kOptimal or self.mip:
                break
            values = np.asarray(h.getSolution().col_value, np.float64)
            more = red.violated(values, self.done)
            if len(more) == 0:
                break
            # np.union1d, without its np.unique (see reduce.sorted_unique)
            more = sorted_unique(
                np.concatenate([more, red.near_bound(values, self.done, LAZY_MARGIN)])
            )
            if rounds == MAX_ROUNDS - 1:
                more = np.flatnonzero(~self.done & np.isfinite(red.span))
            self.done[more] = True
            self.rows = np.concatenate([self.rows, add_vub_rows(h, red, more)])
        if light and values is not None and ms == highspy.HighsModelStatus.kOptimal:
            return self._light(ms, values, col_duals)
        return self._solution(ms)

    def _light(
        self, ms: highspy.HighsModelStatus, v: FloatArray, col_duals: bool = True
    ) -> Solution:
        """An optimal LP's answer with only: values on the built model's columns, the
        duals of the rows kept as rows (budgets, shares, purses, targets, capacity: the
        same as ``_solution`` gives them) and HiGHS's own column duals of the built
        columns (d objective / d bound in the programme HiGHS solved; a scale column's
        is the rate at which forcing its bound costs). Other row duals and the row
        activities are left at 0. ``v``: HiGHS's column values (read by ``_run``)."""
        h, red, b = self.h, self.red, self.built
        s = h.getSolution()
        x = v.copy()
        x[red.sub] = red.lo * v[red.sub_f] + v[red.sub]
        y = np.zeros(b.num_row)
        keep = red.keep
        own = keep < b.num_row
        y[keep[own]] = -np.asarray(s.row_dual, np.float64)[: len(keep)][own]
        z = np.zeros(b.num_row)
        return Solution(
            status="optimal",
            solver="highs",
            values=x[: b.num_col],
            row_activity=z,
            row_dual=y,
            col_dual=-np.asarray(s.col_dual, np.float64)[: b.num_col] if col_duals else np.zeros(0),
            objective=-float(h.getInfo().objective_function_value),
            gap=0.0,
            seconds=0.0,
            duals_from_fixed_lp=False,
            message=h.modelStatusToString(ms),
        )

    def _solution(self, ms: highspy.HighsModelStatus) -> Solution:
        h = self.h
        S = highspy.HighsModelStatus
        info = h.getInfo()
        has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
        status: Status
        if ms == S.kOptimal:
            status = "optimal"
        elif ms == S.kInfeasible:
            status = "infeasible"
        elif ms in (S.kUnbounded, S.kUnboundedOrInfeasible):
            # HiGHS may not tell the two apart after presolve; the builder bounds every
            # candidate's scale, so an LP here is unbounded only through a bug.
            status = "infeasible" if ms == S.kUnboundedOrInfeasible else "unbounded"
        elif ms == S.kTimeLimit and has_sol and self.mip:
            # An LP stopped early may still break a lazy row: only a MILP's incumbent counts.
            status = "time_limit"
        else:
            return empty("error", "highs", h.modelStatusToString(ms))
        if status in ("infeasible", "unbounded"):
            return empty(status, "highs", h.modelStatusToString(ms))
        s = h.getSolution()
        gap = float(info.mip_gap) if self.mip else 0.0
        # HiGHS minimised minus our objective: flip to d(max objective)/d(rhs).
        values, row_dual, col_dual = self.red.to_original(
            np.asarray(s.col_value, np.float64),
            -np.asarray(s.row_dual, np.float64),
            -np.asarray(s.col_dual, np.float64),
            self.rows,
            self._col(self._cost, 0.0),
        )
        if self.agg is not None:
            values, row_dual, col_dual = self.agg.to_original(
                values, row_dual, self.built, self._cost
            )
        return Solution(
            status=status,
            solver="highs",
            values=values,
            row_activity=self.built.activity(values),
            row_dual=row_dual,
            col_dual=col_dual,
            objective=-float(info.objective_function_value),
            gap=gap if np.isfinite(gap) else None,
            seconds=0.0,
            duals_from_fixed_lp=False,
            message=h.modelStatusToString(ms),
        )


def reduced_lp(red: Reduction, integer: BoolArray) -> highspy.HighsLp:
    """The reduced programme (``reduce.Reduction``) as a ``HighsLp`` (minimisation)."""
    return lp_from_arrays(
        col_cost=red.col_cost,
        col_lower=red.col_lower,
        col_upper=red.col_upper,
        row_lower=red.row_lower,
        row_upper=red.row_upper,
        a_start=red.a_start,
        a_index=red.a_index,
        a_value=red.a_value,
        integer=integer,
    )


def new_highs(
    red: Reduction,
    integer: BoolArray,
    opts: SolverOptions,
    *,
    time_limit_s: float | None = None,
) -> highspy.Highs:
    """A fresh HiGHS instance holding the reduced programme and its standing bound rows."""
    h = configured_highs(opts, bool(integer.any()), time_limit_s=time_limit_s)
    h.passModel(reduced_lp(red, integer))
    add_vub_rows(h, red, red.base_vub)
    return h


def _changed(last: tuple[FloatArray, ...] | None, *new: FloatArray) -> IntArray:
    """Indices (int32, for HiGHS) where any of ``new`` differs from ``last`` (all when None)."""
    if last is None:
        return np.arange(len(new[0]), dtype=np.int32)
    diff = np.zeros(len(new[0]), np.bool_)
    for a, b in zip(last, new, strict=True):
        diff |= a != b
    return np.flatnonzero(diff).astype(np.int32)
