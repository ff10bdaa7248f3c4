"""Seeded draws of candidates' returns and costs from their evidence ranges.

A candidate states each outcome as (low, central, high) at full scale: benefit
(US$), enterprises reached and jobs. A draw takes one quantile u in 0-1 per
candidate and reads all three outcomes at that quantile (a candidate that does
well, does well on every measure), from a triangular distribution with the
central value as its mode or a uniform one over the range.

Candidates carry no cost range, so costs are fixed unless the user sets a cost
multiplier range (low, mode, high; e.g. 1.0, 1.0, 1.3 for overruns up to 30 %),
drawn per candidate and applied to every year's full cost.

All draws are made up front, from one ``numpy.random.default_rng(seed)``, as
arrays of shape (draws, candidates): results never depend on how the draws are
later split among workers. The columns are drawn in the order of the candidates'
ids, so the same scenario listed in another order (the Plan page lists a dataset by
id, a scenario file as written) gets the same draws for each candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from model.allocator.reoptimise import FloatArray
from model.allocator.scenario import MEASURES, Measure, Scenario
from model.formatting.i18n import _

Distribution = Literal["triangular", "uniform"]
DISTRIBUTIONS: tuple[Distribution, ...] = ("triangular", "uniform")
MAX_DRAWS = 100_000


@dataclass(frozen=True)
class CostRange:
    """Multiplier (share of the stated full cost, 1.0 = as stated) drawn per candidate."""

    low: float = 1.0
    mode: float = 1.0
    high: float = 1.0

    def __post_init__(self) -> None:
        for name in ("low", "mode", "high"):
            v = getattr(self, name)
            if not np.isfinite(v):
                raise ValueError(
                    _("cost_range.{field}: multiplier {value} is not a finite number").format(
                        field=name, value=v
                    )
                )
        if self.low <= 0:
            raise ValueError(
                _("cost_range.low: multiplier {value} must be positive").format(value=self.low)
            )
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                _("cost_range: need low <= mode <= high, got {low}, {mode}, {high}").format(
                    low=self.low, mode=self.mode, high=self.high
                )
            )

    @property
    def fixed(self) -> bool:
        """True when every draw keeps the stated costs."""
        return self.low == self.high == 1.0


FIXED_COSTS = CostRange()


@dataclass(frozen=True)
class DrawSpec:
    """How to draw: count, seed, distribution and the cost multiplier range."""

    draws: int
    seed: int = 1
    distribution: Distribution = "triangular"
    costs: CostRange = FIXED_COSTS

    def __post_init__(self) -> None:
        if not 1 <= self.draws <= MAX_DRAWS:
            raise ValueError(
                _("draws: {draws} is outside 1-{most}").format(draws=self.draws, most=MAX_DRAWS)
            )
        if self.seed < 0:
            raise ValueError(_("seed: {seed} is negative").format(seed=self.seed))
        if self.distribution not in DISTRIBUTIONS:
            raise ValueError(
                _("distribution: {value} is not one of {choices}").format(
                    value=repr(self.distribution), choices=", ".join(DISTRIBUTIONS)
                )
            )


@dataclass(frozen=True, eq=False)
class SampleSet:
    """Outcome values at full scale per draw and candidate, shape (draws, candidates).

    ``outcome[m]``: benefit (US$), enterprises or jobs; ``cost_multiplier``: share of
    the stated full cost (None when costs are fixed); ``objective_only``: outcome targets
    stay where the scenario states them instead of following each draw (the value of
    information holds them at their expected values, see ``voi``).
    """

    outcome: dict[Measure, FloatArray]
    cost_multiplier: FloatArray | None = None
    objective_only: bool = False

    def __len__(self) -> int:
        return int(self.outcome["benefit"].shape[0])

    @property
    def candidates(self) -> int:
        return int(self.outcome["benefit"].shape[1])

    def part(self, start: int, stop: int) -> SampleSet:
        """Draws ``start`` to ``stop`` (a chunk for one worker)."""
        cm = self.cost_multiplier
        return SampleSet(
            {m: v[start:stop] for m, v in self.outcome.items()},
            None if cm is None else cm[start:stop],
            self.objective_only,
        )


def ranges(scenario: Scenario) -> dict[Measure, tuple[FloatArray, FloatArray, FloatArray]]:
    """(low, central, high) of each measure per candidate, at full scale."""
    out: dict[Measure, tuple[FloatArray, FloatArray, FloatArray]] = {}
    for m in MEASURES:
        lo, mid, hi = (
            np.array([getattr(c, f"{m}{suffix}") for c in scenario.candidates], np.float64)
            for suffix in ("_low", "", "_high")
        )
        out[m] = (lo, mid, hi)
    return out


def quantile(
    u: FloatArray,
    low: FloatArray | float,
    mode: FloatArray | float,
    high: FloatArray | float,
    distribution: Distribution,
) -> FloatArray:
    """Inverse distribution function at quantiles ``u`` (0-1), broadcast over candidates."""
    a = np.broadcast_to(np.asarray(low, np.float64), u.shape)
    c = np.broadcast_to(np.asarray(mode, np.float64), u.shape)
    b = np.broadcast_to(np.asarray(high, np.float64), u.shape)
    width = b - a
    if distribution == "uniform":
        out: FloatArray = a + u * width
        return out
    with np.errstate(invalid="ignore", divide="ignore"):
        # Where the range is empty every draw is the stated value.
        split = np.where(width > 0, (c - a) / np.where(width > 0, width, 1.0), 0.0)
        left = a + np.sqrt(u * width * (c - a))
        right = b - np.sqrt((1.0 - u) * width * (b - c))
    out = np.where(u < split, left, right)
    return np.where(width > 0, out, a)


def draw_samples(scenario: Scenario, spec: DrawSpec) -> SampleSet:
    """All draws of ``spec`` for the scenario's candidates (see module docstring)."""
    rng = np.random.default_rng(spec.seed)
    n = len(scenario.candidates)
    # Column j of the generator's output belongs to the j-th candidate by id (see the
    # module docstring); ``order`` puts it back in the scenario's order.
    order = np.argsort(np.argsort([c.id for c in scenario.candidates], kind="stable"))
    # Return quantiles first, so the same seed gives the same returns with or without
    # cost draws.
    u = rng.random((spec.draws, n))[:, order]
    outcome: dict[Measure, FloatArray] = {
        m: quantile(u, lo, mid, hi, spec.distribution)
        for m, (lo, mid, hi) in ranges(scenario).items()
    }
    multiplier = None
    if not spec.costs.fixed:
        k = spec.costs
        u_cost = rng.random((spec.draws, n))[:, order]
        multiplier = quantile(u_cost, k.low, k.mode, k.high, spec.distribution)
    return SampleSet(outcome, multiplier)


