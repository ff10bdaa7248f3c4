"""The Network Evaluation Tool (NET): a network's maturity on 7 indicators x 5 stages.

Source: UNIDO Honduras, 002 Box 2 ("a matrix which intersects network
development indicators with network development stages ... Achievement,
partial achievement or non-achievement of the results is translated into
scores"); 003 section 3 (UNIDO methodologies and tools, NET). The stages are
the five phases of 002 Methodology (promotion and motivation, strategic
planning, pilot projects, strategic projects, self-management).

The seeds give no numeric weights, so:

- **score** (share 0-1) = (achieved x 1 + partly x 0.5 + not x 0) / 35 cells;
- **stage** = the last stage S such that S and every stage before it have a
  majority of their 7 cells achieved (at least ``MAJORITY`` = 4). The phases
  are sequential ("when successful, pilot projects are expected to give way to
  strategic projects", 002 Methodology), so a later stage does not count while
  an earlier one is not mostly achieved. None means not even promotion is.

A stage sets the share of the broker's cost the network is expected to pay
(``DEFAULT_FEE_SHARES``). From EMASIM (002 Box 1 and Honduras, fees): three
years fully subsidised while the network formed and planned (promotion and
strategic planning: 0), then 20 % of the cost in the first contract (pilot
projects: 0.2), then more than 40 % the next year (strategic projects: 0.4).
Self-management: 0.6 is an assumption extrapolating that path; fees "must be
progressively increased to encourage network autonomy" (002 Methodology,
self-management) but full self-financing is not the aim (000 para 65).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from statistics import median
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from model.domain.candidates import ID_PATTERN, MAX_HORIZON_YEARS, Candidate
from model.formatting.i18n import N_, Labels, _

Status = Literal["achieved", "partly", "not"]
STATUSES: tuple[Status, ...] = ("achieved", "partly", "not")
STATUS_CODES: dict[str, Status] = {"A": "achieved", "P": "partly", "N": "not"}
STATUS_VALUE: dict[str, float] = {"achieved": 1.0, "partly": 0.5, "not": 0.0}
INDICATORS: tuple[str, ...] = (
    "group_cohesion",
    "group_organisation",
    "problem_analysis",
    "strategic_planning_capacity",
    "production_changes",
    "economic_variables",
    "external_relations",
)
# Labels read in the active language (``INDICATOR_LABELS.english(key)`` is the source).
INDICATOR_LABELS = Labels(
    {
        "group_cohesion": N_("Group cohesion"),
        "group_organisation": N_("Group organisation"),
        "problem_analysis": N_("Capacity of problem analysis"),
        "strategic_planning_capacity": N_("Capacity of strategic planning"),
        "production_changes": N_("Production and organisation changes"),
        "economic_variables": N_("Economic variables changes"),
        "external_relations": N_("Relations with the external economic environment"),
    }
)
Stage = Literal[
    "promotion", "strategic_planning", "pilot_projects", "strategic_projects", "self_management"
]
STAGES: tuple[Stage, ...] = (
    "promotion",
    "strategic_planning",
    "pilot_projects",
    "strategic_projects",
    "self_management",
)
STAGE_LABELS = Labels(
    {
        "promotion": N_("Promotion and motivation"),
        "strategic_planning": N_("Strategic planning"),
        "pilot_projects": N_("Pilot projects"),
        "strategic_projects": N_("Strategic projects"),
        "self_management": N_("Self-management"),
    }
)
# A cell's status in words (the status itself is a code: achieved, partly, not).
STATUS_LABELS = Labels({"achieved": N_("achieved"), "partly": N_("partly"), "not": N_("not")})
MAJORITY = 4  # of the 7 indicator cells of a stage, achieved
# Citations, marked for translation and shown with ``_(SOURCE)``.
SOURCE = N_("002 Box 2 (Network Evaluation Tool); 003 section 3 (UNIDO methodologies and tools)")
FEE_SOURCE = N_(
    "002 Box 1 and Honduras (EMASIM fees: 0 for 3 years, then 20 %, then over 40 %); "
    "self-management 0.6 is an assumption (002 Methodology; 000 para 65)"
)
DEFAULT_FEE_SHARES: dict[str, float] = {
    "promotion": 0.0,
    "strategic_planning": 0.0,
    "pilot_projects": 0.2,
    "strategic_projects": 0.4,
    "self_management": 0.6,
}


class NetAssessment(BaseModel):
    """One assessment: ``cells[i][j]`` is indicator ``INDICATORS[i]`` at stage ``STAGES[j]``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    network_id: str = Field(pattern=ID_PATTERN)
    network_name: str = Field(default="", max_length=200)
    assessed_on: date
    cells: tuple[tuple[Status, ...], ...]
    assessor: str = Field(default="", max_length=100)
    note: str = Field(default="", max_length=2000)

    @field_validator("cells")
    @classmethod
    def _shape(cls, v: tuple[tuple[Status, ...], ...]) -> tuple[tuple[Status, ...], ...]:
        if len(v) != len(INDICATORS):
            raise ValueError(
                _("needs {n} indicator rows, found {found}").format(n=len(INDICATORS), found=len(v))
            )
        for i, row in enumerate(v):
            if len(row) != len(STAGES):
                raise ValueError(
                    _("{indicator}: needs {n} stage cells, found {found}").format(
                        indicator=INDICATORS[i], n=len(STAGES), found=len(row)
                    )
                )
        return v

    def cell(self, indicator: str, stage: str) -> Status:
        return self.cells[INDICATORS.index(indicator)][STAGES.index(stage)]

    @property
    def score(self) -> float:
        """Share 0-1 of the 35 cells, achieved 1, partly 0.5, not 0."""
        total = sum(STATUS_VALUE[c] for row in self.cells for c in row)
        return total / (len(INDICATORS) * len(STAGES))

    def achieved_in(self, stage: str) -> int:
        j = STAGES.index(stage)
        return sum(1 for row in self.cells if row[j] == "achieved")

    @property
    def stage(self) -> Stage | None:
        """Last stage reached with every earlier one (see module docstring), or None."""
        reached: Stage | None = None
        for s in STAGES:
            if self.achieved_in(s) < MAJORITY:
                break
            reached = s
        return reached


