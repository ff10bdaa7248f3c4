"""Candidate data as numpy arrays on the plan-year grid (what the builder and greedy use).

A candidate operating in years of operation k = 1..K that starts in plan year s
occupies plan years t = s + k - 1. Years after the horizon are cut off; its
full-scale outcomes are then prorated by ``in_horizon`` (the share 0-1 of its
total cost that falls inside the horizon), so buying part of a candidate's
life buys the same part of its outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from model.allocator.scenario import MEASURES, Measure, Scenario
from model.candidates import KINDS

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class CandidateArrays:
    """Column-wise candidate data; row i is ``scenario.candidates[i]``.

    ``cost[i, t-1]``: full cost (US$) in plan year t, 0 outside operation;
    ``fee[i, t-1]``: fee share (0-1) in plan year t (cost recovery schedule);
    ``outcome[m][i]``: measure m at full scale, prorated to the horizon.
    """

    ids: tuple[str, ...]
    kind: IntArray  # index into model.candidates.KINDS
    region: tuple[str, ...]
    cost: FloatArray
    fee: FloatArray
    floor: FloatArray
    ceiling: FloatArray
    in_horizon: FloatArray
    outcome: dict[Measure, FloatArray]
    networks_needed: FloatArray
    networks_served: FloatArray
    partner_match: FloatArray  # US$ committed by partners at full scale
    match_cap: FloatArray  # least of match_ratio x partner_match and grant_cap; inf if none
    eligible: BoolArray

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def horizon(self) -> int:
        return int(self.cost.shape[1])


def candidate_arrays(scenario: Scenario) -> CandidateArrays:
    """Extract the arrays (one pass over the candidates)."""
    h = scenario.horizon_years
    cands = scenario.candidates
    n = len(cands)
    cost = np.zeros((n, h))
    fee = np.zeros((n, h))
    kind_index = {k: i for i, k in enumerate(KINDS)}
    kind = np.fromiter((kind_index[c.kind] for c in cands), dtype=np.int64, count=n)
    in_horizon = np.zeros(n)
    match_cap = np.full(n, np.inf)
    for i, c in enumerate(cands):
        s = c.start_year - 1
        k_in = max(0, min(len(c.cost_by_year), h - s))
        if k_in:
            cost[i, s : s + k_in] = c.cost_by_year[:k_in]
            if c.fee_schedule:
                fee[i, s : s + k_in] = [c.fee_share(k) for k in range(1, k_in + 1)]
        in_horizon[i] = sum(c.cost_by_year[:k_in]) / c.total_cost
        if c.match_ratio is not None:
            match_cap[i] = c.match_ratio * c.partner_match
        if c.grant_cap is not None:
            match_cap[i] = min(match_cap[i], c.grant_cap)
    outcome: dict[Measure, FloatArray] = {
        m: np.fromiter((getattr(c, m) for c in cands), dtype=np.float64, count=n) * in_horizon
        for m in MEASURES
    }
    return CandidateArrays(
        ids=tuple(c.id for c in cands),
        kind=kind,
        region=tuple(c.region for c in cands),
        cost=cost,
        fee=fee,
        floor=np.fromiter((c.public_share_floor for c in cands), np.float64, n),
        ceiling=np.fromiter((c.public_share_ceiling for c in cands), np.float64, n),
        in_horizon=in_horizon,
        outcome=outcome,
        networks_needed=np.fromiter((c.networks_needed for c in cands), np.float64, n),
        networks_served=np.fromiter((c.networks_served for c in cands), np.float64, n),
        partner_match=np.fromiter((c.partner_match for c in cands), np.float64, n),
        match_cap=match_cap,
        eligible=np.fromiter((c.eligible for c in cands), np.bool_, n),
    )


def objective_weights(scenario: Scenario) -> dict[Measure, float]:
    """Weight of each measure in the maximised objective (empty for ``min_cost``)."""
    obj = scenario.objective
    if obj.kind == "min_cost":
        return {}
    if obj.kind == "weighted":
        return {m: float(w) for m, w in obj.weights.items() if w != 0}
    return {obj.kind: 1.0}


def outcome_value(scenario: Scenario, arrays: CandidateArrays, scale: FloatArray) -> FloatArray:
    """Objective value of each candidate at scale ``scale`` (0-1), diminishing returns applied."""
    weights = objective_weights(scenario)
    per_unit = sum((w * arrays.outcome[m] for m, w in weights.items()), np.zeros(arrays.n))
    return per_unit * curve(scenario, scale)


def curve(scenario: Scenario, scale: FloatArray) -> FloatArray:
    """Share (0-1) of the full-scale outcome reached at scale ``scale``."""
    dr = scenario.objective.diminishing_returns
    if not dr.enabled:
        return np.asarray(scale, dtype=np.float64)
    slopes = normalised_slopes(scenario)
    out = np.zeros_like(scale, dtype=np.float64)
    left = 0.0
    for length, slope in zip(dr.segment_lengths, slopes, strict=True):
        out += slope * np.clip(scale - left, 0.0, length)
        left += length
    return out


def normalised_slopes(scenario: Scenario) -> tuple[float, ...]:
    """Segment slopes scaled so the full-scale outcome is unchanged."""
    dr = scenario.objective.diminishing_returns
    total = sum(s * v for s, v in zip(dr.relative_slopes, dr.segment_lengths, strict=True))
    return tuple(s / total for s in dr.relative_slopes)
