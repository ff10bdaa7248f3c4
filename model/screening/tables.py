"""Display rows for the screening pages: eligibility, ranking, sensitivity, indicators.

Each function turns domain results into flat, typed rows that a page shows as a
table (money US$, scores 0-5, shares 0-1), so the wording is tested here and the
pages only lay the rows out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from model.formatting import numbers
from model.formatting.i18n import N_, Labels, _, ngettext
from model.screening.indicators import ProjectIndicator, indicator_status
from model.screening.proposals import Proposal
from model.screening.rubric import Criterion, ProposalScore, Rubric, criterion_name
from model.screening.rules import Screening
from model.screening.sensitivity import Sensitivity

# English marks (the rows carry them translated: ``_(ELIGIBLE_MARK)``).
ELIGIBLE_MARK = N_("✓ eligible")
INELIGIBLE_MARK = N_("✗ ineligible")
# Colour names of Streamlit's markdown badges (":green-badge[on track]"): colour that
# does not depend on an emoji font, which headless and some office machines lack.
# Keyed by the status code (English words); the badge shows it translated.
STATUS_COLOURS: dict[str, str] = {
    N_("on track"): "green",
    N_("at risk"): "orange",
    N_("off track"): "red",
    N_("not yet measured"): "gray",
}
FUNDING_COLOURS: dict[str, str] = {
    N_("funded"): "green",
    N_("partly funded"): "orange",
    N_("not funded"): "gray",
    N_("ineligible"): "red",
    N_("not in plan"): "gray",
}
# A proposal's stored status (``model.store.screening``) as the eligibility table shows
# it: the code itself in English, as before, and its translation in another language.
PROPOSAL_STATUS_LABELS = Labels(
    {
        "submitted": N_("submitted"),
        "handed_over": N_("handed_over"),
        "ineligible": N_("ineligible"),
        "funded": N_("funded"),
    }
)


# A proposal's status has its own words: "propuesta" is feminine in Spanish ("financiada"),
# while the shared labels ("funded": "financiado") speak of candidates. Keyed by the code;
# each message names its subject so a translator can agree it, and English shows the code.
PROPOSAL_STATUS_MESSAGES: dict[str, str] = {
    "submitted": N_("submitted (a proposal)"),
    "handed_over": N_("handed over (a proposal)"),
    "ineligible": N_("ineligible (a proposal)"),
    "funded": N_("funded (a proposal)"),
    "partly funded": N_("partly funded (a proposal)"),
    "not funded": N_("not funded (a proposal)"),
    "not in plan": N_("not in plan (a proposal)"),
}


def proposal_status_words(status: str) -> str:
    """A proposal's status code in the active language, agreeing with "proposal"
    ("funded" -> "financiada"); in English (no translation) the code itself."""
    message = PROPOSAL_STATUS_MESSAGES.get(status)
    if message is None:
        return _(status)
    words = _(message)
    return status if words == message else words


def status_label(status: str) -> str:
    """A status code ("partly funded", "on track") in the active language."""
    return _(status)


def badge(
    status: str, colours: Mapping[str, str], words: Callable[[str], str] = status_label
) -> str:
    """Markdown for a coloured status badge, e.g. ``:green-badge[on track]``, its text in
    the active language (``status`` is the code, or already its translation)."""
    colour = colours.get(status)
    if colour is None:  # given the translated word: find its code
        colour = next(
            (c for code, c in colours.items() if status in (_(code), words(code))), "gray"
        )
    return f":{colour}-badge[{words(status)}]"


@dataclass(frozen=True)
class EligibilityRow:
    """One proposal's verdict: requested and match in US$, the gates it failed."""

    proposal_id: str
    title: str
    region: str
    requested: float
    match: float
    verdict: str
    failed_gates: str
    status: str


