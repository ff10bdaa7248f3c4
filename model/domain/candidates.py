"""Planning candidates: the things a funder can put public money into.

A candidate is one cluster initiative, broker programme or matching grant that a
plan may fund. This module is the single definition used by the CSV/Excel
importer, the database layer and the allocator's scenario format.

Units: money in US$ (nominal, the scenario's price year), shares as 0-1,
years counted from 1 (the first year of operation or of the plan horizon).
Expected outcomes (enterprises, jobs, benefit) are at *full scale*: when the
candidate's whole ``cost_by_year`` is funded (public money plus partner money).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from model.domain.numbers import Finite, FiniteNonNegative, _

Kind = Literal["cluster_initiative", "broker_programme", "matching_grant"]
KINDS: tuple[Kind, ...] = ("cluster_initiative", "broker_programme", "matching_grant")
KIND_LABELS: dict[str, str] = {
    "cluster_initiative": "Cluster initiative",
    "broker_programme": "Broker programme",
    "matching_grant": "Matching grant",
}
MAX_HORIZON_YEARS = 10
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"


class Candidate(BaseModel):
    """One fundable candidate (see module docstring for units)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    id: str = Field(pattern=ID_PATTERN, description="Stable identifier, unique in its dataset")
    name: str = Field(min_length=1, max_length=200)
    kind: Kind
    region: str = Field(min_length=1, max_length=100)
    sector: str = Field(default="", max_length=200)
    start_year: int = Field(
        default=1, ge=1, le=MAX_HORIZON_YEARS, description="First plan year it can start"
    )
    cost_by_year: tuple[Finite, ...] = Field(
        min_length=1,
        max_length=MAX_HORIZON_YEARS,
        description="Full cost (US$) in each year of operation, public plus partner money",
    )
    public_share_floor: Finite = Field(
        default=0.0, ge=0, le=1, description="Least share of cost paid with public money (0-1)"
    )
    public_share_ceiling: Finite = Field(
        default=1.0, ge=0, le=1, description="Most share of cost paid with public money (0-1)"
    )
    fee_schedule: tuple[Finite, ...] = Field(
        default=(),
        max_length=MAX_HORIZON_YEARS,
        description="Fee share (0-1) paid by client firms in each year of operation",
    )
    partner_match: Finite = Field(
        default=0.0, ge=0, description="Partner money committed (US$, cash plus in kind)"
    )
    match_ratio: FiniteNonNegative | None = Field(
        default=None, description="Grant may be at most this ratio times partner match"
    )
    grant_cap: FiniteNonNegative | None = Field(default=None, description="Largest grant (US$)")
    eligible: bool = Field(default=True, description="Passed eligibility screening")
    networks_needed: Finite = Field(
        default=0.0, ge=0, description="Networks/clusters needing a broker at full scale"
    )
    networks_served: Finite = Field(
        default=0.0, ge=0, description="Networks its trained brokers can serve at full scale"
    )
    enterprises: Finite = Field(ge=0, description="Enterprises reached at full scale")
    enterprises_low: Finite = Field(ge=0)
    enterprises_high: Finite = Field(ge=0)
    jobs: Finite = Field(ge=0, description="Jobs created at full scale")
    jobs_low: Finite = Field(ge=0)
    jobs_high: Finite = Field(ge=0)
    benefit: Finite = Field(ge=0, description="Benefit (US$) over its life at full scale")
    benefit_low: Finite = Field(ge=0)
    benefit_high: Finite = Field(ge=0)
    evidence_basis: str = Field(default="", max_length=2000)

    @field_validator("cost_by_year")
    @classmethod
    def _costs_non_negative(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        for i, c in enumerate(v, start=1):
            if c < 0:
                raise ValueError(
                    _("cost in year {year} is negative ({value})").format(year=i, value=c)
                )
        if sum(v) <= 0:
            raise ValueError(_("total cost must be greater than zero"))
        return v

    @field_validator("fee_schedule")
    @classmethod
    def _fees_are_shares(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        for i, f in enumerate(v, start=1):
            if not 0 <= f <= 1:
                raise ValueError(
                    _("fee share in year {year} is {value}, outside 0-1").format(year=i, value=f)
                )
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Candidate:
        if self.public_share_floor > self.public_share_ceiling:
            raise ValueError(
                _("public_share_floor {low} is above public_share_ceiling {high}").format(
                    low=self.public_share_floor, high=self.public_share_ceiling
                )
            )
        d = self.__dict__  # read directly: this runs once per candidate of a scenario
        for name, low, high in _OUTCOME_RANGES:
            if not d[low] <= d[name] <= d[high]:
                raise ValueError(
                    _("{name}: need {name}_low <= {name} <= {name}_high").format(name=name)
                )
        _share_fields_set(self)
        return self

    @property
    def total_cost(self) -> float:
        """Full cost over all years of operation (US$)."""
        return float(sum(self.cost_by_year))

    def fee_share(self, year_of_operation: int) -> float:
        """Fee share (0-1) in a 1-based year of operation; the last value holds after."""
        if not self.fee_schedule:
            return 0.0
        i = min(year_of_operation, len(self.fee_schedule)) - 1
        return self.fee_schedule[i]


# pydantic gives every model its own set of the field names it was given (2.2 KB for a
# candidate with every field: 220 MiB of a 100,000-candidate scenario, issue 16). A frozen
# candidate's set never changes (model_copy copies it before an update), so candidates given
# the same fields share one set. Bounded: past this many distinct sets, no more are kept.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
_FIELDS_SETS_MAX = 256
_OUTCOME_RANGES = tuple((m, f"{m}_low", f"{m}_high") for m in ("enterprises", "jobs", "benefit"))


def _share_fields_set(c: BaseModel) -> None:
    given = c.__pydantic_fields_set__
    if len(given) == len(type(c).model_fields):  # every field given (no set to hash)
        shared = _FIELDS_SETS.get(_ALL_FIELDS)
        if shared is not None:
            object.__setattr__(c, "__pydantic_fields_set__", shared)
            return
    key = frozenset(given)
    shared = _FIELDS_SETS.get(key)
    if shared is None:
        if len(_FIELDS_SETS) >= _FIELDS_SETS_MAX:
            return
        shared = _FIELDS_SETS[key] = set(given)
    object.__setattr__(c, "__pydantic_fields_set__", shared)


_ALL_FIELDS = frozenset(Candidate.model_fields)


class Region(BaseModel):
    """A region of the planning country; ``lagging`` marks equity-floor targets."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: str = Field(min_length=1, max_length=100)
    country: str = Field(default="", max_length=100)
    lagging: bool = False
    note: str = Field(default="", max_length=2000)
