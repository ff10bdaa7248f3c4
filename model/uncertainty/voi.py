"""Value of information: what better evidence could add to this decision (EVPI, EVPPI).

Here-and-now, a ministry picks one plan before the returns are known; the best it can
do on the evidence it has is the *expected-value plan* x_EV, which maximises the
expected objective. Because a plan's objective is linear in the candidates' returns
theta (``V(x, theta) = sum_c theta_c a_c(x)``, ``a_c`` its reach), that is the
allocator's optimum at the mean returns (``sampling.means``), not at the stated
central values.

- EVPI, the expected value of perfect information, is E[max_x V(x, theta)] -
  E[V(x_EV, theta)]: how much more a decision-maker who knew every return before
  deciding would earn on average; the most any evaluation could add.
- EVPPI of a group phi of inputs (one candidate's returns; every cluster initiative's
  returns; ...) is E_phi[max_x E[V(x, theta) | phi]] - E[V(x_EV, theta)]: the value of
  learning phi exactly, e.g. by an impact evaluation, before deciding.

Estimator. The inputs of different candidates are drawn independently and V is
linear in them, so the inner expectation is exact: E[V(x, theta) | phi] =
V(x, theta_phi with every other input at its mean). One outer Monte Carlo loop is then
enough (Brennan, Kharroubi, O'Hagan and Chilcott 2007, "Calculating partial expected
value of perfect information via Monte Carlo sampling algorithms", Medical Decision
Making 27(4): 448-470, the case of a net benefit linear in independent inputs): for
each draw s, solve the allocator with phi at its drawn value and the rest at their
means. Each draw contributes the paired difference

    d_s = max_x V(x, theta_s^phi) - V(x_EV, theta_s^phi)  >= 0,

whose mean is the EVPPI (the second term has expectation E[V(x_EV, theta)]) and whose
standard deviation / sqrt(draws) is its Monte Carlo standard error. With phi = every
input, d_s is the per-draw EVPI term, so EVPPI(all) = EVPI on the same draws.

For one candidate's returns the conditional optimum M(t) = max_x V(x, theta with
theta_c = t) is convex and piecewise linear in t (the maximum of linear functions),
so it is found exactly on the candidate's range by a handful of solves: solve at both
ends, then where the two tangent lines meet, and split until no new piece appears
(the classic exact method for a parametric objective). Every draw then reads M off
those lines, so the per-candidate EVPPI of 200 candidates costs a few hundred solves,
not 200 x draws.

What the draws assume (as ``sampling``): returns vary, costs as stated; outcome
targets, if any, are held at their expected values (the matrix does not change), so
the value of information is about the objective. Units: objective units (US$ of
benefit, enterprises, jobs or weighted).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal

import numpy as np

from model.allocator.reoptimise import FloatArray, Reoptimiser, curve
from model.allocator.scenario import Measure, Scenario
from model.formatting import numbers
from model.formatting.i18n import N_, Labels, _
from model.uncertainty.drawsolve import DrawResults, NoPlan, check_objective, perturbed
from model.uncertainty.parallel import Executor, choose, map_spans, run_draws
from model.uncertainty.sampling import FIXED_COSTS, DrawSpec, SampleSet, draw_samples, means

# Stored in English (the JSON's "estimator"); shown translated: ``_(v.estimator)``.
ESTIMATOR = N_(
    "one-level Monte Carlo with the inner expectation taken exactly, valid because the "
    "objective is linear in independently drawn returns (Brennan, Kharroubi, O'Hagan and "
    "Chilcott, Medical Decision Making 2007); single candidates by exact parametric "
    "re-solves over their range"
)
GroupKind = Literal["all", "candidate", "instrument", "instrument in region"]
# One evaluation of every candidate of an instrument, or of an instrument in one region.
INSTRUMENT_RETURNS = Labels(
    {
        "cluster_initiative": N_("the cluster initiatives' returns"),
        "broker_programme": N_("the broker programmes' returns"),
        "matching_grant": N_("the matching grants' returns"),
    }
)
REGION_RETURNS = Labels(
    {
        "cluster_initiative": N_("{region}'s cluster initiatives' returns"),
        "broker_programme": N_("{region}'s broker programmes' returns"),
        "matching_grant": N_("{region}'s matching grants' returns"),
    }
)
# Splitting a candidate's range stops when a new solve beats the known lines by less
# than this share of the objective (its round-off; the spending tie-break is 1e-6 of
# the lowest return per dollar times the money spent).
LINE_REL_TOL = 1e-7
MAX_SOLVES_PER_CANDIDATE = 40
StageProgress = Callable[[str, int, int], None]  # (stage, done, in all)


@dataclass(frozen=True)
class GroupValue:
    """The EVPPI of one group of inputs (objective units) and its standard error."""

    kind: GroupKind
    label: str
    members: tuple[str, ...]
    evppi: float
    se: float


@dataclass(frozen=True, eq=False)
class ValueOfInformation:
    """EVPI and the ranked EVPPIs of one scenario (see module docstring).

    ``expected_value``: E[V(x_EV, theta)], the expected-value plan's expected objective;
    ``wait_and_see``: mean over the draws of the optimum with returns known;
    ``ev_scale``: the expected-value plan (0-1 per candidate).
    """

    scenario: str
    objective_kind: str
    spec: DrawSpec
    draws: int
    expected_value: float
    wait_and_see: float
    evpi: float
    evpi_se: float
    ev_scale: dict[str, float]
    groups: tuple[GroupValue, ...]
    estimator: str
    seconds: dict[str, float]


@dataclass(frozen=True, eq=False)
class Setup:
    """What every estimate shares: the scenario solved (targets at expected values),
    the return draws, values per draw ``per_unit`` (draws x candidates, objective
    units at full scale) and the expected-value plan's reach ``ev_reach``."""

    scenario: Scenario
    samples: SampleSet
    mean: dict[Measure, FloatArray]
    per_unit: FloatArray
    mean_per_unit: FloatArray
    ev_scale: FloatArray
    ev_reach: FloatArray
    ev_value: float


