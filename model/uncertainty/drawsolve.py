"""Solve one built model for many draws, each from the same start (so order never matters).

Return draws change only the objective: one ``model.allocator.reoptimise.Reoptimiser``
holds the scenario's programme in HiGHS, solves the central scenario once, and for
each draw sets the new objective, clears HiGHS's state and restarts from that central
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

import numpy as np

from model.allocator.reoptimise import SCALE_FUNDED, FloatArray, Reoptimiser, curve
from model.allocator.scenario import MEASURES, Scenario
from model.formatting.i18n import _
from model.uncertainty.sampling import SampleSet

# A candidate counts as funded in a draw above the allocator's own threshold (0-1).
FUNDED_SCALE_TOL = SCALE_FUNDED


class NoPlan(ValueError):
    """The scenario has no plan (infeasible or unsolved) at its stated or expected
    returns: ``fomento uncertainty`` exits 1 on it, as ``fomento allocate`` does."""


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
            _(
                "objective.kind: min_cost minimises public cost; uncertainty analysis needs an "
                "objective to maximise (benefit, enterprises, jobs or weighted)"
            )
        )


def needs_rebuild(scenario: Scenario, samples: SampleSet) -> bool:
    """True when draws change the matrix (cost draws, or outcome targets that follow
    the draws); ``samples.objective_only`` keeps the targets at the stated values."""
    if samples.cost_multiplier is not None:
        return True
    return bool(scenario.objective.targets) and not samples.objective_only


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
    ro = Reoptimiser(scenario)
    if ro.central is None:
        raise NoPlan(
            _("scenario: the central scenario has no feasible plan; fix it on the Plan page first")
        )
    out = _empty(len(samples), samples.candidates)
    rebuild = needs_rebuild(scenario, samples)
    ih = ro.arrays.in_horizon
    per_unit = ro.per_unit(samples.outcome)
    for i in range(len(samples)):
        if rebuild:
            plan = ro.solve_scenario(perturbed(scenario, samples, i))
        else:
            plan = ro.solve(per_unit[i])
        if plan is None:
            continue
        reach = curve(scenario, plan.scale)
        out.ok[i] = True
        out.scale[i] = plan.scale
        out.spend[i] = plan.spend
        out.objective[i] = float(per_unit[i] @ reach)
        out.outcome[i] = [float((samples.outcome[m][i] * ih) @ reach) for m in MEASURES]
    return out
