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
from functools import cache
from typing import Annotated, Any, Literal, get_args

import orjson
from pydantic import BeforeValidator, TypeAdapter, ValidationError

from model.allocator.build.lp import PORTFOLIO_RULES
from model.formatting.i18n import _


def _null_is_nan(value: Any) -> Any:
    return math.nan if value is None else value  # result_to_json writes non-finite as null


# A float field of a result: reading stored JSON back, null is a non-finite number.
Real = Annotated[float, BeforeValidator(_null_is_nan)]


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
    # US$ one percentage point of a share row's parameter stands for at this plan (0 else).
    per_point: float = 0.0
    # Money rows (explain.wording.MONEY_RULES) that bind: both sides measured by re-solving.
    ranging: RowRanging | None = None


@dataclass(frozen=True)
class RowRanging:
    """What one more and one less US$ of a money row's limit does, measured by re-solving.

    ``rate_up``/``rate_down``: change of the reported objective per US$ the limit rises /
    falls, signed like ``shadow_price`` (d objective / d limit on that side; one US$ less
    changes the objective by minus ``rate_down``); None when a step that way leaves no
    feasible plan. ``range_up``/``range_down``: US$ over which each holds (None: without
    limit). ``*_open``: checked only that far. ``*_infeasible``: beyond that range no
    plan keeps the rules (Excel's allowable increase and decrease, with these notes).
    """

    rate_up: float | None
    range_up: float | None
    rate_down: float | None
    range_down: float | None
    up_open: bool = False
    up_infeasible: bool = False
    down_open: bool = False
    down_infeasible: bool = False


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
    # How ``return_rise`` was found: "re-solved" (exact: the candidate's scale forced in by
    # a re-solve), "lower bound" (from the optimal prices only: the true rise is at least
    # this), "estimate" (a MILP's go/no-go candidate left off: the LP estimate at the
    # plan's decisions), or "" (no rise applies, or stored before this field existed).
    method: str = ""


# Who can make a relaxation happen: the planner's own rules apply in one click;
# partners (more match, more broker networks) must be asked; a candidate's own terms
# (public-share band, fee schedule, grant cap) are changed in the candidate data.
Lever = Literal["planner", "partners", "candidate data"]
LEVERS: tuple[Lever, ...] = ("planner", "partners", "candidate data")

# The numbers a relaxation can change. Scenario rules: budget_total, budget_year (year),
# kind_min/kind_max (key: kind), region_min/region_max (key: region name, free text),
# lagging_min_share, source_min/source_max/source_amount (key: source name),
# max_average_public_share, mandatory/go_no_go/min_funding/max_funding (key: candidate
# id), locked (key: candidate id, year), min_fee_revenue, existing_networks, target (key:
# measure). Candidate data (key: candidate id): partner_match, public_share_floor,
# public_share_ceiling, grant_cap, fee_share (year: the plan year whose fee changes).
EditField = Literal[
    "budget_total",
    "budget_year",
    "kind_min",
    "kind_max",
    "region_min",
    "region_max",
    "lagging_min_share",
    "source_min",
    "source_max",
    "source_amount",
    "max_average_public_share",
    "mandatory",
    "go_no_go",
    "min_funding",
    "max_funding",
    "locked",
    "min_fee_revenue",
    "existing_networks",
    "target",
    "partner_match",
    "public_share_floor",
    "public_share_ceiling",
    "grant_cap",
    "fee_share",
]
EDIT_FIELDS: tuple[str, ...] = get_args(EditField)


@dataclass(frozen=True)
class RuleEdit:
    """One number of a scenario to change: ``field`` (see ``EditField``), the ``key`` it
    belongs to as written in the scenario (a region name, kind, source name, candidate id
    or measure; "" when none), the plan ``year`` (1..H; 0 when none) and the new ``value``
    in the field's unit (US$, share 0-1, scale 0-1, networks, or the target's unit)."""

    field: EditField
    value: float
    key: str = ""
    year: int = 0

    @property
    def path(self) -> str:
        """A readable locator for people (never parsed back; keys are shown quoted)."""
        k = f"[{self.key!r}]" if self.key else ""
        y = f"[year {self.year}]" if self.year else ""
        return f"{self.field}{k}{y}"