def setup(scenario: Scenario, spec: DrawSpec) -> Setup:
    """Draw the returns (costs as stated) and find the expected-value plan."""
    check_objective(scenario)
    samples = draw_samples(scenario, DrawSpec(spec.draws, spec.seed, spec.distribution))
    mean = means(scenario, spec.distribution)
    solved = scenario
    if scenario.objective.targets:
        # Target rows at the expected returns: the matrix then stays fixed across draws.
        solved = perturbed(scenario, SampleSet({m: v[None, :] for m, v in mean.items()}), 0)
    ro = Reoptimiser(solved)
    if ro.central is None:
        raise NoPlan(
            _("scenario: the central scenario has no feasible plan; fix it on the Plan page first")
        )
    mean_pu = ro.per_unit(mean)
    ev = ro.solve(mean_pu)
    if ev is None:
        raise NoPlan(_("scenario: no plan at the expected returns; relax the rules"))
    reach = curve(solved, ev.scale)
    return Setup(
        scenario=solved,
        samples=SampleSet(samples.outcome, None, objective_only=True),
        mean=mean,
        per_unit=ro.per_unit(samples.outcome),
        mean_per_unit=mean_pu,
        ev_scale=ev.scale,
        ev_reach=reach,
        ev_value=float(mean_pu @ reach),
    )


