"""Solve one built model for many draws, each from the same start (so order never matters).

Return draws change only the objective: one ``DrawSolver`` holds the allocator's
reduced programme (``model.allocator.solve.reduce`` with every variable-bound row, so no
lazy rows accumulate) in HiGHS, solves the central scenario once, and for each
draw sets the new objective, clears HiGHS's state and restarts from that central
basis. Every draw is then a function of its own numbers only: serial, process-pool
and Dask runs give bit-identical results (tests check it), unlike a chain of warm
starts whose path depends on the previous draw.

Cost draws and outcome targets change the matrix, so those draws rebuild the
scenario's model (``perturbed``) and solve it in a fresh HiGHS, starting from the
central basis when the shapes agree.

Units: objective in the scenario's objective units (US$ of benefit, enterprises,
jobs or weighted); scale 0-1 of full scale; public money US$ over the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from model.allocator.build.arrays import FloatArray, curve, normalised_slopes, objective_weights
from model.allocator.build.builder import SPEND_TIE_BREAK, build_model
from model.allocator.build.lp import BuiltModel
from model.allocator.scenario import MEASURES, Scenario
from model.allocator.solve.reduce import Reduction, reduce
from model.allocator.solve.resolve import new_highs
from model.uncertainty.sampling import SampleSet

# A candidate counts as funded in a draw above this scale (0-1): solver noise is ~1e-9.
FUNDED_SCALE_TOL = 1e-6


@dataclass(frozen=True, eq=False)
class DrawResults:
    """Per draw: ``ok`` (a plan was found), ``objective``, ``spend`` (public US$),
    ``outcome`` (draws x 3: benefit US$, enterprises, jobs reached) and ``scale``
    (draws x candidates, 0-1). Rows of draws without a plan hold NaN."""

    ok: np.ndarray
    objective: FloatArray
    spend: FloatArray
    outcome: FloatArray
    scale: FloatArray

    @staticmethod
    def join(parts: list[DrawResults]) -> DrawResults:
        return DrawResults(
            ok=np.concatenate([p.ok for p in parts]),
            objective=np.concatenate([p.objective for p in parts]),
            spend=np.concatenate([p.spend for p in parts]),
            outcome=np.concatenate([p.outcome for p in parts]),
            scale=np.concatenate([p.scale for p in parts]),
        )


def check_objective(scenario: Scenario) -> None:
    """Uncertainty runs need an objective to maximise; ``ValueError`` otherwise."""
    if scenario.objective.kind == "min_cost":
        raise ValueError(
            "objective.kind: min_cost minimises public cost; uncertainty analysis needs an "
            "objective to maximise (benefit, enterprises, jobs or weighted)"
        )


def needs_rebuild(scenario: Scenario, samples: SampleSet) -> bool:
    """True when draws change the matrix (cost draws, or outcome targets)."""
    return samples.cost_multiplier is not None or bool(scenario.objective.targets)


def per_unit_values(built: BuiltModel, samples: SampleSet) -> FloatArray:
    """Objective value per draw and candidate at full scale (horizon-prorated, before the
    diminishing-returns curve), shape (draws, candidates)."""
    weights = objective_weights(built.scenario)
    ih = built.arrays.in_horizon[None, :]
    zero = np.zeros((len(samples), samples.candidates))
    return sum((w * samples.outcome[m] * ih for m, w in weights.items()), zero)


def objective_vector(built: BuiltModel, per_unit: FloatArray) -> FloatArray:
    """The built model's maximised objective with ``per_unit`` outcome values, built as
    ``build_model`` builds it (tie-break on spending included)."""
    sc = built.scenario
    cost = built.col_cost.copy()
    dr = sc.objective.diminishing_returns
    if dr.enabled:
        slopes = np.asarray(normalised_slopes(sc))
        cost[built.seg_col.ravel()] = (per_unit[:, None] * slopes[None, :]).ravel()
    else:
        cost[built.f_col] = per_unit
    arr = built.arrays
    public_full = (arr.cost * arr.ceiling[:, None]).sum(axis=1)
    ratio = per_unit[public_full > 0] / public_full[public_full > 0]
    positive = ratio[ratio > 0]
    tie = SPEND_TIE_BREAK * float(positive.min()) if len(positive) else 0.0
    x = built.x_col[built.x_col >= 0]
    cost[x] = -tie
    return cost


def _highs(red: Reduction, integer: np.ndarray, built: BuiltModel) -> highspy.Highs:
    opts = built.scenario.solver
    return new_highs(red, integer, opts, time_limit_s=opts.time_limit_s)


def _read(h: highspy.Highs, red: Reduction, mip: bool) -> FloatArray | None:
    """The original columns' values, or None when no plan was found."""
    S = highspy.HighsModelStatus
    ms = h.getModelStatus()
    has = h.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
    if not (ms == S.kOptimal or (mip and ms == S.kTimeLimit and has)):
        return None
    w = np.asarray(h.getSolution().col_value, np.float64)
    values = w.copy()
    values[red.sub] = red.lo * w[red.sub_f] + w[red.sub]
    return values


