"""The scenario format: everything the allocator needs, as validated pydantic models.

A scenario is one funding question: candidates, regions, budget, the rule
families that apply (each switchable), the objective and solver options. The
JSON Schema in ``model/schemas/scenario.schema.json`` is generated from these
models (``scenario_json_schema``); ``docs/scenario-format.md`` explains them.

Units: money in US$ of ``price_year``; shares 0-1; plan years 1..horizon_years;
a candidate's year of operation k = plan year - start_year + 1.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from model.domain.candidates import KINDS, MAX_HORIZON_YEARS, Candidate, Kind, Region
from model.domain.numbers import check_finite, use_translator
from model.formatting.errors import validation_message
from model.formatting.i18n import _

# The domain's refusals (a candidate's costs, shares, outcome ranges) in the reader's
# language too (model.domain imports no formatting: the translator is handed to it).
use_translator(_)

SolverName = Literal["highs", "cbc"]
SOLVERS: tuple[SolverName, ...] = ("highs", "cbc")
ObjectiveKind = Literal["benefit", "enterprises", "jobs", "weighted", "min_cost"]
Measure = Literal["benefit", "enterprises", "jobs"]
MEASURES: tuple[Measure, ...] = ("benefit", "enterprises", "jobs")


class _Frozen(BaseModel):
    # NaN, Infinity and 1e308 are refused where a scenario is read (issue 17): they
    # used to solve to "optimal" with "US$nan of the US$nan budget".
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_for_numbers(cls, v: Any, info: ValidationInfo) -> Any:
        # JSON true/false would otherwise pass as 1/0 (``horizon_years: true``).
        if isinstance(v, bool) and info.field_name is not None:
            annotation = cls.model_fields[info.field_name].annotation
            if annotation in _NUMBER_TYPES:
                raise ValueError(_("must be a number, not {value}").format(value=str(v).lower()))
        return v

    @field_validator("*", mode="after")
    @classmethod
    def _bounded(cls, v: Any) -> Any:
        for x in _floats(v):
            check_finite(x)
        return v


_NUMBER_TYPES: tuple[Any, ...] = (int, float, int | None, float | None)


def _floats(v: Any) -> Iterable[float]:
    if isinstance(v, float):
        yield v
    elif isinstance(v, tuple):
        for x in v:
            if isinstance(x, float):
                yield x
    elif isinstance(v, dict):
        for x in v.values():
            if isinstance(x, float):
                yield x


class Budget(_Frozen):
    """Public money available (US$). ``per_year[t-1]`` is plan year t's budget."""

    total: float | None = Field(default=None, ge=0, description="Whole-horizon budget (US$)")
    per_year: tuple[float, ...] | None = Field(
        default=None, description="Budget of each plan year (US$), one per year of the horizon"
    )
    carry_over: bool = Field(default=False, description="Unspent money moves to the next year")

    @model_validator(mode="after")
    def _non_negative(self) -> Budget:
        for i, b in enumerate(self.per_year or (), start=1):
            if b < 0:
                raise ValueError(
                    _("per_year[{index}]: budget of year {year} is negative ({value})").format(
                        index=i - 1, year=i, value=b
                    )
                )
        return self


class Switch(_Frozen):
    enabled: bool = True


class BudgetRule(Switch):
    """Rule a: total and per-year budgets (amounts live in ``Scenario.budget``)."""


class LockedAmount(_Frozen):
    """Public funding fixed in advance (committed or current spending), US$."""

    candidate: str
    year: int = Field(ge=1, le=MAX_HORIZON_YEARS, description="Plan year")
    amount: float = Field(ge=0, description="US$ fixed for this candidate and plan year")


class CandidateLimits(Switch):
    """Rule b: per-candidate minimum/maximum, locked amounts, mandatory and go/no-go items.

    ``min_funding``/``max_funding`` are public US$ over the horizon; ``mandatory``
    maps a candidate to the least scale (share 0-1 of full scale) it must reach;
    ``go_no_go`` maps a candidate to its minimum viable scale: it is either not
    funded or funded at least at that scale (a binary decision, so a MILP).
    """

    min_funding: dict[str, float] = Field(default_factory=dict)
    max_funding: dict[str, float] = Field(default_factory=dict)
    locked: tuple[LockedAmount, ...] = ()
    mandatory: dict[str, float] = Field(default_factory=dict)
    go_no_go: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _shares(self) -> CandidateLimits:
        for field in ("mandatory", "go_no_go"):
            for cid, v in getattr(self, field).items():
                if not 0 <= v <= 1:
                    raise ValueError(
                        _("{field}.{c}: scale {value} is outside 0-1").format(
                            field=field, c=cid, value=v
                        )
                    )
        for field in ("min_funding", "max_funding"):
            for cid, v in getattr(self, field).items():
                if v < 0:
                    raise ValueError(
                        _("{field}.{c}: amount {value} is negative").format(
                            field=field, c=cid, value=v
                        )
                    )
        return self


