"""Typed results of an allocation, and their JSON form.

Units: money US$ (the scenario's price year), scale 0-1 of full scale, plan
years 1..H. ``shadow_price`` is the change of the reported objective per unit
increase of the constraint's right-hand side (US$1 for money rows), the same
sign and meaning for HiGHS and CBC.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import orjson

from model.allocator.build.lp import PORTFOLIO_RULES


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
    rule: str = ""  # the builder's row prefix, e.g. "budget_year"
    index: str = ""  # the builder's row label, e.g. "1" or "C-01,2" ("" when none)
    portfolio: bool = False  # a rule on the whole portfolio, not on one candidate


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


# orjson encodes the dataclasses as they are (no ``asdict`` deep copy, no ``_clean`` walk) and
# writes non-finite floats as null, as ``_clean`` does; numpy scalars and non-str keys too.
_ORJSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def result_json_bytes(result: AllocationResult, *, indent: bool = True) -> bytes:
    """``result_to_json(result)`` as UTF-8 JSON text (2-space indent, final newline),
    encoded in one pass: at 10,000 candidates 0.07 s against 1.1 s for ``json.dumps``
    of ``result_to_json`` (bench/README.md). A test checks both give the same JSON."""
    option = _ORJSON_OPTIONS | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(result, option=option) + b"\n"


# Reading a stored result back (the inverse of result_to_json).


def _float(value: Any, field: str) -> float:
    if value is None:
        return math.nan  # result_to_json writes non-finite numbers as null
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"result.{field}: expected a number, got {value!r}")
    return float(value)


def _opt(value: Any, field: str) -> float | None:
    return None if value is None else _float(value, field)


def _money_map(data: Any, field: str) -> dict[str, float]:
    if not isinstance(data, Mapping):
        raise ValueError(f"result.{field}: expected an object")
    return {str(k): _float(v, f"{field}.{k}") for k, v in data.items()}


def _known(cls: type[Any], data: Mapping[str, Any]) -> dict[str, Any]:
    # Results saved by an older version lack newer fields (they have defaults) and newer
    # ones may carry fields this version does not know: keep what the dataclass takes.
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def result_from_json(data: Mapping[str, Any]) -> AllocationResult:
    """Rebuild an ``AllocationResult`` from its stored JSON form (``ValueError`` names the
    field that does not fit)."""
    try:
        greedy = data.get("greedy")
        return AllocationResult(
            scenario=str(data["scenario"]),
            status=str(data["status"]),
            solver=str(data["solver"]),
            objective_kind=str(data["objective_kind"]),
            objective=_opt(data.get("objective"), "objective"),
            funding={
                str(k): tuple(_float(x, f"funding.{k}") for x in v)
                for k, v in data["funding"].items()
            },
            scale=_money_map(data["scale"], "scale"),
            funding_by_source={
                str(k): _money_map(v, f"funding_by_source.{k}")
                for k, v in data["funding_by_source"].items()
            },
            totals_by_kind=_money_map(data["totals_by_kind"], "totals_by_kind"),
            totals_by_region=_money_map(data["totals_by_region"], "totals_by_region"),
            totals_by_year=tuple(_float(v, "totals_by_year") for v in data["totals_by_year"]),
            totals_by_source=_money_map(data["totals_by_source"], "totals_by_source"),
            total_public=_float(data["total_public"], "total_public"),
            budget_available=_opt(data.get("budget_available"), "budget_available"),
            unallocated=_opt(data.get("unallocated"), "unallocated"),
            unallocated_sentence=str(data.get("unallocated_sentence", "")),
            outcomes=_money_map(data["outcomes"], "outcomes"),
            return_per_public_dollar=_opt(
                data.get("return_per_public_dollar"), "return_per_public_dollar"
            ),
            fee_revenue=_float(data.get("fee_revenue", 0.0), "fee_revenue"),
            constraints=tuple(_constraint(c) for c in data["constraints"]),
            constraints_omitted=int(data.get("constraints_omitted", 0)),
            unfunded=tuple(UnfundedReport(**_known(UnfundedReport, u)) for u in data["unfunded"]),
            greedy=None
            if greedy is None
            else Baseline(
                **_known(Baseline, {**greedy, "violations": tuple(greedy["violations"])})
            ),
            is_mip=bool(data["is_mip"]),
            gap=_opt(data.get("gap"), "gap"),
            duals_note=str(data.get("duals_note", "")),
            relaxation=tuple(
                RelaxationStep(**_known(RelaxationStep, s)) for s in data.get("relaxation", ())
            ),
            seconds=_money_map(data.get("seconds", {}), "seconds"),
            message=str(data.get("message", "")),
        )
    except KeyError as exc:
        raise ValueError(f"result: missing field {exc.args[0]!r}") from None
    except (TypeError, AttributeError) as exc:
        raise ValueError(f"result: not the shape result_to_json writes ({exc})") from None


_C_NUMS = ("rhs", "activity", "slack", "shadow_price")


def _constraint(c: Mapping[str, Any]) -> ConstraintReport:
    values = {
        **_known(ConstraintReport, c),
        **{k: _float(c[k], f"constraints.{k}") for k in _C_NUMS},
    }
    if "rule" not in c:
        # Saved before reports carried the builder's rule and index: the one place
        # that still reads them from the row name.
        name = str(c["name"])
        rule, _, rest = name.partition("[")
        values |= {"rule": rule, "index": rest[:-1], "portfolio": rule in PORTFOLIO_RULES}
    return ConstraintReport(**values)
