"""Weighted scoring rubric, reviewer scores 0-5, and reviewer disagreement.

A proposal's score is the mean over its reviewers of each reviewer's weighted
average of criterion scores (0-5): sum(w_c * s_c) / sum(w_c). Weights are any
non-negative numbers and only their proportions matter. Two reviewers
disagree on a criterion when their scores differ by ``DISAGREEMENT_POINTS`` or
more (max minus min across reviewers).

Criteria and their sources: innovation for the region (004 section V,
component 2 (ii)), co-financing (004 section V, component 3), governance (004
section IV, "project governance"), social inclusion (004 section 4.3),
indicators and baseline (004 Annex II and section V, component 4 (i)), and the
UNCTAD evaluation criteria sustainability, replicability and linkages (000
para 17).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

from model.domain.candidates import ID_PATTERN
from model.formatting.i18n import N_, Labels, _, ngettext

MIN_SCORE = 0
MAX_SCORE = 5
DISAGREEMENT_POINTS = 2  # points apart on the 0-5 scale that flag a disagreement
TIE_DECIMALS = 9  # scores equal to this many decimals tie (float noise must not reorder)


# Criterion ids where a sentence or table names them ("innovation weight +20 %"): the id
# itself in English, as before, its translation in another language.
CRITERION_NAMES = Labels(
    {
        "innovation": N_("innovation"),
        "cofinancing": N_("cofinancing"),
        "governance": N_("governance"),
        "inclusion": N_("inclusion"),
        "indicators": N_("indicators"),
        "sustainability": N_("sustainability"),
        "replicability": N_("replicability"),
        "linkages": N_("linkages"),
    }
)


def criterion_name(criterion: str) -> str:
    """A criterion id in the active language (an id of another rubric as it is)."""
    return CRITERION_NAMES.get(criterion, criterion)


class Criterion(BaseModel):
    """One rubric criterion: weight (>= 0, relative), description and source passage."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str = Field(min_length=1, max_length=100)
    weight: float = Field(ge=0)
    description: str = Field(default="", max_length=1000)
    source: str = Field(min_length=1, max_length=300)


class Rubric(BaseModel):
    """A set of criteria with weights; at least one weight must be positive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    criteria: tuple[Criterion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _valid(self) -> Rubric:
        ids = [c.id for c in self.criteria]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(
                ngettext(
                    "criterion id repeated: {ids}", "criterion ids repeated: {ids}", len(dupes)
                ).format(ids=", ".join(dupes))
            )
        if sum(c.weight for c in self.criteria) <= 0:
            raise ValueError(_("at least one criterion needs a weight above zero"))
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    def weights(self) -> dict[str, float]:
        """Weights normalised to sum to 1."""
        total = sum(c.weight for c in self.criteria)
        return {c.id: c.weight / total for c in self.criteria}

    def with_weight(self, criterion: str, weight: float) -> Rubric:
        """A copy with one criterion's weight replaced (raises ValueError if unknown)."""
        if criterion not in self.ids:
            raise ValueError(
                _("unknown criterion '{criterion}' (known: {known})").format(
                    criterion=criterion, known=", ".join(self.ids)
                )
            )
        return Rubric(
            criteria=tuple(
                c.model_copy(update={"weight": weight}) if c.id == criterion else c
                for c in self.criteria
            )
        )

    def weighted(self, scores: Mapping[str, float]) -> float:
        """Weighted average (0-5) of per-criterion scores; every criterion must be scored."""
        missing = [c for c in self.ids if c not in scores]
        if missing:
            raise ValueError(
                ngettext(
                    "no score for criterion {ids}", "no score for criteria {ids}", len(missing)
                ).format(ids=", ".join(missing))
            )
        w = self.weights()
        return sum(w[c] * scores[c] for c in self.ids)


# Labels, descriptions and sources are English here (marked ``N_``): where a page shows
# them it writes ``_(c.label)``, so a reader sees them in their language.
DEFAULT_RUBRIC = Rubric(
    criteria=(
        Criterion(
            id="innovation",
            label=N_("Innovation for the region"),
            weight=0.15,
            description=N_("New to the region or locality (products, processes, organisation)"),
            source=N_(
                "004 section V, component 2, criterion (ii): preference for proposals "
                "innovative for the region or locality"
            ),
        ),
        Criterion(
            id="cofinancing",
            label=N_("Co-financing share"),
            weight=0.15,
            description=N_("Share of the full cost the partners commit, cash and in kind"),
            source=N_(
                "004 section V, component 3 (matching grants); 002 Lessons learned 6 "
                "(a combination of private and public investment)"
            ),
        ),
        Criterion(
            id="governance",
            label=N_("Governance arrangement"),
            weight=0.10,
            description=N_(
                "Who decides and how: a body where firms, public bodies and "
                "knowledge institutions agree on the plan"
            ),
            source=N_("004 section IV (project governance, public-private collaboration)"),
        ),
        Criterion(
            id="inclusion",
            label=N_("Social inclusion"),
            weight=0.10,
            description=N_("Targets women, indigenous peoples, afro-descendants or informal firms"),
            source=N_("004 section 4.3 (social inclusion and poverty alleviation)"),
        ),
        Criterion(
            id="indicators",
            label=N_("Indicators and baseline"),
            weight=0.15,
            description=N_("Short-, medium- and long-run indicators with baselines and targets"),
            source=N_("004 Annex II (IDB indicators); 004 section V, component 4 (i) (baseline)"),
        ),
        Criterion(
            id="sustainability",
            label=N_("Sustainability"),
            weight=0.15,
            description=N_("Results and services continue after the grant ends"),
            source=N_("000 para 17 (UNCTAD evaluation criteria: sustainability)"),
        ),
        Criterion(
            id="replicability",
            label=N_("Replicability"),
            weight=0.10,
            description=N_("Could be repeated in other territories or sectors"),
            source=N_("000 para 17 (UNCTAD evaluation criteria: replicability)"),
        ),
        Criterion(
            id="linkages",
            label=N_("Linkages"),
            weight=0.10,
            description=N_("Skills enhancement and linkages among firms and institutions"),
            source=N_("000 para 17 (UNCTAD evaluation criteria: skills enhancement and linkages)"),
        ),
    )
)