def means(scenario: Scenario, distribution: Distribution) -> dict[Measure, FloatArray]:
    """Each measure's expected value per candidate under ``distribution``: the triangular
    mean (low + mode + high) / 3, or the uniform mean (low + high) / 2."""
    out: dict[Measure, FloatArray] = {}
    for m, (lo, mid, hi) in ranges(scenario).items():
        out[m] = (lo + mid + hi) / 3.0 if distribution == "triangular" else (lo + hi) / 2.0
    return out


def central_samples(scenario: Scenario, rows: int = 1) -> SampleSet:
    """``rows`` copies of the stated central values (costs as stated)."""
    return SampleSet(
        {m: np.tile(mid, (rows, 1)) for m, (_lo, mid, _hi) in ranges(scenario).items()}
    )


def cvar(values: FloatArray, alpha: float) -> float:
    """Conditional value at risk: the mean of the worst ``alpha`` share (0-1] of ``values``.

    With ``alpha * len(values)`` not a whole number the boundary draw counts in
    part, exactly as the Rockafellar-Uryasev programme values it
    (max over eta of eta - sum(max(eta - v, 0)) / (alpha * S)).
    """
    if not 0 < alpha <= 1:
        raise ValueError(_("alpha: {alpha} is outside (0, 1]").format(alpha=alpha))
    v = np.sort(np.asarray(values, np.float64))
    if len(v) == 0:
        raise ValueError(_("values: no draws to take the CVaR of"))
    m = alpha * len(v)
    k = min(int(np.floor(m)), len(v))
    total = float(v[:k].sum())
    if k < len(v) and m > k:
        total += (m - k) * float(v[k])
    return total / m
