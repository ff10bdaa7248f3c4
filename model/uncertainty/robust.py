"""Robust allocation: maximise the conditional value at risk of the plan's outcome.

One programme over all sampled returns (Rockafellar and Uryasev, 2000): keep the
allocator's columns and rows (every rule stays), and add a free ``eta`` and one
``u[s] >= 0`` per sample s with the row ``cvar_sample[s]``:

    v_s(x) - eta + u[s] >= 0,     v_s(x) = sum_c value[c, s] * scale[c]

and maximise ``eta - sum_s u[s] / (alpha * S)`` (plus the allocator's spending
tie-break). At the optimum that is the mean of the worst ``alpha`` share of the
S outcomes of one plan chosen before the returns are known. The expected-value
plan maximises the mean of the same samples; comparing the two shows what
robustness costs in expected outcome and what it gains in the bad cases.

Costs stay at their stated values here (a cost draw changes the rules' matrix,
not just the outcome); outcome targets, if any, at their central values.
Units: outcome in the objective's units; money US$ over the horizon; alpha 0-1.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.allocator.reoptimise import FloatArray, PlanValues, Reoptimiser, curve
from model.allocator.scenario import Scenario
from model.formatting.i18n import _
from model.uncertainty.drawsolve import check_objective
from model.uncertainty.sampling import SampleSet, cvar

# Funding differences below US$1 between the two plans are solver noise.
FUNDING_NOISE_US = 1.0


@dataclass(frozen=True)
class PlanOutcome:
    """One plan judged over the samples: scale (0-1) and public funding (US$) per
    candidate, and the mean and CVaR of its outcome over the samples."""

    scale: dict[str, float]
    funding: dict[str, float]
    funding_by_year: dict[str, tuple[float, ...]]  # US$ per plan year
    mean: float
    cvar: float
    outcomes: tuple[float, ...]  # per sample, in sample order


@dataclass(frozen=True)
class RobustResult:
    """The CVaR-optimal plan against the expected-value plan (see module docstring).

    ``lp_cvar``: the programme's own value of eta - sum u / (alpha S);
    ``expected_cost``: expected outcome given up for robustness (>= 0);
    ``cvar_gain``: how much better the worst ``alpha`` share does (>= 0).
    """

    alpha: float
    samples: int
    robust: PlanOutcome
    expected: PlanOutcome
    lp_cvar: float
    expected_cost: float
    cvar_gain: float
    status: str


def plan_outcomes(scenario: Scenario, values: FloatArray, scale: FloatArray) -> FloatArray:
    """Outcome of a plan with ``scale`` (0-1 per candidate) in each sample (S,)."""
    out: FloatArray = values @ curve(scenario, scale)
    return out


def _judge(ro: Reoptimiser, values: FloatArray, plan: PlanValues, alpha: float) -> PlanOutcome:
    v = plan_outcomes(ro.scenario, values, plan.scale)
    ids = ro.arrays.ids
    years = {cid: tuple(float(x) for x in row) for cid, row in zip(ids, plan.funding, strict=True)}
    return PlanOutcome(
        scale={cid: float(s) for cid, s in zip(ids, plan.scale, strict=True)},
        funding={cid: sum(ys) for cid, ys in years.items()},
        funding_by_year=years,
        mean=float(v.mean()),
        cvar=cvar(v, alpha),
        outcomes=tuple(float(x) for x in v),
    )


def robust_allocation(scenario: Scenario, samples: SampleSet, alpha: float) -> RobustResult:
    """The CVaR-optimal plan over ``samples`` and the expected-value plan to compare it with."""
    check_objective(scenario)
    if not 0 < alpha <= 1:
        raise ValueError(_("alpha: {alpha} is outside (0, 1]").format(alpha=alpha))
    ro = Reoptimiser(scenario)
    values = ro.per_unit(samples.outcome)
    ev = ro.solve(values.mean(axis=0))
    if ev is None:
        raise ValueError(
            _("scenario: the central scenario has no feasible plan; fix it on the Plan page first")
        )
    best = ro.cvar_plan(values, alpha)
    robust = _judge(ro, values, best.plan, alpha)
    expected = _judge(ro, values, ev, alpha)
    return RobustResult(
        alpha=alpha,
        samples=len(samples),
        robust=robust,
        expected=expected,
        lp_cvar=best.lp_cvar,
        expected_cost=expected.mean - robust.mean,
        cvar_gain=robust.cvar - expected.cvar,
        status=best.status,
    )


def funding_changes(r: RobustResult) -> list[dict[str, float | str]]:
    """Per candidate whose funding differs: expected-value and robust funding (US$),
    the difference and both scales (0-1), largest change first."""
    rows: list[dict[str, float | str]] = []
    for cid, ev in r.expected.funding.items():
        rb = r.robust.funding[cid]
        if abs(rb - ev) < FUNDING_NOISE_US:
            continue
        rows.append(
            {
                "candidate": cid,
                "expected_value_plan": ev,
                "robust_plan": rb,
                "change": rb - ev,
                "expected_value_scale": r.expected.scale[cid],
                "robust_scale": r.robust.scale[cid],
            }
        )
    rows.sort(key=lambda d: (-abs(float(d["change"])), str(d["candidate"])))
    return rows