class CriterionScore(BaseModel):
    """A reviewer's score (integer 0-5) on one criterion, with a comment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    criterion: str = Field(min_length=1, max_length=40)
    score: int = Field(ge=MIN_SCORE, le=MAX_SCORE)
    comment: str = Field(default="", max_length=2000)


class Review(BaseModel):
    """One reviewer's scores for one proposal."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    proposal_id: str = Field(pattern=ID_PATTERN)
    reviewer: str = Field(min_length=1, max_length=100)
    scores: tuple[CriterionScore, ...]

    @model_validator(mode="after")
    def _one_score_per_criterion(self) -> Review:
        ids = [s.criterion for s in self.scores]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(
                _("reviewer {reviewer}: criterion scored twice: {ids}").format(
                    reviewer=self.reviewer, ids=dupes
                )
            )
        return self

    def by_criterion(self) -> dict[str, int]:
        return {s.criterion: s.score for s in self.scores}


@dataclass(frozen=True)
class Disagreement:
    """Spread of reviewer scores on one criterion (max - min, points 0-5)."""

    criterion: str
    low: int
    high: int
    spread: int
    flagged: bool
    by_reviewer: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class ProposalScore:
    """A proposal's score (0-5): mean over reviewers of their weighted averages."""

    proposal_id: str
    score: float
    by_reviewer: tuple[tuple[str, float], ...]
    criterion_means: tuple[tuple[str, float], ...]
    disagreements: tuple[Disagreement, ...]

    @property
    def flagged(self) -> tuple[Disagreement, ...]:
        return tuple(d for d in self.disagreements if d.flagged)


def score_proposal(rubric: Rubric, reviews: Iterable[Review]) -> ProposalScore:
    """Score one proposal from its reviews (ValueError on a missing or unknown criterion)."""
    reviews = list(reviews)
    if not reviews:
        raise ValueError(_("no reviews to score"))
    pid = reviews[0].proposal_id
    known = set(rubric.ids)
    reviewers: list[str] = []
    for r in reviews:
        if r.proposal_id != pid:
            raise ValueError(
                _("reviews of '{first}' and '{other}' cannot be scored together").format(
                    first=pid, other=r.proposal_id
                )
            )
        if r.reviewer in reviewers:
            raise ValueError(
                _("proposal {pid}: reviewer {reviewer} appears twice").format(
                    pid=pid, reviewer=r.reviewer
                )
            )
        reviewers.append(r.reviewer)
        unknown = sorted(set(r.by_criterion()) - known)
        if unknown:
            raise ValueError(
                _(
                    "proposal {pid}, reviewer {reviewer}: unknown criterion {ids} "
                    "(rubric has {known})"
                ).format(
                    pid=pid,
                    reviewer=r.reviewer,
                    ids=", ".join(unknown),
                    known=", ".join(rubric.ids),
                )
            )
    per_reviewer: list[tuple[str, float]] = []
    for r in reviews:
        try:
            per_reviewer.append((r.reviewer, rubric.weighted(r.by_criterion())))
        except ValueError as exc:
            raise ValueError(
                _("proposal {pid}, reviewer {reviewer}: {problem}").format(
                    pid=pid, reviewer=r.reviewer, problem=exc
                )
            ) from None
    disagreements = []
    means = []
    for c in rubric.ids:
        marks = tuple((r.reviewer, r.by_criterion()[c]) for r in reviews)
        values = [m for _who, m in marks]
        spread = max(values) - min(values)
        means.append((c, sum(values) / len(values)))
        disagreements.append(
            Disagreement(c, min(values), max(values), spread, spread >= DISAGREEMENT_POINTS, marks)
        )
    score = sum(s for _who, s in per_reviewer) / len(per_reviewer)
    return ProposalScore(pid, score, tuple(per_reviewer), tuple(means), tuple(disagreements))


def score_all(rubric: Rubric, reviews: Iterable[Review]) -> list[ProposalScore]:
    """Scores of every reviewed proposal, best first (ties by proposal id)."""
    grouped: dict[str, list[Review]] = {}
    for r in reviews:
        grouped.setdefault(r.proposal_id, []).append(r)
    scores = [score_proposal(rubric, rs) for rs in grouped.values()]
    return sorted(scores, key=lambda s: (-round(s.score, TIE_DECIMALS), s.proposal_id))


def ranking(scores: Mapping[str, float]) -> tuple[str, ...]:
    """Proposal ids best first; equal scores are ordered by id so ranks are stable."""
    return tuple(sorted(scores, key=lambda pid: (-round(scores[pid], TIE_DECIMALS), pid)))
