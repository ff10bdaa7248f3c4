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

from dataclasses import dataclass, replace

import highspy
import numpy as np

from model.allocator.build.arrays import FloatArray, curve, normalised_slopes
from model.allocator.build.builder import build_model
from model.allocator.build.lp import BuiltModel
from model.allocator.scenario import Scenario
from model.allocator.solve.solver import highs_lp
from model.uncertainty.drawsolve import (
    DrawSolver,
    check_objective,
    objective_vector,
    per_unit_values,
)
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


def sample_values(built: BuiltModel, samples: SampleSet) -> FloatArray:
    """Outcome value per sample and candidate at full scale, shape (S, n)."""
    return per_unit_values(built, samples)


def plan_outcomes(scenario: Scenario, values: FloatArray, scale: FloatArray) -> FloatArray:
    """Outcome of a plan with ``scale`` (0-1 per candidate) in each sample (S,)."""
    out: FloatArray = values @ curve(scenario, scale)
    return out


def _judge(
    built: BuiltModel, values: FloatArray, col_values: FloatArray, alpha: float
) -> PlanOutcome:
    sc = built.scenario
    f = col_values[built.f_col]
    v = plan_outcomes(sc, values, f)
    years = {}
    for i, cid in enumerate(built.arrays.ids):
        cols = built.x_col[i]
        years[cid] = tuple(float(col_values[j]) if j >= 0 else 0.0 for j in cols)
    return PlanOutcome(
        scale={cid: float(s) for cid, s in zip(built.arrays.ids, f, strict=True)},
        funding={cid: sum(ys) for cid, ys in years.items()},
        funding_by_year=years,
        mean=float(v.mean()),
        cvar=cvar(v, alpha),
        outcomes=tuple(float(x) for x in v),
    )


def cvar_programme(
    built: BuiltModel, values: FloatArray, alpha: float
) -> tuple[highspy.Highs, int, int]:
    """The Rockafellar-Uryasev programme in HiGHS: (solver, eta column, first u column)."""
    sc = built.scenario
    s_count = values.shape[0]
    # Outcome coefficients move into the sample rows; only the spending tie-break stays.
    base_cost = built.col_cost.copy()
    outcome_cols = built.seg_col.ravel() if built.seg_col.shape[1] else built.f_col
    base_cost[outcome_cols] = 0.0
    h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy stubs leave __init__ untyped
    h.silent()
    h.setOptionValue("time_limit", float(sc.solver.time_limit_s))
    h.setOptionValue("mip_rel_gap", float(sc.solver.mip_gap))
    h.passModel(
        highs_lp(
            replace(built, col_cost=base_cost), built.col_lower, built.col_upper, built.integer
        )
    )
    eta = built.num_col
    u0 = eta + 1
    # HiGHS minimises: eta earns -1, each u costs 1 / (alpha S).
    costs = np.concatenate([[-1.0], np.full(s_count, 1.0 / (alpha * s_count))])
    lower = np.concatenate([[-np.inf], np.zeros(s_count)])
    upper = np.full(s_count + 1, np.inf)
    h.addCols(
        s_count + 1,
        costs,
        lower,
        upper,
        0,
        np.zeros(s_count + 1, np.int32),
        np.zeros(0, np.int32),
        np.zeros(0),
    )
    if built.seg_col.shape[1]:
        slopes = np.asarray(normalised_slopes(sc))
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
    value = np.concatenate([coef, -np.ones((s_count, 1)), np.ones((s_count, 1))], axis=1).ravel()
    h.addRows(
        s_count,
        np.zeros(s_count),
        np.full(s_count, np.inf),
        len(value),
        np.arange(0, s_count * width, width, dtype=np.int32),
        index.astype(np.int32),
        value,
    )
    return h, eta, u0


def robust_allocation(scenario: Scenario, samples: SampleSet, alpha: float) -> RobustResult:
    """The CVaR-optimal plan over ``samples`` and the expected-value plan to compare it with."""
    check_objective(scenario)
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha: {alpha} is outside (0, 1]")
    built = build_model(scenario)
    values = sample_values(built, samples)
    ev = DrawSolver(built).values(objective_vector(built, values.mean(axis=0)))
    if ev is None:
        raise ValueError(
            "scenario: the central scenario has no feasible plan; fix it on the Plan page first"
        )
    h, eta, u0 = cvar_programme(built, values, alpha)
    h.run()
    S = highspy.HighsModelStatus
    ms = h.getModelStatus()
    has = h.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
    if not (ms == S.kOptimal or (built.is_mip and ms == S.kTimeLimit and has)):
        raise ValueError(f"alpha: the CVaR programme did not solve ({h.modelStatusToString(ms)})")
    col = np.asarray(h.getSolution().col_value, np.float64)
    s_count = len(samples)
    lp_cvar = float(col[eta] - col[u0 : u0 + s_count].sum() / (alpha * s_count))
    robust = _judge(built, values, col[: built.num_col], alpha)
    expected = _judge(built, values, ev, alpha)
    return RobustResult(
        alpha=alpha,
        samples=s_count,
        robust=robust,
        expected=expected,
        lp_cvar=lp_cvar,
        expected_cost=expected.mean - robust.mean,
        cvar_gain=robust.cvar - expected.cvar,
        status="optimal" if ms == S.kOptimal else "time_limit",
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