@dataclass(frozen=True)
class RelaxationStep:
    """One rule to relax to make an infeasible scenario feasible, and by how much.

    ``edits`` are the structured changes that relax it (usually one; empty when no number
    can: ``why_not`` then says why, e.g. an eligibility decision). ``lever`` says who can
    make them: the planner (one click), partners (a request to them) or the candidate
    data (the Data page). ``amount`` is the give of the row in its own unit (US$ for money
    rows, scale or networks otherwise).
    """

    rule: str
    family: str
    amount: float  # in the row's own unit (US$ for money rows)
    sentence: str
    edits: tuple[RuleEdit, ...] = ()
    lever: Lever = "planner"
    why_not: str = ""

    @property
    def applicable(self) -> bool:
        """Whether the planner can apply it in one click."""
        return bool(self.edits) and self.lever == "planner"

    @property
    def target(self) -> str:
        """Readable locator of the first edit ("" without one)."""
        return self.edits[0].path if self.edits else ""

    @property
    def new_value(self) -> float | None:
        return self.edits[0].value if self.edits else None


@dataclass(frozen=True)
class Baseline:
    """The greedy baseline and how the optimum compares."""

    objective: float
    public_cost: float
    feasible: bool
    violations: tuple[str, ...]
    gain: float  # optimum minus greedy, in objective units (for min_cost: greedy cost - optimum)
    sentence: str


# The one definition of "funded": a candidate whose scale (share 0-1 of full scale) is
# above this. Below it is solver round-off (a scale of 1e-6 of a US$100,000 candidate is
# US$0.10). Explain, the Monte Carlo draws, compare, the read-out, the brief and the pages
# all use it, through ``AllocationResult.is_funded`` or this constant.
SCALE_FUNDED = 1e-6


@dataclass(frozen=True)
class AllocationResult:
    """Everything an allocation run returns (see module docstring for units)."""

    scenario: str
    status: str  # optimal | time_limit | infeasible | unbounded | error
    solver: str
    objective_kind: str
    objective: float | None
    funding: dict[str, tuple[Real, ...]]
    scale: dict[str, Real]
    funding_by_source: dict[str, dict[str, Real]]
    totals_by_kind: dict[str, Real]
    totals_by_region: dict[str, Real]
    totals_by_year: tuple[Real, ...]
    totals_by_source: dict[str, Real]
    total_public: Real
    budget_available: float | None
    unallocated: float | None
    unallocated_sentence: str
    outcomes: dict[str, Real]
    return_per_public_dollar: float | None
    fee_revenue: Real
    constraints: tuple[ConstraintReport, ...]
    constraints_omitted: int
    unfunded: tuple[UnfundedReport, ...] | None
    """One report per candidate left unfunded; None: not written yet (``allocate(...,
    unfunded=False)``, the Plan page's first display): ``allocate`` of the same scenario
    writes them, with the same text (``unfunded_ids`` says whom they are about)."""
    greedy: Baseline | None
    is_mip: bool
    gap: float | None
    duals_note: str
    relaxation: tuple[RelaxationStep, ...]
    relaxation_note: str = ""  # what still binds after every step, or "" when they suffice
    seconds: dict[str, float] = field(default_factory=dict)
    message: str = ""

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"

    def is_funded(self, candidate: str) -> bool:
        """Whether ``candidate`` gets money in this plan (scale above ``SCALE_FUNDED``)."""
        return self.scale.get(candidate, 0.0) > SCALE_FUNDED

    @property
    def unfunded_written(self) -> tuple[UnfundedReport, ...]:
        """``unfunded``, which must have been written (``ValueError`` when ``allocate(...,
        unfunded=False)`` left them out: ``api.complete`` writes them)."""
        if self.unfunded is None:
            raise ValueError("the unfunded reports are not written; api.complete writes them")
        return self.unfunded

    @property
    def unfunded_ids(self) -> tuple[str, ...]:
        """The candidates this plan leaves unfunded, in the order ``unfunded`` reports them
        (known without the reports' re-solves)."""
        if self.unfunded is not None:
            return tuple(u.candidate for u in self.unfunded)
        return tuple(c for c, f in self.scale.items() if f <= SCALE_FUNDED)

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


def _known(cls: type[Any], data: Mapping[str, Any]) -> dict[str, Any]:
    # Results saved by an older version lack newer fields (they have defaults) and newer
    # ones may carry fields this version does not know: keep what the dataclass takes.
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


# pydantic reads the JSON back into the dataclasses (lists to tuples, unknown keys of a newer
# version ignored, ``Real`` fields null to NaN); only the legacy fills below are by hand.
# Made on first use: building its validator took ~15 ms of every command's start-up, and
# ``fomento allocate`` never reads a result back (issue 16).
@cache
def _result_adapter() -> TypeAdapter[AllocationResult]:
    return TypeAdapter(AllocationResult)


