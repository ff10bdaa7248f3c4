"""Typed results of an allocation, and their JSON form.

Units: money US$ (the scenario's price year), scale 0-1 of full scale, plan
years 1..H. ``shadow_price`` is the change of the reported objective per unit
increase of the constraint's right-hand side (US$1 for money rows), the same
sign and meaning for HiGHS and CBC.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ConstraintReport:
    """One constraint (row) of the model, named as the builder names it."""

    name: str
    family: str
    sense: str  # "<=", ">=" or "="
    rhs: float
    activity: float
    slack: float
    shadow_price: float
    binding: bool
    sentence: str


@dataclass(frozen=True)
class UnfundedReport:
    """Why a candidate got nothing and what would change that.

    ``return_rise``: how much (share, 0.25 = +25 %) its objective value per
    public dollar would have to rise; ``cost_fall``: how much (share) its public
    cost would have to fall; None when that lever cannot work.
    """

    candidate: str
    reason: str
    return_per_public_dollar: float | None
    return_rise: float | None
    cost_fall: float | None
    sentence: str


@dataclass(frozen=True)
class RelaxationStep:
    """One rule to relax to make an infeasible scenario feasible, and by how much.

    ``target`` is the scenario field to change, as a JSON path (``budget.per_year[0]``,
    ``rules.policy_mix.lagging_min_share``, ``rules.candidate_limits.locked[C-01,2]``),
    and ``new_value`` its relaxed value in that field's unit (US$, share 0-1, scale
    0-1, networks, or the target's unit). Both are empty when the rule is a
    candidate's own data (subsidy band, fees, grant terms, eligibility): those are
    changed in the candidate table, not in the scenario's rules.
    """

    rule: str
    family: str
    amount: float  # in the row's own unit (US$ for money rows)
    sentence: str
    target: str = ""
    new_value: float | None = None


@dataclass(frozen=True)
class Baseline:
    """The greedy baseline and how the optimum compares."""

    objective: float
    public_cost: float
    feasible: bool
    violations: tuple[str, ...]
    gain: float  # optimum minus greedy, in objective units (for min_cost: greedy cost - optimum)
    sentence: str


@dataclass(frozen=True)
class AllocationResult:
    """Everything an allocation run returns (see module docstring for units)."""

    scenario: str
    status: str  # optimal | time_limit | infeasible | unbounded | error
    solver: str
    objective_kind: str
    objective: float | None
    funding: dict[str, tuple[float, ...]]
    scale: dict[str, float]
    funding_by_source: dict[str, dict[str, float]]
    totals_by_kind: dict[str, float]
    totals_by_region: dict[str, float]
    totals_by_year: tuple[float, ...]
    totals_by_source: dict[str, float]
    total_public: float
    budget_available: float | None
    unallocated: float | None
    unallocated_sentence: str
    outcomes: dict[str, float]
    return_per_public_dollar: float | None
    fee_revenue: float
    constraints: tuple[ConstraintReport, ...]
    constraints_omitted: int
    unfunded: tuple[UnfundedReport, ...]
    greedy: Baseline | None
    is_mip: bool
    gap: float | None
    duals_note: str
    relaxation: tuple[RelaxationStep, ...]
    seconds: dict[str, float] = field(default_factory=dict)
    message: str = ""

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"

    def constraint(self, name: str) -> ConstraintReport:
        """The report of the constraint called ``name`` (KeyError if not reported)."""
        for c in self.constraints:
            if c.name == name:
                return c
        raise KeyError(name)


def _clean(v: Any) -> Any:
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {str(k): _clean(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_clean(x) for x in v]
    return v


def result_to_json(result: AllocationResult) -> dict[str, Any]:
    """A JSON-ready dict with a top-level numeric ``objective`` (null when infeasible)."""
    out: dict[str, Any] = _clean(asdict(result))
    return out