def parse_row_codes(text: str) -> tuple[Status, ...]:
    """An indicator's five stage cells written as codes, e.g. ``AAPNN`` (A, P or N)."""
    codes = text.replace(" ", "").replace(",", "").upper()
    if len(codes) != len(STAGES) or any(c not in STATUS_CODES for c in codes):
        raise ValueError(
            _(
                "'{text}' must be {n} codes, one per stage, each A (achieved), "
                "P (partly) or N (not), e.g. AAPNN"
            ).format(text=text[:20], n=len(STAGES))
        )
    return tuple(STATUS_CODES[c] for c in codes)


def row_codes(row: tuple[Status, ...]) -> str:
    return "".join(s[0].upper() for s in row)


@dataclass(frozen=True)
class NetCell:
    """One matrix cell, long format for a heatmap (value 1 / 0.5 / 0); the labels are in
    the language active when the cells were made (``status`` stays a code)."""

    indicator: str
    indicator_label: str
    stage: str
    stage_label: str
    status: Status
    value: float
    status_label: str = ""


def matrix_cells(a: NetAssessment) -> list[NetCell]:
    """The 35 cells of one assessment, indicator by indicator, stages in order."""
    return [
        NetCell(
            ind,
            INDICATOR_LABELS[ind],
            st,
            STAGE_LABELS[st],
            a.cells[i][j],
            STATUS_VALUE[a.cells[i][j]],
            STATUS_LABELS[a.cells[i][j]],
        )
        for i, ind in enumerate(INDICATORS)
        for j, st in enumerate(STAGES)
    ]


@dataclass(frozen=True)
class NetPoint:
    """A network's score (0-1) and stage at one assessment date."""

    network_id: str
    assessed_on: date
    score: float
    stage: Stage | None


def history(assessments: Iterable[NetAssessment], network_id: str) -> list[NetPoint]:
    """Score and stage over time for one network, oldest first."""
    mine = sorted((a for a in assessments if a.network_id == network_id), key=_date)
    return [NetPoint(a.network_id, a.assessed_on, a.score, a.stage) for a in mine]


def latest(assessments: Iterable[NetAssessment]) -> dict[str, NetAssessment]:
    """Each network's most recent assessment."""
    out: dict[str, NetAssessment] = {}
    for a in sorted(assessments, key=_date):
        out[a.network_id] = a
    return out


@dataclass(frozen=True)
class BenchmarkRow:
    """One network against the others at its latest assessment (score share 0-1)."""

    rank: int
    network_id: str
    network_name: str
    assessed_on: date
    score: float
    stage: Stage | None
    change_since_first: float
    vs_median: float


