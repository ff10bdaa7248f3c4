"""The allocator's public re-solve interface: build a scenario's programme once, then
re-solve it for many outcome values (Monte Carlo draws, value of information, CVaR).

Analyses outside the allocator (``model.uncertainty``) use this module and ``api``
only, never ``build``, ``solve`` or ``explain`` (an import contract checks it)::

    ro = Reoptimiser(scenario)            # build and solve the stated (central) scenario
    ro.central                            # PlanValues, or None when it has no plan
    per_unit = ro.per_unit(outcomes)      # objective value per draw and candidate
    plan = ro.solve(per_unit[i])          # same rules, new returns; None: no plan
    ro.value(per_unit, plan.scale)        # the objective a plan earns in each draw
    ro.solve_scenario(perturbed)          # a rebuilt programme of the same shape
    ro.cvar_plan(per_unit, alpha)         # the Rockafellar-Uryasev programme

Each ``solve`` clears HiGHS's state and restarts from the central basis, so a re-solve
is a function of its own numbers only: draws give the same answer in any order and
in any worker. Return draws change only the objective; cost draws and outcome
targets change the matrix, so they need ``solve_scenario``.

Units: outcome values in the objective's units (US$ of benefit, enterprises, jobs or
weighted) at full scale, prorated to the horizon; scale 0-1 of full scale; public
money US$ per plan year.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import highspy
import numpy as np

from model.allocator.build.arrays import (
    CandidateArrays,
    FloatArray,
    candidate_arrays,
    curve,
    normalised_slopes,
    objective_weights,
)
from model.allocator.build.builder import SPEND_TIE_BREAK, build_model
from model.allocator.build.lp import BuiltModel
from model.allocator.result import SCALE_FUNDED
from model.allocator.scenario import Measure, Scenario
from model.allocator.solve.reduce import Reduction, reduce
from model.allocator.solve.resolve import new_highs
from model.allocator.solve.solver import highs_lp

__all__ = [
    "SCALE_FUNDED",
    "CandidateArrays",
    "CvarPlan",
    "FloatArray",
    "PlanValues",
    "Reoptimiser",
    "candidate_arrays",
    "curve",
]


@dataclass(frozen=True, eq=False)
class PlanValues:
    """One solved plan: ``scale`` (0-1 per candidate, scenario order) and ``funding``
    (public US$ per candidate and plan year, 0 where the candidate does not operate)."""

    scale: FloatArray
    funding: FloatArray

    @property
    def spend(self) -> float:
        """Public money over the horizon (US$)."""
        return float(self.funding.sum())


@dataclass(frozen=True, eq=False)
class CvarPlan:
    """The CVaR-optimal plan and the programme's own value of
    ``eta - sum(u) / (alpha * S)`` (objective units); ``status`` optimal or time_limit."""

    plan: PlanValues
    lp_cvar: float
    status: str


def _solved(h: highspy.Highs, mip: bool) -> bool:
    """A plan was found: optimal, or a MILP incumbent when the time limit struck."""
    S = highspy.HighsModelStatus
    ms = h.getModelStatus()
    has = h.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
    return bool(ms == S.kOptimal or (mip and ms == S.kTimeLimit and has))


class Reoptimiser:
    """One scenario's programme built once and kept in HiGHS (see module docstring)."""

    def __init__(self, scenario: Scenario) -> None:
        self._built = built = build_model(scenario)
        self._arrays = built.arrays
        # Every variable-bound row from the start: no lazy rows accumulate, so re-solves
        # never depend on the ones before.
        self._red = reduce(built, built.col_lower, built.col_upper, all_rows=True)
        self._h = self._highs(self._red, built)
        self._h.run()
        self.central: PlanValues | None = self._read(self._h, self._red, built)
        self._basis = None if built.is_mip or self.central is None else self._h.getBasis()

    # --- what the programme is about -----------------------------------------------------
    @property
    def scenario(self) -> Scenario:
        return self._built.scenario

    @property
    def arrays(self) -> CandidateArrays:
        """The candidates as arrays (ids, regions, kinds, horizon shares, outcomes)."""
        return self._arrays

    @property
    def is_mip(self) -> bool:
        return self._built.is_mip

    def per_unit(self, outcome: dict[Measure, FloatArray]) -> FloatArray:
        """Objective value at full scale, prorated to the horizon, for outcome values
        ``outcome[m]`` (rows x candidates, each measure at full scale)."""
        weights = objective_weights(self._built.scenario)
        ih = self._arrays.in_horizon
        first = next(iter(outcome.values()))
        total = np.zeros(np.shape(first))
        for m, w in weights.items():
            total = total + w * np.asarray(outcome[m], np.float64) * ih
        return total

    def value(self, per_unit: FloatArray, scale: FloatArray) -> FloatArray:
        """The objective a plan with ``scale`` earns for each row of ``per_unit``
        (the diminishing-returns curve applied; no spending tie-break)."""
        out: FloatArray = np.asarray(per_unit, np.float64) @ curve(self._built.scenario, scale)
        return out

    # --- re-solves ---------------------------------------------------------------------
    def solve(self, per_unit: FloatArray) -> PlanValues | None:
        """The plan maximising the objective with values ``per_unit`` (per candidate),
        every rule unchanged; None when no plan is found."""
        h = self._h
        h.clearSolver()
        cost = self._objective(np.asarray(per_unit, np.float64))
        n = len(cost)
        h.changeColsCost(n, np.arange(n, dtype=np.int32), -self._red.cost(cost))
        if self._basis is not None:
            h.setBasis(self._basis)
        h.run()
        return self._read(h, self._red, self._built)

    def solve_scenario(self, scenario: Scenario) -> PlanValues | None:
        """The optimum of ``scenario`` (same candidates and rules, new numbers: e.g. drawn
        costs or targets), rebuilt and solved from the central basis when shapes agree."""
        built = build_model(scenario)
        red = reduce(built, built.col_lower, built.col_upper, all_rows=True)
        h = self._highs(red, built)
        b = self._basis
        if b is not None and (h.getNumCol(), h.getNumRow()) == (
            len(b.col_status),
            len(b.row_status),
        ):
            h.setBasis(b)
        h.run()
        return self._read(h, red, built)

    def cvar_plan(self, per_unit: FloatArray, alpha: float) -> CvarPlan:
        """Maximise the CVaR at ``alpha`` (0-1] of the objective over the rows of
        ``per_unit`` (samples x candidates), every rule kept (Rockafellar and Uryasev, 2000).

        Adds a free ``eta`` and one ``u[s] >= 0`` per sample with the row
        ``v_s(x) - eta + u[s] >= 0`` and maximises ``eta - sum u / (alpha S)`` plus the
        allocator's spending tie-break. ``ValueError`` when the programme does not solve.
        """
        if not 0 < alpha <= 1:
            raise ValueError(f"alpha: {alpha} is outside (0, 1]")
        b = self._built
        values = np.asarray(per_unit, np.float64)
        s_count = values.shape[0]
        # Outcome coefficients move into the sample rows; only the spending tie-break stays.
        base_cost = b.col_cost.copy()
        outcome_cols = b.seg_col.ravel() if b.seg_col.shape[1] else b.f_col
        base_cost[outcome_cols] = 0.0
        h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy stubs leave __init__ untyped
        h.silent()
        h.setOptionValue("time_limit", float(b.scenario.solver.time_limit_s))
        h.setOptionValue("mip_rel_gap", float(b.scenario.solver.mip_gap))
        h.passModel(highs_lp(replace(b, col_cost=base_cost), b.col_lower, b.col_upper, b.integer))
        eta = b.num_col
        u0 = eta + 1
        # HiGHS minimises: eta earns -1, each u costs 1 / (alpha S).
        costs = np.concatenate([[-1.0], np.full(s_count, 1.0 / (alpha * s_count))])
        lower = np.concatenate([[-np.inf], np.zeros(s_count)])
        upper = np.full(s_count + 1, np.inf)
        none_i, none_f = np.zeros(0, np.int32), np.zeros(0)
        h.addCols(s_count + 1, costs, lower, upper, 0, none_i, none_i, none_f)
        if b.seg_col.shape[1]:
            slopes = np.asarray(normalised_slopes(b.scenario))
            coef = (values[:, :, None] * slopes[None, None, :]).reshape(s_count, -1)
        else:
            coef = values
        width = coef.shape[1] + 2
        index = np.concatenate(
            [
                np.tile(outcome_cols, (s_count, 1)),
                np.full((s_count, 1), eta),
                (u0 + np.arange(s_count))[:, None],
            ],
            axis=1,
        ).ravel()
        value = np.concatenate(
            [coef, -np.ones((s_count, 1)), np.ones((s_count, 1))], axis=1
        ).ravel()
        h.addRows(
            s_count,
            np.zeros(s_count),
            np.full(s_count, np.inf),
            len(value),
            np.arange(0, s_count * width, width, dtype=np.int32),
            index.astype(np.int32),
            value,
        )
        h.run()
        if not _solved(h, b.is_mip):
            ms = h.getModelStatus()
            raise ValueError(
                f"alpha: the CVaR programme did not solve ({h.modelStatusToString(ms)})"
            )
        col = np.asarray(h.getSolution().col_value, np.float64)
        lp_cvar = float(col[eta] - col[u0 : u0 + s_count].sum() / (alpha * s_count))
        optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        return CvarPlan(
            self._plan(b, col[: b.num_col]), lp_cvar, "optimal" if optimal else "time_limit"
        )

    # --- internals -----------------------------------------------------------------------
    def _objective(self, per_unit: FloatArray) -> FloatArray:
        """The built model's maximised objective with ``per_unit`` outcome values, built
        as ``build_model`` builds it (spending tie-break included)."""
        b = self._built
        sc = b.scenario
        cost = b.col_cost.copy()
        if sc.objective.diminishing_returns.enabled:
            slopes = np.asarray(normalised_slopes(sc))
            cost[b.seg_col.ravel()] = (per_unit[:, None] * slopes[None, :]).ravel()
        else:
            cost[b.f_col] = per_unit
        arr = b.arrays
        public_full = (arr.cost * arr.ceiling[:, None]).sum(axis=1)
        ratio = per_unit[public_full > 0] / public_full[public_full > 0]
        positive = ratio[ratio > 0]
        tie = SPEND_TIE_BREAK * float(positive.min()) if len(positive) else 0.0
        cost[b.x_col[b.x_col >= 0]] = -tie
        return cost

    @staticmethod
    def _highs(red: Reduction, built: BuiltModel) -> highspy.Highs:
        opts = built.scenario.solver
        return new_highs(red, built.integer, opts, time_limit_s=opts.time_limit_s)

    @staticmethod
    def _plan(built: BuiltModel, values: FloatArray) -> PlanValues:
        x = built.x_col
        funding = np.where(x >= 0, values[np.maximum(x, 0)], 0.0)
        return PlanValues(scale=values[built.f_col].copy(), funding=funding)

    @classmethod
    def _read(cls, h: highspy.Highs, red: Reduction, built: BuiltModel) -> PlanValues | None:
        """The plan in the original columns, or None when no plan was found."""
        if not _solved(h, built.is_mip):
            return None
        w = np.asarray(h.getSolution().col_value, np.float64)
        values = w.copy()
        values[red.sub] = red.lo * w[red.sub_f] + w[red.sub]
        return cls._plan(built, values)
