"""Monte Carlo over the evidence ranges: the optimum's distribution and who gets funded.

Each draw re-optimises the plan as if that draw's returns (and costs) were known,
so the distribution says how much the best achievable portfolio could vary and
how often each candidate belongs to it. ``run_monte_carlo`` draws (``sampling``),
solves (``parallel`` / ``drawsolve``) and summarises; ``monte_carlo_to_json`` is the
form ``fomento uncertainty --format json`` prints and the page compares with.

Units: objective in the scenario's objective units (US$ of benefit, enterprises,
jobs or weighted); shares and probabilities 0-1; public money US$.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.allocator.reoptimise import FloatArray
from model.allocator.scenario import Scenario
from model.formatting.i18n import _
from model.uncertainty.drawsolve import FUNDED_SCALE_TOL, DrawResults, check_objective
from model.uncertainty.parallel import Executor, Progress, run_draws
from model.uncertainty.sampling import DrawSpec, draw_samples

PERCENTILES = (10, 50, 90)


@dataclass(frozen=True)
class Summary:
    """Summary of one quantity over the draws that found a plan."""

    mean: float
    p10: float
    p50: float
    p90: float
    low: float
    high: float

    @staticmethod
    def of(values: FloatArray) -> Summary:
        v = np.asarray(values, np.float64)
        p10, p50, p90 = (float(x) for x in np.percentile(v, PERCENTILES))
        return Summary(float(v.mean()), p10, p50, p90, float(v.min()), float(v.max()))


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """A Monte Carlo run (see module docstring for units).

    ``draws`` holds the raw per-draw results (draw order); ``objective`` summarises
    the optimum over the ``feasible`` draws; ``funded_probability[c]`` is the share
    of those draws in which candidate c gets a scale above ``FUNDED_SCALE_TOL``.
    """

    scenario: str
    objective_kind: str
    spec: DrawSpec
    candidates: tuple[str, ...]
    draws: DrawResults
    feasible: int
    objective: Summary
    public_money: Summary
    funded_probability: dict[str, float]
    mean_scale: dict[str, float]
    executor: str
    seconds: float


def summarise(
    scenario: Scenario, spec: DrawSpec, draws: DrawResults, executor: str, seconds: float
) -> MonteCarloResult:
    """The summary of solved draws (``ValueError`` if no draw found a plan)."""
    ok = draws.ok
    if not ok.any():
        raise ValueError(
            _("cost_range: no draw has a feasible plan; narrow the cost range or relax the rules")
        )
    ids = tuple(c.id for c in scenario.candidates)
    scale = draws.scale[ok]
    funded = (scale > FUNDED_SCALE_TOL).mean(axis=0)
    return MonteCarloResult(
        scenario=scenario.name,
        objective_kind=scenario.objective.kind,
        spec=spec,
        candidates=ids,
        draws=draws,
        feasible=int(ok.sum()),
        objective=Summary.of(draws.objective[ok]),
        public_money=Summary.of(draws.spend[ok]),
        funded_probability={c: float(p) for c, p in zip(ids, funded, strict=True)},
        mean_scale={c: float(v) for c, v in zip(ids, scale.mean(axis=0), strict=True)},
        executor=executor,
        seconds=seconds,
    )


def run_monte_carlo(
    scenario: Scenario,
    spec: DrawSpec,
    executor: Executor = "auto",
    *,
    workers: int = 2,
    address: str | None = None,
    progress: Progress | None = None,
) -> MonteCarloResult:
    """Draw, re-solve every draw and summarise (``ValueError`` on bad input)."""
    check_objective(scenario)
    t0 = time.perf_counter()
    samples = draw_samples(scenario, spec)
    draws, used = run_draws(
        scenario, samples, executor, workers=workers, address=address, progress=progress
    )
    return summarise(scenario, spec, draws, used, time.perf_counter() - t0)


def summary_to_json(d: Summary) -> dict[str, float]:
    return {"mean": d.mean, "p10": d.p10, "p50": d.p50, "p90": d.p90, "min": d.low, "max": d.high}


def monte_carlo_to_json(r: MonteCarloResult) -> dict[str, Any]:
    """The run as JSON-ready data (no timings, so a seeded run prints the same every time)."""
    k = r.spec.costs
    return {
        "scenario": r.scenario,
        "objective_kind": r.objective_kind,
        "draws": r.spec.draws,
        "seed": r.spec.seed,
        "distribution": r.spec.distribution,
        "cost_multiplier": {"low": k.low, "mode": k.mode, "high": k.high, "fixed": k.fixed},
        "feasible_draws": r.feasible,
        "objective": summary_to_json(r.objective),
        "public_money": summary_to_json(r.public_money),
        "funded_probability": dict(r.funded_probability),
        "mean_scale": dict(r.mean_scale),
    }
