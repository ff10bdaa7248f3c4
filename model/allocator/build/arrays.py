"""Candidate data as numpy arrays on the plan-year grid (what the builder and greedy use).

A candidate operating in years of operation k = 1..K that starts in plan year s
occupies plan years t = s + k - 1. Years after the horizon are cut off; its
full-scale outcomes are then prorated by ``in_horizon`` (the share 0-1 of its
total cost that falls inside the horizon), so buying part of a candidate's
life buys the same part of its outcomes.
"""

from __future__ import annotations

import itertools
import operator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from model.allocator.scenario import MEASURES, Measure, Scenario
from model.domain.candidates import KINDS

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
    kind: IntArray  # index into model.domain.candidates.KINDS
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


# Numeric candidate fields read into one float matrix (``eligible`` as 0/1).
NUMERIC = (
    "public_share_floor",
    "public_share_ceiling",
    "networks_needed",
    "networks_served",
    "partner_match",
    "eligible",
)


def candidate_arrays(scenario: Scenario) -> CandidateArrays:
    """Extract the arrays: one pass reading each candidate's fields, the rest in numpy
    (pydantic attribute reads and per-year Python loops took ~0.15 s at 10,000)."""
    h = scenario.horizon_years
    cands = scenario.candidates
    n = len(cands)
    kind_index = {k: i for i, k in enumerate(KINDS)}
    # attrgetter reads every field of a candidate in one C call.
    fields = list(
        map(
            operator.attrgetter(
                "kind",
                "start_year",
                "cost_by_year",
                "fee_schedule",
                "match_ratio",
                "grant_cap",
                "partner_match",
                "id",
                "region",
            ),
            cands,
        )
    )
    numeric = np.array(list(map(operator.attrgetter(*NUMERIC, *MEASURES), cands)), np.float64)
    numeric = numeric.reshape(n, len(NUMERIC) + len(MEASURES))
    col = {name: numeric[:, k] for k, name in enumerate((*NUMERIC, *MEASURES))}
    kind = np.fromiter((kind_index[f[0]] for f in fields), dtype=np.int64, count=n)
    start = np.fromiter((f[1] for f in fields), dtype=np.int64, count=n) - 1
    years = [f[2] for f in fields]
    lengths = np.fromiter(map(len, years), dtype=np.int64, count=n)
    width = int(lengths.max(initial=0))
    # Costs by year of operation, zero-padded: cumsum adds left to right as Python's sum does.
    by_op = np.zeros((n, max(width, 1)))
    by_op[np.arange(width) < lengths[:, None]] = np.fromiter(
        itertools.chain.from_iterable(years), np.float64, int(lengths.sum())
    )
    k_in = np.clip(np.minimum(lengths, h - start), 0, None)
    run = np.cumsum(by_op, axis=1)
    rows = np.arange(n)
    inside = np.where(k_in > 0, run[rows, np.maximum(k_in - 1, 0)], 0.0)
    in_horizon = inside / run[rows, np.maximum(lengths - 1, 0)]
    # Plan year t of candidate i is its year of operation t - start + 1 (1-based).
    op = np.arange(h)[None, :] - start[:, None]
    live = (op >= 0) & (op < k_in[:, None])
    cost = np.where(live, by_op[rows[:, None], np.clip(op, 0, max(width - 1, 0))], 0.0)
    fee = np.zeros((n, h))
    sched = [f[3] for f in fields]
    s_len = np.fromiter(map(len, sched), dtype=np.int64, count=n)
    if s_len.any():
        flat = np.fromiter(itertools.chain.from_iterable(sched), np.float64, int(s_len.sum()))
        offset = np.concatenate([[0], np.cumsum(s_len)[:-1]])
        # The last share holds after the schedule ends.
        at = offset[:, None] + np.clip(np.minimum(op + 1, s_len[:, None]) - 1, 0, None)
        has = live & (s_len[:, None] > 0)
        fee[has] = flat[np.minimum(at, len(flat) - 1)][has]
    match_cap = np.full(n, np.inf)
    for i, f in enumerate(fields):
        if f[4] is not None:
            match_cap[i] = f[4] * f[6]
        if f[5] is not None:
            match_cap[i] = min(match_cap[i], f[5])
    outcome: dict[Measure, FloatArray] = {m: col[m] * in_horizon for m in MEASURES}
    return CandidateArrays(
        ids=tuple(f[7] for f in fields),
        kind=kind,
        region=tuple(f[8] for f in fields),
        cost=cost,
        fee=fee,
        floor=col["public_share_floor"].copy(),
        ceiling=col["public_share_ceiling"].copy(),
        in_horizon=in_horizon,
        outcome=outcome,
        networks_needed=col["networks_needed"].copy(),
        networks_served=col["networks_served"].copy(),
        partner_match=col["partner_match"].copy(),
        match_cap=match_cap,
        eligible=col["eligible"] != 0,
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


def min_public(scenario: Scenario, arr: CandidateArrays | None = None) -> FloatArray:
    """Least public money (US$) per unit of scale, by candidate and plan year."""
    arr = candidate_arrays(scenario) if arr is None else arr
    if not scenario.rules.subsidy_band.enabled:
        return np.zeros_like(arr.cost)
    # The partner-match limit (total over the horizon) met by raising every year's share.
    with np.errstate(divide="ignore", invalid="ignore"):
        total = arr.cost.sum(axis=1)
        match_share = np.where(
            (arr.partner_match > 0) & (total > 0),
            1 - arr.partner_match * arr.in_horizon / np.where(total > 0, total, 1.0),
            0.0,
        )
    share = np.maximum(arr.floor, match_share)
    return arr.cost * share[:, None]