def _estimate(d: FloatArray) -> tuple[float, float]:
    """Mean and its Monte Carlo standard error."""
    n = len(d)
    if n == 0:
        raise ValueError(_("draws: no draw found a plan"))
    se = float(d.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    return float(d.mean()), se


def conditional(s: Setup, members: FloatArray | list[int]) -> SampleSet:
    """Draws with the ``members``' returns as drawn and every other return at its mean."""
    idx = np.asarray(members, np.int64)
    out: dict[Measure, FloatArray] = {}
    for m, v in s.samples.outcome.items():
        rows = np.tile(s.mean[m], (v.shape[0], 1))
        rows[:, idx] = v[:, idx]
        out[m] = rows
    return SampleSet(out, None, objective_only=True)


def group_evppi(
    s: Setup,
    members: FloatArray | list[int],
    executor: Executor = "serial",
    *,
    workers: int = 2,
    address: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[float, float, DrawResults]:
    """EVPPI of the returns of candidates ``members`` (indices) and its standard error,
    one re-solve per draw; also the draws' optima."""
    cond = conditional(s, members)
    draws, _used = run_draws(
        s.scenario, cond, executor, workers=workers, address=address, progress=progress
    )
    idx = np.asarray(members, np.int64)
    # The objective is linear in the outcomes: members' values as drawn, the rest at the mean.
    per_unit = np.tile(s.mean_per_unit, (len(cond), 1))
    per_unit[:, idx] = s.per_unit[:, idx]
    ok = draws.ok
    d = draws.objective[ok] - per_unit[ok] @ s.ev_reach
    value, se = _estimate(d)
    return value, se, draws


def candidate_lines(
    scenario: Scenario, mean_per_unit: FloatArray, lo: FloatArray, hi: FloatArray, a: int, b: int
) -> list[FloatArray]:
    """For candidates a..b-1: the lines (intercept, slope) whose maximum is the optimum
    as a function of that candidate's value per unit t on [lo, hi], others at the mean."""
    ro = Reoptimiser(scenario)
    return [_lines(ro, mean_per_unit, c, float(lo[c]), float(hi[c])) for c in range(a, b)]


def _lines(ro: Reoptimiser, mean_pu: FloatArray, c: int, lo: float, hi: float) -> FloatArray:
    scale_tol = LINE_REL_TOL * max(1.0, float(np.abs(mean_pu).sum()))

    def point(t: float) -> tuple[float, float]:
        pu = mean_pu.copy()
        pu[c] = t
        plan = ro.solve(pu)
        if plan is None:
            raise ValueError(
                _("candidate {candidate}: no plan at value {value}").format(
                    candidate=ro.arrays.ids[c], value=numbers.number(t, 2)
                )
            )
        reach = curve(ro.scenario, plan.scale)
        g = float(reach[c])
        return float(pu @ reach) - g * t, g

    found = [point(lo)]
    if hi > lo:
        found.append(point(hi))
    stack = [(found[0], found[-1])]
    while stack and len(found) < MAX_SOLVES_PER_CANDIDATE:
        (a1, g1), (a2, g2) = stack.pop()
        if g2 - g1 <= 1e-12:
            continue
        t = (a1 - a2) / (g2 - g1)  # where the two tangent lines meet
        new = point(t)
        found.append(new)
        if new[0] + new[1] * t <= a1 + g1 * t + scale_tol:
            continue  # the optimum at t is on the known lines: no piece in between
        stack += [((a1, g1), new), (new, (a2, g2))]
    return np.array(found)


def candidate_evppi(s: Setup, lines: list[FloatArray]) -> tuple[FloatArray, FloatArray]:
    """EVPPI and standard error of every candidate's returns, from its lines."""
    n = s.per_unit.shape[1]
    value, se = np.zeros(n), np.zeros(n)
    for c in range(n):
        t = s.per_unit[:, c]
        g_ev = float(s.ev_reach[c])
        a_ev = s.ev_value - g_ev * float(s.mean_per_unit[c])
        ls = np.vstack([lines[c], [[a_ev, g_ev]]])
        best = (ls[:, 0][None, :] + ls[:, 1][None, :] * t[:, None]).max(axis=1)
        value[c], se[c] = _estimate(best - (a_ev + g_ev * t))
    return value, se


def groups_of(scenario: Scenario, by_region: bool) -> list[tuple[GroupKind, str, list[int]]]:
    """Groups one evaluation could settle, beyond single candidates: each instrument's
    candidates, and (``by_region``) each instrument within each region; only groups of
    two or more (a group of one is that candidate)."""
    out: list[tuple[GroupKind, str, list[int]]] = []
    cands = scenario.candidates
    for kind in INSTRUMENT_RETURNS:
        idx = [i for i, c in enumerate(cands) if c.kind == kind]
        if len(idx) >= 2:
            out.append(("instrument", INSTRUMENT_RETURNS[kind], idx))
    if by_region:
        for r in sorted({c.region for c in cands}):
            for kind in REGION_RETURNS:
                idx = [i for i, c in enumerate(cands) if c.kind == kind and c.region == r]
                if len(idx) >= 2:
                    out.append(("instrument in region", REGION_RETURNS[kind].format(region=r), idx))
    return out


def value_of_information(
    scenario: Scenario,
    spec: DrawSpec,
    executor: Executor = "auto",
    *,
    workers: int = 2,
    address: str | None = None,
    by_region: bool = False,
    progress: StageProgress | None = None,
) -> ValueOfInformation:
    """EVPI and the EVPPI of every candidate and instrument (see module docstring)."""
    t0 = time.perf_counter()
    s = setup(scenario, spec)
    used = choose(s.scenario, s.samples, executor)
    seconds: dict[str, float] = {}

    def stage(name: str) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        return lambda done, total: progress(name, done, total)

    t = time.perf_counter()
    ws, _used = run_draws(
        s.scenario,
        s.samples,
        used,
        workers=workers,
        address=address,
        progress=stage(_("wait-and-see optimum per draw")),
    )
    ok = ws.ok
    evpi, evpi_se = _estimate(ws.objective[ok] - s.per_unit[ok] @ s.ev_reach)
    seconds["evpi"] = time.perf_counter() - t

    t = time.perf_counter()
    n = s.per_unit.shape[1]
    task = partial(
        candidate_lines,
        s.scenario,
        s.mean_per_unit,
        s.per_unit.min(axis=0),
        s.per_unit.max(axis=0),
    )
    parts = map_spans(
        task,
        n,
        used,
        workers=workers,
        address=address,
        progress=stage(_("each candidate's returns")),
        serial_chunk=max(1, n // 10),
    )
    lines = [ln for part in parts for ln in part]
    cand_value, cand_se = candidate_evppi(s, lines)
    ids = tuple(c.id for c in scenario.candidates)
    groups = [
        GroupValue("candidate", f"{c.name} ({c.id})", (c.id,), float(v), float(e))
        for c, v, e in zip(scenario.candidates, cand_value, cand_se, strict=True)
    ]
    seconds["candidates"] = time.perf_counter() - t

    t = time.perf_counter()
    for kind, label, idx in groups_of(scenario, by_region):
        value, se, _draws = group_evppi(
            s, idx, used, workers=workers, address=address, progress=stage(label)
        )
        groups.append(GroupValue(kind, label, tuple(ids[i] for i in idx), value, se))
    seconds["groups"] = time.perf_counter() - t
    seconds["total"] = time.perf_counter() - t0
    ranked = sorted(groups, key=lambda g: (-g.evppi, g.kind, g.label))
    return ValueOfInformation(
        scenario=scenario.name,
        objective_kind=scenario.objective.kind,
        spec=DrawSpec(spec.draws, spec.seed, spec.distribution, FIXED_COSTS),
        draws=int(ok.sum()),
        expected_value=s.ev_value,
        wait_and_see=float(ws.objective[ok].mean()),
        evpi=evpi,
        evpi_se=evpi_se,
        ev_scale={c: float(v) for c, v in zip(ids, s.ev_scale, strict=True)},
        groups=tuple(ranked),
        estimator=ESTIMATOR,
        seconds=seconds,
    )