class DrawSolver:
    """One built model in HiGHS; ``values(cost)`` re-solves from the central basis."""

    def __init__(self, built: BuiltModel) -> None:
        self.built = built
        self.mip = built.is_mip
        self.red = reduce(built, built.col_lower, built.col_upper, all_rows=True)
        self.h = _highs(self.red, built.integer, built)
        self.h.run()
        self.central = _read(self.h, self.red, self.mip)
        self.basis = None if self.mip or self.central is None else self.h.getBasis()

    def values(self, cost: FloatArray) -> FloatArray | None:
        """Column values for the maximised objective ``cost`` (None: no plan)."""
        h = self.h
        h.clearSolver()
        n = len(cost)
        h.changeColsCost(n, np.arange(n, dtype=np.int32), -self.red.cost(cost))
        if self.basis is not None:
            h.setBasis(self.basis)
        h.run()
        return _read(h, self.red, self.mip)

    def values_of(self, built: BuiltModel) -> FloatArray | None:
        """Column values of a rebuilt model (same scenario shape), from the central basis."""
        red = reduce(built, built.col_lower, built.col_upper, all_rows=True)
        h = _highs(red, built.integer, built)
        b = self.basis
        if b is not None and (h.getNumCol(), h.getNumRow()) == (
            len(b.col_status),
            len(b.row_status),
        ):
            h.setBasis(b)
        h.run()
        return _read(h, red, built.is_mip)


def perturbed(scenario: Scenario, samples: SampleSet, i: int) -> Scenario:
    """The scenario with draw ``i``'s outcomes and cost multipliers written in.

    ``model_copy`` skips validation on purpose: a draw may leave a stated range.
    """
    cm = samples.cost_multiplier
    cands = []
    for j, c in enumerate(scenario.candidates):
        update: dict[str, object] = {m: float(samples.outcome[m][i, j]) for m in MEASURES}
        if cm is not None:
            update["cost_by_year"] = tuple(v * float(cm[i, j]) for v in c.cost_by_year)
        cands.append(c.model_copy(update=update))
    return scenario.model_copy(update={"candidates": tuple(cands)})


def _empty(k: int, n: int) -> DrawResults:
    nan = np.full(k, np.nan)
    return DrawResults(
        ok=np.zeros(k, np.bool_),
        objective=nan.copy(),
        spend=nan.copy(),
        outcome=np.full((k, len(MEASURES)), np.nan),
        scale=np.full((k, n), np.nan),
    )


def solve_samples(scenario: Scenario, samples: SampleSet) -> DrawResults:
    """Re-solve the scenario for every draw of ``samples`` (one worker's chunk)."""
    check_objective(scenario)
    built = build_model(scenario)
    solver = DrawSolver(built)
    if solver.central is None:
        raise ValueError(
            "scenario: the central scenario has no feasible plan; fix it on the Plan page first"
        )
    out = _empty(len(samples), samples.candidates)
    rebuild = needs_rebuild(scenario, samples)
    ih = built.arrays.in_horizon
    per_unit = per_unit_values(built, samples)
    x_cols = built.x_col[built.x_col >= 0]
    for i in range(len(samples)):
        if rebuild:
            values = solver.values_of(build_model(perturbed(scenario, samples, i)))
        else:
            values = solver.values(objective_vector(built, per_unit[i]))
        if values is None:
            continue
        f = values[built.f_col]
        reach = curve(scenario, f)
        out.ok[i] = True
        out.scale[i] = f
        out.spend[i] = float(values[x_cols].sum())
        out.objective[i] = float(per_unit[i] @ reach)
        out.outcome[i] = [float((samples.outcome[m][i] * ih) @ reach) for m in MEASURES]
    return out