def benchmark(assessments: Iterable[NetAssessment]) -> list[BenchmarkRow]:
    """Networks ranked by latest score (ties by id), with progress and gap to the median."""
    items = list(assessments)
    last = latest(items)
    if not last:
        return []
    mid = median(a.score for a in last.values())
    ordered = sorted(last.values(), key=lambda a: (-a.score, a.network_id))
    rows = []
    for rank, a in enumerate(ordered, start=1):
        first = history(items, a.network_id)[0]
        rows.append(
            BenchmarkRow(
                rank,
                a.network_id,
                a.network_name,
                a.assessed_on,
                a.score,
                a.stage,
                a.score - first.score,
                a.score - mid,
            )
        )
    return rows


def fee_share_for_stage(
    stage: Stage | None, fee_shares: Mapping[str, float] = DEFAULT_FEE_SHARES
) -> float:
    """Expected fee share (0-1) of the broker's cost for a network at ``stage``."""
    if stage is None:
        return 0.0
    if stage not in fee_shares:
        raise ValueError(_("no fee share for stage '{stage}'").format(stage=stage))
    share = fee_shares[stage]
    if not 0 <= share <= 1:
        raise ValueError(
            _("fee share for stage '{stage}' is {share}, outside 0-1").format(
                stage=stage, share=share
            )
        )
    return share


def fee_schedule_for_stage(
    stage: Stage | None,
    years: int,
    *,
    years_per_stage: int | None = None,
    fee_shares: Mapping[str, float] = DEFAULT_FEE_SHARES,
) -> tuple[float, ...]:
    """Fee share (0-1) per year of operation, for ``Candidate.fee_schedule``.

    By default the current stage's share holds for every year. With
    ``years_per_stage`` the network moves up one stage every that many years
    (until self-management), as EMASIM's fees rose year on year (002 Honduras).
    """
    if not 1 <= years <= MAX_HORIZON_YEARS:
        raise ValueError(
            _("years must be 1-{most}, got {years}").format(most=MAX_HORIZON_YEARS, years=years)
        )
    if years_per_stage is not None and years_per_stage < 1:
        raise ValueError(
            _("years_per_stage must be at least 1, got {years}").format(years=years_per_stage)
        )
    start = -1 if stage is None else STAGES.index(stage)
    out = []
    for y in range(years):
        step = 0 if years_per_stage is None else y // years_per_stage
        i = min(start + step, len(STAGES) - 1)
        out.append(fee_share_for_stage(STAGES[i] if i >= 0 else None, fee_shares))
    return tuple(out)


def fee_schedule_for_network(
    assessments: Iterable[NetAssessment],
    network_id: str,
    years: int,
    *,
    years_per_stage: int | None = None,
    fee_shares: Mapping[str, float] = DEFAULT_FEE_SHARES,
) -> tuple[float, ...]:
    """A broker candidate's fee schedule from the network's latest NET stage."""
    last = latest(assessments)
    if network_id not in last:
        raise ValueError(_("network '{network}' has no NET assessment").format(network=network_id))
    return fee_schedule_for_stage(
        last[network_id].stage, years, years_per_stage=years_per_stage, fee_shares=fee_shares
    )


def with_network_fees(
    candidate: Candidate,
    assessments: Iterable[NetAssessment],
    network_id: str,
    *,
    years_per_stage: int | None = None,
    fee_shares: Mapping[str, float] = DEFAULT_FEE_SHARES,
) -> Candidate:
    """A broker candidate whose ``fee_schedule`` comes from the network's latest NET stage.

    One fee share per year of the candidate's ``cost_by_year``, for the
    allocator's cost-recovery rule.
    """
    if candidate.kind != "broker_programme":
        raise ValueError(
            _("candidate {id} is a {kind}; NET fees apply to broker programmes").format(
                id=candidate.id, kind=candidate.kind
            )
        )
    fees = fee_schedule_for_network(
        assessments,
        network_id,
        len(candidate.cost_by_year),
        years_per_stage=years_per_stage,
        fee_shares=fee_shares,
    )
    return Candidate.model_validate({**candidate.model_dump(), "fee_schedule": fees})


def _date(a: NetAssessment) -> tuple[date, str]:
    return (a.assessed_on, a.network_id)