class SubsidyBand(Switch):
    """Rule c: each candidate's public share of cost within its floor and ceiling;
    optionally a portfolio ceiling on the average public share (0-1)."""

    max_average_public_share: float | None = Field(default=None, ge=0, le=1)


class CostRecovery(Switch):
    """Rule d: where a candidate charges fees (any kind; in the shipped data, brokers),
    its public subsidy is at most (1 - fee share) times cost; optionally a portfolio
    minimum of fee revenue (US$ over the horizon) over the same fee schedules."""

    min_fee_revenue: float = Field(default=0.0, ge=0)


class MatchingGrants(Switch):
    """Rule e: grant <= match_ratio x partner_match, <= grant_cap, only eligible proposals."""


class BrokerCapacity(Switch):
    """Rule f: networks needed <= existing capacity + networks served by funded brokers."""

    existing_networks: float = Field(default=0.0, ge=0)


class ShareBounds(_Frozen):
    """Minimum and maximum share (0-1) of total public funding."""

    min: float = Field(default=0.0, ge=0, le=1)
    max: float = Field(default=1.0, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> ShareBounds:
        if self.min > self.max:
            raise ValueError(_("min {low} is above max {high}").format(low=self.min, high=self.max))
        return self


class FundingSource(_Frozen):
    """A purse of public money (ministry, donor, MIF) that pays only for some kinds."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\- ]{0,63}$")
    amount: float = Field(ge=0, description="US$ available over the horizon")
    allowed_kinds: tuple[Kind, ...] = KINDS
    share: ShareBounds = ShareBounds()


class PolicyMix(Switch):
    """Rule g: shares of total public funding by kind, by region, and by funding source.

    ``lagging_min_share`` is a territorial equity floor for all regions marked
    ``lagging`` together. With no ``sources`` money is not split by source.
    """

    kind_shares: dict[Kind, ShareBounds] = Field(default_factory=dict)
    region_shares: dict[str, ShareBounds] = Field(default_factory=dict)
    lagging_min_share: float = Field(default=0.0, ge=0, le=1)
    sources: tuple[FundingSource, ...] = ()

    @model_validator(mode="after")
    def _floors_fit(self) -> PolicyMix:
        # Floors adding up to more than all the money cannot all hold; solved, they
        # were met only by funding nothing ("optimal", US$0) (issue 17).
        groups = {
            "kind_shares": [b.min for b in self.kind_shares.values()],
            "region_shares": [b.min for b in self.region_shares.values()],
            "sources": [src.share.min for src in self.sources],
        }
        for name, mins in groups.items():
            total = sum(mins)
            if self.enabled and total > 1 + 1e-9:
                raise ValueError(
                    _(
                        "{name}: the minimum shares add up to {total} of public funding; "
                        "they must add up to at most 100%"
                    ).format(name=name, total=f"{total:.0%}")
                )
        return self


class Rules(_Frozen):
    """One sub-object per rule family (a-g), each with ``enabled``."""

    budget: BudgetRule = BudgetRule()
    candidate_limits: CandidateLimits = CandidateLimits()
    subsidy_band: SubsidyBand = SubsidyBand()
    cost_recovery: CostRecovery = CostRecovery()
    matching_grants: MatchingGrants = MatchingGrants()
    broker_capacity: BrokerCapacity = BrokerCapacity()
    policy_mix: PolicyMix = PolicyMix()


class DiminishingReturns(_Frozen):
    """Concave piecewise-linear outcome in the scale f (0-1) of each candidate.

    ``segment_lengths`` split the scale (they sum to 1); ``relative_slopes`` are
    non-increasing and are normalised so full scale still gives the full-scale
    outcome.
    """

    enabled: bool = False
    segment_lengths: tuple[float, ...] = (1 / 3, 1 / 3, 1 / 3)
    relative_slopes: tuple[float, ...] = (1.5, 1.0, 0.5)

    @model_validator(mode="after")
    def _concave(self) -> DiminishingReturns:
        n = len(self.segment_lengths)
        if n < 3:
            raise ValueError(_("segment_lengths: need at least 3 segments"))
        if len(self.relative_slopes) != n:
            raise ValueError(_("relative_slopes: need one slope per segment"))
        if any(v <= 0 for v in self.segment_lengths):
            raise ValueError(_("segment_lengths: every length must be positive"))
        if abs(sum(self.segment_lengths) - 1.0) > 1e-6:
            raise ValueError(
                _("segment_lengths: must sum to 1, not {total}").format(
                    total=sum(self.segment_lengths)
                )
            )
        slopes = self.relative_slopes
        if any(s < 0 for s in slopes) or any(a < b for a, b in itertools.pairwise(slopes)):
            raise ValueError(
                _("relative_slopes: must be non-negative and non-increasing (concave)")
            )
        if sum(s * v for s, v in zip(slopes, self.segment_lengths, strict=True)) <= 0:
            raise ValueError(_("relative_slopes: must not all be zero"))
        return self


class Objective(_Frozen):
    """What to optimise. ``weights`` (for ``weighted``) are in objective units per
    unit of each measure (e.g. 1.0 per US$ of benefit, 5000 per job); ``targets``
    are least totals of measures (US$, enterprises, jobs), required for
    ``min_cost`` and optional otherwise."""

    kind: ObjectiveKind = "benefit"
    weights: dict[Measure, float] = Field(default_factory=dict)
    targets: dict[Measure, float] = Field(default_factory=dict)
    diminishing_returns: DiminishingReturns = DiminishingReturns()

    @model_validator(mode="after")
    def _complete(self) -> Objective:
        if self.kind == "weighted" and not any(v != 0 for v in self.weights.values()):
            raise ValueError(_("weights: a weighted objective needs at least one non-zero weight"))
        if self.kind == "weighted" and self.diminishing_returns.enabled:
            for m, w in self.weights.items():
                if w < 0:
                    raise ValueError(
                        _(
                            "weights.{measure}: a negative weight ({weight}) with diminishing "
                            "returns makes the curve convex and the LP would misstate the "
                            "objective; use weights of 0 or more, or turn diminishing returns off"
                        ).format(measure=m, weight=f"{w:g}")
                    )
        if self.kind == "min_cost" and not self.targets:
            raise ValueError(_("targets: min_cost needs at least one target"))
        for m, v in self.targets.items():
            if v < 0:
                raise ValueError(
                    _("targets.{measure}: target {value} is negative").format(measure=m, value=v)
                )
        return self


class SolverOptions(_Frozen):
    """``method`` is HiGHS's LP method (``auto``: dual simplex, fastest here; bench/README.md)."""

    solver: SolverName = "highs"
    time_limit_s: float = Field(default=60.0, gt=0)
    mip_gap: float = Field(default=1e-4, ge=0, le=1)
    method: Literal["auto", "simplex", "ipm", "pdlp"] = "auto"
    relax_integers: bool = Field(default=False, description="Solve the LP relaxation of a MILP")


class Scenario(_Frozen):
    """One funding question (see module docstring for units)."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    horizon_years: int = Field(ge=1, le=MAX_HORIZON_YEARS)
    price_year: int = Field(ge=1900, le=2100)
    candidates: tuple[Candidate, ...] = Field(min_length=1)
    regions: tuple[Region, ...] = ()
    budget: Budget = Budget()
    rules: Rules = Rules()
    objective: Objective = Objective()
    solver: SolverOptions = SolverOptions()

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        ids = [c.id for c in self.candidates]
        seen: set[str] = set()
        for i, cid in enumerate(ids):
            if cid in seen:
                raise ValueError(
                    _("candidates[{index}].id: duplicate id {c}").format(index=i, c=repr(cid))
                )
            seen.add(cid)
        per_year = self.budget.per_year
        if per_year is not None and len(per_year) != self.horizon_years:
            raise ValueError(
                _("budget.per_year: has {n} values, horizon_years is {years}").format(
                    n=len(per_year), years=self.horizon_years
                )
            )
        lim = self.rules.candidate_limits
        for field in ("min_funding", "max_funding", "mandatory", "go_no_go"):
            for cid in getattr(lim, field):
                if cid not in seen:
                    raise ValueError(
                        _("rules.candidate_limits.{field}: unknown candidate {c}").format(
                            field=field, c=repr(cid)
                        )
                    )
        for i, lk in enumerate(lim.locked):
            if lk.candidate not in seen:
                raise ValueError(
                    _("rules.candidate_limits.locked[{index}]: unknown {c}").format(
                        index=i, c=repr(lk.candidate)
                    )
                )
            if lk.year > self.horizon_years:
                raise ValueError(
                    _("rules.candidate_limits.locked[{index}].year: beyond the horizon").format(
                        index=i
                    )
                )
        names = {r.name for r in self.regions}
        for r in self.rules.policy_mix.region_shares:
            if r not in names:
                raise ValueError(
                    _("rules.policy_mix.region_shares: unknown region {region}").format(
                        region=repr(r)
                    )
                )
        if self.regions:
            for i, c in enumerate(self.candidates):
                if c.region not in names:
                    raise ValueError(
                        _("candidates[{index}].region: {region} is not in regions").format(
                            index=i, region=repr(c.region)
                        )
                    )
        return self

    def candidate(self, cid: str) -> Candidate:
        for c in self.candidates:
            if c.id == cid:
                return c
        raise KeyError(cid)


def budget_available(sc: Scenario) -> float | None:
    """Public money available over the horizon (US$): the smaller of the total and the sum
    of the per-year budgets, or None when the budget rule is off or sets no amount. The one
    definition the allocator, the read-out, the exports and the scenario list use."""
    if not sc.rules.budget.enabled:
        return None
    b = sc.budget
    limits = [v for v in (b.total, sum(b.per_year) if b.per_year else None) if v is not None]
    return min(limits) if limits else None


def _loc(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or _("(scenario)")


def parse_scenario(data: Mapping[str, Any]) -> Scenario:
    """Validate a scenario mapping; ``ValueError`` names the JSON path of each bad field."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc) from None


def _invalid(exc: ValidationError) -> ValueError:
    lines = [f"{_loc(e['loc'])}: {validation_message(e)}" for e in exc.errors()]
    return ValueError(_("invalid scenario:") + "\n  " + "\n  ".join(lines))


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario JSON file (``ValueError`` on any problem)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ValueError(
            _("{path}: cannot read ({reason})").format(path=p, reason=exc.strerror)
        ) from None
    # A byte-order mark (Notepad's "UTF-8") is not JSON, but CSV files with one are
    # accepted: take it off here too.
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        # Parsed and validated from the bytes in one pass (no Python dicts in between):
        # 0.14 s against 0.24 s CPU for json.loads + model_validate at 10,000 candidates.
        return Scenario.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as bad:
                raise ValueError(
                    _("{path}: not UTF-8 text (undecodable byte at position {position})").format(
                        path=p, position=bad.start
                    )
                ) from None
            raise ValueError(
                _("{path}: not JSON ({reason})").format(
                    path=p, reason=first["msg"].removeprefix("Invalid JSON: ")
                )
            ) from None
        if first["type"] == "model_type" and not first["loc"]:
            raise ValueError(_("{path}: the top level must be an object").format(path=p)) from None
        raise _invalid(exc) from None


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario format (committed as scenario.schema.json)."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Fomento allocation scenario"
    return schema


def scenario_from_candidates(
    candidates: Iterable[Candidate],
    regions: Iterable[Region],
    budget: Budget,
    horizon: int,
    *,
    name: str = "Planner scenario",
    price_year: int = 2024,
    rules: Rules | None = None,
    objective: Objective | None = None,
    solver: SolverOptions | None = None,
    description: str = "",
) -> Scenario:
    """Build a scenario from rows (e.g. the database); ``ValueError`` on bad input."""
    data: dict[str, Any] = {
        "name": name,
        "description": description,
        "horizon_years": horizon,
        "price_year": price_year,
        # Model instances pass through pydantic without re-validation (fast for 20k rows).
        "candidates": tuple(candidates),
        "regions": tuple(regions),
        "budget": budget,
    }
    for key, value in (("rules", rules), ("objective", objective), ("solver", solver)):
        if value is not None:
            data[key] = value
    return parse_scenario(data)


def same_scenario(a: Scenario, b: Scenario) -> bool:
    """True when ``a`` and ``b`` state the same decision: the same candidates and regions
    (in any order), budget, rules, objective and solver settings; the name and the
    description are words, not inputs."""

    def content(s: Scenario) -> dict[str, object]:
        d = s.model_dump(exclude={"name", "description"})
        d["candidates"] = sorted(d["candidates"], key=lambda c: str(c["id"]))
        d["regions"] = sorted(d["regions"], key=lambda r: str(r["name"]))
        return d

    return content(a) == content(b)
