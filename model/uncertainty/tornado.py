"""Sensitivity, one input at a time: which uncertain inputs move the optimum most.

Each input goes to its low and its high value while every other input stays
central, and the scenario is re-solved: each candidate's returns (benefit,
enterprises and jobs together at the low or high end of their ranges), the
budget (every budget figure -/+ ``budget_swing``) and, when a cost range is set,
every candidate's cost at the range's low and high multiplier. The bars are the
optimum at both ends, largest swing first.

Units: objective in the scenario's objective units; budget swing a share 0-1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from model.allocator.api import allocate
from model.allocator.reoptimise import FloatArray
from model.allocator.scenario import MEASURES, Budget, Measure, Scenario
from model.formatting import numbers
from model.formatting.i18n import _
from model.uncertainty.drawsolve import check_objective, solve_samples
from model.uncertainty.parallel import Executor, Progress, run_draws
from model.uncertainty.sampling import FIXED_COSTS, CostRange, SampleSet, central_samples, ranges

BUDGET_SWING = 0.20
DEFAULT_TOP = 10


@dataclass(frozen=True)
class TornadoBar:
    """The optimum with one input at its low and at its high value (None: no plan)."""

    input: str
    low_label: str
    high_label: str
    objective_low: float | None
    objective_high: float | None

    @property
    def swing(self) -> float:
        """|high - low| in objective units; infinite when one end has no plan."""
        if self.objective_low is None or self.objective_high is None:
            return math.inf
        return abs(self.objective_high - self.objective_low)


@dataclass(frozen=True)
class Tornado:
    """The central optimum and the ``top`` bars with the largest swing."""

    base: float
    bars: tuple[TornadoBar, ...]
    inputs: int  # how many inputs were varied


def _objective(scenario: Scenario, samples: SampleSet) -> list[float | None]:
    r = solve_samples(scenario, samples)
    return [float(v) if ok else None for v, ok in zip(r.objective, r.ok, strict=True)]


def _optimum(scenario: Scenario) -> float | None:
    """The optimum of a changed scenario (e.g. a smaller budget), None when it has no plan.

    Not ``solve_samples``: that treats a scenario without a plan as the user's error
    ("fix it on the Plan page"), while here it is one end of a bar. A budget 20 % lower
    can miss an outcome target the stated budget just meets (issue 12 section 6).
    """
    r = allocate(scenario, explain=False, baseline=False)
    return r.objective if r.status in ("optimal", "time_limit") else None


def multiplier(value: float) -> str:
    """A cost multiplier as short as it goes ("1", "1.3"; "1,3" in es_CO)."""
    return numbers.number(value, 6).rstrip("0").rstrip(".,")


def _scaled(b: Budget, k: float) -> Budget:
    return Budget(
        total=None if b.total is None else b.total * k,
        per_year=None if b.per_year is None else tuple(v * k for v in b.per_year),
        carry_over=b.carry_over,
    )


def tornado(
    scenario: Scenario,
    costs: CostRange = FIXED_COSTS,
    *,
    budget_swing: float = BUDGET_SWING,
    top: int = DEFAULT_TOP,
    executor: Executor = "auto",
    progress: Progress | None = None,
) -> Tornado:
    """One-at-a-time sensitivity of the optimum (see module docstring)."""
    check_objective(scenario)
    if not 0 < budget_swing < 1:
        raise ValueError(_("budget_swing: {value} is outside (0, 1)").format(value=budget_swing))
    if top < 1:
        raise ValueError(_("top: {value} must be at least 1").format(value=top))
    n = len(scenario.candidates)
    base = _objective(scenario, central_samples(scenario))[0]
    if base is None:
        raise ValueError(
            _("scenario: the central scenario has no feasible plan; fix it on the Plan page first")
        )
    # Row 2i: candidate i at its low ends, row 2i + 1: at its high ends.
    outcome: dict[Measure, FloatArray] = {}
    for m, (lo, mid, hi) in ranges(scenario).items():
        grid = np.tile(mid, (2 * n, 1))
        idx = np.arange(n)
        grid[2 * idx, idx] = lo
        grid[2 * idx + 1, idx] = hi
        outcome[m] = grid
    assert set(outcome) == set(MEASURES)
    draws, _used = run_draws(scenario, SampleSet(outcome), executor, progress=progress)
    bars = []
    # Labels in the active language (they are shown, and written to the JSON as text).
    low_end, high_end = _("low end of its ranges"), _("high end of its ranges")
    for i, c in enumerate(scenario.candidates):
        lo_ok, hi_ok = draws.ok[2 * i], draws.ok[2 * i + 1]
        bars.append(
            TornadoBar(
                input=_("returns of {candidate}").format(candidate=c.id),
                low_label=low_end,
                high_label=high_end,
                objective_low=float(draws.objective[2 * i]) if lo_ok else None,
                objective_high=float(draws.objective[2 * i + 1]) if hi_ok else None,
            )
        )
    b = scenario.budget
    if scenario.rules.budget.enabled and (b.total is not None or b.per_year is not None):
        ends = []
        for k in (1 - budget_swing, 1 + budget_swing):
            ends.append(_optimum(scenario.model_copy(update={"budget": _scaled(b, k)})))
        pct = numbers.share(budget_swing)
        bars.append(TornadoBar(_("budget"), f"-{pct}", f"+{pct}", ends[0], ends[1]))
    if not costs.fixed:
        centre = central_samples(scenario, 2)
        mult = np.array([[costs.low], [costs.high]]) * np.ones((2, n))
        lo_obj, hi_obj = _objective(scenario, SampleSet(centre.outcome, mult))
        low, high = multiplier(costs.low), multiplier(costs.high)
        bars.append(TornadoBar(_("costs"), f"x{low}", f"x{high}", lo_obj, hi_obj))
    ranked = sorted(bars, key=lambda t: (-t.swing, t.input))
    return Tornado(base=base, bars=tuple(ranked[:top]), inputs=len(bars))