def eligibility_rows(
    proposals: Sequence[Proposal],
    screenings: Sequence[Screening],
    statuses: Mapping[str, str] | None = None,
) -> list[EligibilityRow]:
    """One row per proposal (same order), ✓/✗ with the labels of the failed gates."""
    by_id = {s.proposal_id: s for s in screenings}
    rows = []
    for p in proposals:
        s = by_id[p.proposal_id]
        status = (statuses or {}).get(p.proposal_id, "")
        rows.append(
            EligibilityRow(
                p.proposal_id,
                p.title,
                p.region,
                p.amount_requested,
                p.partner_match,
                _(ELIGIBLE_MARK) if s.eligible else _(INELIGIBLE_MARK),
                "; ".join(g.label for g in s.failures),
                proposal_status_words(status),  # a stored code, shown in words
            )
        )
    return rows


@dataclass(frozen=True)
class RankRow:
    """A reviewed proposal's place: score 0-5, reviewers, and criteria in disagreement."""

    rank: int
    proposal_id: str
    title: str
    score: float
    reviewers: str
    disagreement: str


def ranking_rows(scores: Sequence[ProposalScore], titles: Mapping[str, str]) -> list[RankRow]:
    """Rows in the order given (``score_all`` returns best first).

    A criterion is listed under disagreement when reviewers are
    ``rubric.DISAGREEMENT_POINTS`` or more apart, with each reviewer's mark.
    """
    rows = []
    for rank, s in enumerate(scores, start=1):
        flagged = "; ".join(
            f"{criterion_name(d.criterion)}: "
            + ", ".join(f"{who} {mark}" for who, mark in d.by_reviewer)
            for d in s.flagged
        )
        reviewers = ", ".join(f"{who} {numbers.number(v, 2)}" for who, v in s.by_reviewer)
        rows.append(
            RankRow(rank, s.proposal_id, titles.get(s.proposal_id, ""), s.score, reviewers, flagged)
        )
    return rows


@dataclass(frozen=True)
class SensitivityRow:
    """One weight moved by a factor: the new ranking and which proposals move."""

    case: str
    ranking: str
    rank_changes: str


def sensitivity_rows(sens: Sensitivity) -> list[SensitivityRow]:
    """One row per criterion x factor; ``rank_changes`` reads ``P-2: 2 → 1``, or 'none'."""
    rows = []
    for c in sens.cases:
        changes = "; ".join(f"{ch.proposal_id}: {ch.base_rank} → {ch.new_rank}" for ch in c.changes)
        rows.append(SensitivityRow(c.label, " > ".join(c.ranking), changes or _("none")))
    return rows


def rubric_with_weights(rubric: Rubric, weights: Mapping[str, float]) -> Rubric:
    """A copy of ``rubric`` with the given weights (>= 0, relative); others kept."""
    unknown = sorted(set(weights) - set(rubric.ids))
    if unknown:
        raise ValueError(
            ngettext("unknown criterion {ids}", "unknown criteria {ids}", len(unknown)).format(
                ids=", ".join(unknown)
            )
        )
    # One rebuild, so zeroing weights one by one never trips the "one positive" check.
    return Rubric(
        criteria=tuple(
            Criterion.model_validate({**c.model_dump(), "weight": weights.get(c.id, c.weight)})
            for c in rubric.criteria
        )
    )


@dataclass(frozen=True)
class IndicatorRow:
    """One monitored indicator with its status badge and the reason for it."""

    project_id: str
    horizon: str
    name: str
    unit: str
    baseline: float | None
    target: float
    actual: float | None
    status: str
    reason: str


def monitoring_rows(indicators: Iterable[ProjectIndicator]) -> list[IndicatorRow]:
    """Rows for the at-a-glance table: status and the one-line reason for it."""
    rows = []
    for ind in indicators:
        status, reason = indicator_status(ind)
        rows.append(
            IndicatorRow(
                ind.project_id,
                ind.horizon,
                ind.name,
                ind.unit,
                ind.baseline,
                ind.target,
                ind.actual,
                status,
                reason,
            )
        )
    return rows