# Results saved by an older version may lack these; they read as their empty value.
_OLD_DEFAULTS: dict[str, Any] = {
    "objective": None,
    "budget_available": None,
    "unallocated": None,
    "unallocated_sentence": "",
    "return_per_public_dollar": None,
    "fee_revenue": 0.0,
    "constraints_omitted": 0,
    "greedy": None,
    "gap": None,
    "duals_note": "",
    "relaxation": (),
}


def result_from_json(data: Mapping[str, Any]) -> AllocationResult:
    """Rebuild an ``AllocationResult`` from its stored JSON form (``ValueError`` names the
    field that does not fit)."""
    if not isinstance(data, Mapping):
        raise ValueError("result: expected an object")
    values = {**_OLD_DEFAULTS, **data}
    try:
        values["constraints"] = tuple(_constraint(c) for c in values["constraints"])
        values["relaxation"] = tuple(_step(s) for s in values["relaxation"])
        return _result_adapter().validate_python(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"result.{where}: {first['msg']}") from None
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
    if isinstance(c.get("ranging"), Mapping):
        values["ranging"] = RowRanging(**_known(RowRanging, c["ranging"]))
    if "rule" not in c:
        # Saved before reports carried the builder's rule and index: the one place
        # that still reads them from the row name.
        name = str(c["name"])
        rule, _sep, rest = name.partition("[")
        values |= {"rule": rule, "index": rest[:-1], "portfolio": rule in PORTFOLIO_RULES}
    return ConstraintReport(**values)


def _step(s: Mapping[str, Any]) -> RelaxationStep:
    values = _known(RelaxationStep, s)
    if "edits" in s:
        values["edits"] = tuple(RuleEdit(**_known(RuleEdit, e)) for e in s["edits"])
    else:
        # Saved before steps carried structured edits: read the old JSON path once.
        edit = _edit_from_path(str(s.get("target", "")), s.get("new_value"))
        values["edits"] = () if edit is None else (edit,)
        if edit is None:
            values["lever"] = "candidate data"
            values["why_not"] = _("a candidate's own data: change it on the Data page")
    return RelaxationStep(**values)


# Old paths: fixed prefixes and suffixes around a free-text key (a region name may hold
# dots, brackets or commas, so the key is what lies between them, never a split part).
_OLD_PATHS: tuple[tuple[str, str, str], ...] = (
    ("rules.policy_mix.kind_shares.", ".min", "kind_min"),
    ("rules.policy_mix.kind_shares.", ".max", "kind_max"),
    ("rules.policy_mix.region_shares.", ".min", "region_min"),
    ("rules.policy_mix.region_shares.", ".max", "region_max"),
    ("rules.policy_mix.sources[", "].share.min", "source_min"),
    ("rules.policy_mix.sources[", "].share.max", "source_max"),
    ("rules.policy_mix.sources[", "].amount", "source_amount"),
    ("rules.candidate_limits.mandatory.", "", "mandatory"),
    ("rules.candidate_limits.go_no_go.", "", "go_no_go"),
    ("rules.candidate_limits.min_funding.", "", "min_funding"),
    ("rules.candidate_limits.max_funding.", "", "max_funding"),
    ("objective.targets.", "", "target"),
)
_OLD_FIXED: dict[str, str] = {
    "budget.total": "budget_total",
    "rules.policy_mix.lagging_min_share": "lagging_min_share",
    "rules.subsidy_band.max_average_public_share": "max_average_public_share",
    "rules.cost_recovery.min_fee_revenue": "min_fee_revenue",
    "rules.broker_capacity.existing_networks": "existing_networks",
}


def _edit_from_path(path: str, value: Any) -> RuleEdit | None:
    if not path or value is None:
        return None
    v = _float(value, "relaxation.new_value")
    if path in _OLD_FIXED:
        return RuleEdit(_OLD_FIXED[path], v)  # type: ignore[arg-type]  # a known field name
    if path.startswith("budget.per_year[") and path.endswith("]"):
        return RuleEdit("budget_year", v, year=int(path[16:-1]) + 1)
    if path.startswith("rules.candidate_limits.locked[") and path.endswith("]"):
        cid, _sep, year = path[30:-1].rpartition(",")
        return RuleEdit("locked", v, key=cid, year=int(year))
    for head, tail, name in _OLD_PATHS:
        if path.startswith(head) and path.endswith(tail) and len(path) > len(head) + len(tail):
            key = path[len(head) : len(path) - len(tail)]
            return RuleEdit(name, v, key=key)  # type: ignore[arg-type]  # a known field name
    return None
