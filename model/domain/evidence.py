"""Programme evidence: the cited figures every computed metric starts from.

One ``EvidenceRecord`` is one figure a source document states about one
programme, with the file and passage it comes from. Ranges stay ranges: a
figure stated as "35 % to 200 %" has ``low=0.35, high=2.0`` and no ``value``;
a figure stated as "more than 50 %" has ``low=0.5`` and neither of the others.

Units (column ``unit``):
- ``USD``: money, nominal US$ of ``price_year``;
- ``count``: firms, networks, brokers, projects, people;
- ``share``: a fraction 0-1 (a growth of +35 % is 0.35; growth may exceed 1);
- ``share_per_year``: an average yearly rate as a fraction;
- ``USD_per_USD``: a return ratio (US$ of benefit per US$ spent);
- ``years``: a duration.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from model.domain.numbers import Finite, _

Unit = Literal["USD", "count", "share", "share_per_year", "USD_per_USD", "years"]
UNITS: tuple[Unit, ...] = ("USD", "count", "share", "share_per_year", "USD_per_USD", "years")
Basis = Literal["", "absolute", "relative_to_sector"]
Instrument = Literal["cluster_initiative", "broker_programme", "matching_grant", "other"]
INSTRUMENTS: tuple[Instrument, ...] = (
    "cluster_initiative",
    "broker_programme",
    "matching_grant",
    "other",
)
SEED_FILES: tuple[str, ...] = (
    "000_adb6a09b45243a80.txt",
    "001_f1154fb892477c6d.txt",
    "002_190a6727378b83c7.txt",
    "003_0fb384067797923c.txt",
    "004_4fc2925a8217210d.txt",
)
ID = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"
# The unit each metric the engine computes with must have; a money figure stated as a
# share (``total_cost`` in ``share``) would be summed with dollars. Other metrics are free.
_GROWTH: tuple[Unit, ...] = ("share", "share_per_year")
METRIC_UNITS: dict[str, tuple[Unit, ...]] = {
    **dict.fromkeys(
        (
            "total_cost",
            "public_cost",
            "annual_cost",
            "revenue",
            "exports",
            "project_size",
            "in_kind_contribution",
        ),
        ("USD",),
    ),
    **dict.fromkeys(("return_per_dollar", "return_per_public_dollar"), ("USD_per_USD",)),
    **dict.fromkeys(("cost_share", "fee_share"), ("share",)),
    **dict.fromkeys(
        (
            "sales_growth",
            "employment_growth",
            "fixed_assets_growth",
            "production_growth",
            "productivity_growth",
            "yield_growth",
            "exports_growth",
            "investment_growth",
        ),
        _GROWTH,
    ),
    **dict.fromkeys(
        (
            "networks_formed",
            "enterprises_reached",
            "brokers_trained",
            "projects",
            "people_trained",
            "jobs_created",
            "firms_in_cluster",
        ),
        ("count",),
    ),
    "duration": ("years",),
}


class Programme(BaseModel):
    """A programme or cluster the sources report on."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    programme_id: str = Field(pattern=ID)
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(default="", max_length=100)
    region: str = Field(default="", max_length=100, description="World region")
    instrument: Instrument = "other"
    agency: str = Field(default="", max_length=200)
    period_start: int | None = Field(default=None, ge=1900, le=2100)
    period_end: int | None = Field(default=None, ge=1900, le=2100)
    description: str = Field(default="", max_length=4000)
    source_file: str = Field(min_length=1, max_length=200)
    passage: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _period(self) -> Programme:
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValueError(_("period_start is after period_end"))
        return self


class EvidenceRecord(BaseModel):
    """One cited figure (see module docstring for units and ranges)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    evidence_id: str = Field(pattern=ID)
    programme_id: str = Field(pattern=ID)
    metric: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    qualifier: str = Field(default="", max_length=100)
    value: Finite | None = None
    low: Finite | None = None
    high: Finite | None = None
    unit: Unit
    currency: str = Field(default="", max_length=3)
    price_year: int | None = Field(default=None, ge=1900, le=2100)
    period_start: int | None = Field(default=None, ge=1900, le=2100)
    period_end: int | None = Field(default=None, ge=1900, le=2100)
    basis: Basis = ""
    source_file: str = Field(min_length=1, max_length=200)
    passage: str = Field(min_length=1, max_length=500)
    note: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _consistent(self) -> EvidenceRecord:
        if self.value is None and self.low is None and self.high is None:
            raise ValueError(_("needs a value, or a low and/or high bound"))
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(
                _("low {low} is above high {high}").format(low=self.low, high=self.high)
            )
        if self.value is not None:
            if self.low is not None and self.value < self.low:
                raise ValueError(
                    _("value {value} is below low {low}").format(value=self.value, low=self.low)
                )
            if self.high is not None and self.value > self.high:
                raise ValueError(
                    _("value {value} is above high {high}").format(value=self.value, high=self.high)
                )
        allowed = METRIC_UNITS.get(self.metric)
        if allowed is not None and self.unit not in allowed:
            raise ValueError(
                _("metric {metric} is measured in {units}, not {unit}").format(
                    metric=self.metric, units=(" " + _("or") + " ").join(allowed), unit=self.unit
                )
            )
        if self.unit == "USD" and self.currency != "USD":
            raise ValueError(_("money rows (unit USD) need currency USD"))
        if self.unit == "USD" and self.price_year is None:
            raise ValueError(_("money rows (unit USD) need a price_year"))
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValueError(_("period_start is after period_end"))
        return self


class Deflator(BaseModel):
    """A price index value for one year (US CPI-U, 1982-84 = 100)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    year: int = Field(ge=1900, le=2100)
    index: Finite = Field(gt=0)
    source: str = Field(min_length=1)
