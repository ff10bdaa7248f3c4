"""The plan's own risk: one fixed plan judged in every draw, with no re-optimisation.

This is the question a ministry or donor asks of a plan they may sign: "if we fund
exactly this, how much benefit, how many enterprises and jobs could it bring, and how
likely is it to meet its targets?" The plan (scale 0-1 per candidate) stays as it
is; each draw changes the candidates' returns (see ``sampling``), and the plan's
outcome in a draw is

    outcome_m(draw) = sum_c value_m[draw, c] * in_horizon[c] * curve(scale)[c]

which is linear in the returns, so its expectation is the same sum with each
candidate's mean (``sampling.means``): the test of the draws. Costs do not enter the
outcome of a fixed plan (a cost draw changes what the plan would cost, not what it
reaches), so this analysis uses the return draws only.

``central_positions`` says where each candidate's stated (central) value sits in its
range: with a triangular distribution the central value is the mode, and the mean
(low + mode + high) / 3 differs from it whenever the range is lopsided. That is why
the draws' mean differs from the plan's value at the central returns.

Units: benefit US$, enterprises and jobs counts, objective in its own units; shares and
probabilities 0-1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from model.allocator.api import allocate
from model.allocator.reoptimise import FloatArray, candidate_arrays, curve
from model.allocator.scenario import MEASURES, Measure, Scenario
from model.formatting.i18n import _
from model.uncertainty.drawsolve import NoPlan as NoPlan  # callers of plan_risk catch it
from model.uncertainty.drawsolve import check_objective
from model.uncertainty.montecarlo import Summary
from model.uncertainty.sampling import DrawSpec, SampleSet, draw_samples, means, ranges


@dataclass(frozen=True)
class TargetChance:
    """Probability (0-1) that the plan meets the outcome target of ``measure``, with its
    Monte Carlo standard error sqrt(p (1 - p) / draws)."""

    measure: Measure
    target: float
    probability: float
    se: float


@dataclass(frozen=True, eq=False)
class PlanRisk:
    """A fixed plan over the draws (see module docstring).

    ``values[m]``: the plan's outcome in each draw (draw order); ``summary[m]`` its
    mean and percentiles; ``central[m]``: the outcome at the stated central returns
    (the Plan page's figure); ``expected[m]``: the exact expectation under the
    sampling distribution; ``objective*``: the same for the scenario's objective.
    """

    scenario: str
    label: str
    objective_kind: str
    spec: DrawSpec
    scale: dict[str, float]
    values: dict[Measure, FloatArray]
    summary: dict[Measure, Summary]
    central: dict[Measure, float]
    expected: dict[Measure, float]
    objective: FloatArray
    objective_summary: Summary
    objective_central: float
    objective_expected: float
    targets: tuple[TargetChance, ...]


@dataclass(frozen=True)
class CentralPosition:
    """Where one candidate's central value sits in its range, in objective units at full
    scale: ``position`` 0 (at the low end) to 1 (at the high end); ``mean`` under the
    distribution; ``shift`` = mean - central."""

    candidate: str
    name: str
    low: float
    central: float
    mean: float
    high: float
    position: float | None
    shift: float


def plan_scale(scenario: Scenario) -> dict[str, float]:
    """The scenario's optimum at its stated returns, as the Plan page and
    ``fomento allocate`` find it (``ValueError`` when it has no plan)."""
    r = allocate(scenario, explain=False, baseline=False)
    if r.status not in ("optimal", "time_limit"):
        raise NoPlan(
            _(
                "scenario: the plan is {status}; fix it on the Plan page before judging its risk"
            ).format(status=r.status)
        )
    return {c.id: float(r.scale.get(c.id, 0.0)) for c in scenario.candidates}


def _checked_scale(scenario: Scenario, scale: Mapping[str, float]) -> FloatArray:
    ids = [c.id for c in scenario.candidates]
    unknown = sorted(set(scale) - set(ids))
    if unknown:
        raise ValueError(
            _("plan.scale: {ids} not in the scenario's candidates").format(
                ids=", ".join(unknown[:5])
            )
        )
    out = np.array([float(scale.get(c, 0.0)) for c in ids])
    bad = [(c, v) for c, v in zip(ids, out, strict=True) if not (0.0 <= v <= 1.0 + 1e-9)]
    if bad:
        c, v = bad[0]
        raise ValueError(
            _("plan.scale[{candidate}]: {value} is outside 0-1").format(candidate=c, value=v)
        )
    clipped: FloatArray = np.clip(out, 0.0, 1.0)
    return clipped


def _objective_per_unit(scenario: Scenario, outcome: Mapping[Measure, FloatArray]) -> FloatArray:
    """The objective's value per unit of reach (weights of ``weighted``; 1 on its measure)."""
    kind = scenario.objective.kind
    if kind == "weighted":
        w = scenario.objective.weights
        first = outcome["benefit"]
        total = np.zeros(np.shape(first))
        for m in MEASURES:
            total = total + float(w.get(m, 0.0)) * np.asarray(outcome[m])
        return total
    return np.asarray(outcome[kind], np.float64)  # type: ignore[index]


def evaluate(
    scenario: Scenario, scale: FloatArray, samples: SampleSet
) -> tuple[dict[Measure, FloatArray], FloatArray]:
    """The fixed plan's outcomes per draw ``(values[m], objective)``."""
    ih = candidate_arrays(scenario).in_horizon
    reach = curve(scenario, scale) * ih
    values: dict[Measure, FloatArray] = {m: samples.outcome[m] @ reach for m in MEASURES}
    objective: FloatArray = _objective_per_unit(scenario, samples.outcome) @ reach
    return values, objective


def plan_risk(
    scenario: Scenario,
    spec: DrawSpec,
    scale: Mapping[str, float] | None = None,
    label: str = "",
) -> PlanRisk:
    """Judge the plan ``scale`` (default: the scenario's optimum at its stated returns)
    in each of ``spec``'s return draws (``ValueError`` on bad input)."""
    check_objective(scenario)
    plan = plan_scale(scenario) if scale is None else dict(scale)
    f = _checked_scale(scenario, plan)
    samples = draw_samples(scenario, spec)
    values, objective = evaluate(scenario, f, samples)
    mid = {m: r[1][None, :] for m, r in ranges(scenario).items()}
    mu = {m: v[None, :] for m, v in means(scenario, spec.distribution).items()}
    central_v, central_obj = evaluate(scenario, f, SampleSet(mid))
    mean_v, mean_obj = evaluate(scenario, f, SampleSet(mu))
    s = len(samples)
    chances = []
    for m, target in scenario.objective.targets.items():
        p = float((values[m] >= target).mean())
        chances.append(TargetChance(m, float(target), p, float(np.sqrt(p * (1 - p) / s))))
    return PlanRisk(
        scenario=scenario.name,
        label=label or scenario.name,
        objective_kind=scenario.objective.kind,
        spec=spec,
        scale={c.id: float(v) for c, v in zip(scenario.candidates, f, strict=True)},
        values=values,
        summary={m: Summary.of(v) for m, v in values.items()},
        central={m: float(v[0]) for m, v in central_v.items()},
        expected={m: float(v[0]) for m, v in mean_v.items()},
        objective=objective,
        objective_summary=Summary.of(objective),
        objective_central=float(central_obj[0]),
        objective_expected=float(mean_obj[0]),
        targets=tuple(chances),
    )


def central_positions(scenario: Scenario, spec: DrawSpec) -> tuple[CentralPosition, ...]:
    """Each candidate's objective value at full scale: low, central, mean and high, and
    where the central value sits in the range (see module docstring)."""
    r = ranges(scenario)
    ih = candidate_arrays(scenario).in_horizon
    lo = _objective_per_unit(scenario, {m: v[0] for m, v in r.items()}) * ih
    mid = _objective_per_unit(scenario, {m: v[1] for m, v in r.items()}) * ih
    hi = _objective_per_unit(scenario, {m: v[2] for m, v in r.items()}) * ih
    mu = _objective_per_unit(scenario, means(scenario, spec.distribution)) * ih
    out = []
    for i, c in enumerate(scenario.candidates):
        width = hi[i] - lo[i]
        out.append(
            CentralPosition(
                candidate=c.id,
                name=c.name,
                low=float(lo[i]),
                central=float(mid[i]),
                mean=float(mu[i]),
                high=float(hi[i]),
                position=float((mid[i] - lo[i]) / width) if width > 0 else None,
                shift=float(mu[i] - mid[i]),
            )
        )
    return tuple(out)


def plan_from_json(data: object) -> dict[str, float]:
    """The plan's scale (0-1 per candidate id) from JSON: a result of ``fomento allocate
    --format json`` or any object with a ``scale`` mapping (``ValueError`` otherwise)."""
    if not isinstance(data, dict) or not isinstance(data.get("scale"), dict):
        raise ValueError(_("plan: expected a JSON object with a 'scale' mapping (candidate: 0-1)"))
    if not data["scale"]:
        raise ValueError(_("plan.scale: names no candidate; a plan gives 0-1 per candidate id"))
    out: dict[str, float] = {}
    for cid, v in data["scale"].items():
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ValueError(
                _("plan.scale[{candidate}]: {value} is not a number").format(
                    candidate=cid, value=repr(v)
                )
            )
        out[str(cid)] = float(v)
    return out


def plan_warnings(
    scenario: Scenario, scale: Mapping[str, float], made_for: object = None
) -> list[str]:
    """What a reader must know before taking a plan file's risk as a plan they could sign:
    it was made for another scenario (``made_for``, the file's ``scenario`` name), or no
    plan that funds at least these scales keeps the scenario's rules (one solve, with
    each scale as a mandatory least scale: when that has no plan, neither has the file's
    plan). Empty when neither; the plan is judged anyway."""
    out = []
    if isinstance(made_for, str) and made_for and made_for != scenario.name:
        out.append(
            _("plan: made for the scenario '{made_for}', judged here on '{scenario}'").format(
                made_for=made_for, scenario=scenario.name
            )
        )
    lim = scenario.rules.candidate_limits
    least = dict(lim.mandatory) if lim.enabled else {}
    known = {c.id for c in scenario.candidates}  # plan_risk names any other id
    for cid, v in scale.items():
        if cid in known and v > 0:
            least[cid] = max(least.get(cid, 0.0), min(float(v), 1.0))
    forced = scenario.model_copy(
        update={
            "rules": scenario.rules.model_copy(
                update={
                    "candidate_limits": lim.model_copy(update={"enabled": True, "mandatory": least})
                }
            )
        }
    )
    r = allocate(forced, explain=False, baseline=False)
    if r.status not in ("optimal", "time_limit"):
        out.append(
            _(
                "plan: no plan that funds these candidates at these scales keeps this "
                "scenario's rules (budget, limits, policy mix...; the check is {status}); "
                "its outcomes are not within reach of a plan that could be signed here"
            ).format(status=r.status)
        )
    return out
