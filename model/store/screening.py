"""Persistence of reviews, hand-over status and project indicators (one transaction each).

Every write takes the acting ``User`` and checks its role first (``model.accounts.auth.require``:
``review.write`` or ``indicator.write``, ``proposal.write`` for the hand-over), so a
viewer is refused here, not only by a hidden button. Every write adds one audit event.
Reviews live in ``proposal_reviews`` (one row
per proposal x reviewer x criterion); project indicators in
``project_indicators`` (unique per project x indicator name).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from model.accounts.auth import PermissionDenied, User, require
from model.domain.candidates import Candidate
from model.formatting.i18n import _
from model.screening.handover import DEFAULT_RETURN, ReturnAssumption, proposal_to_candidate
from model.screening.indicators import ProjectIndicator, indicators_from_proposal
from model.screening.rubric import CriterionScore, Review
from model.screening.rules import DEFAULT_RULES, ScreeningRules, screen
from model.store.db import transaction
from model.store.orm import AuditEventRow, ProjectIndicatorRow, ProposalReviewRow, ProposalRow
from model.store.proposal_files import proposal_from_row

HANDED_OVER = "handed_over"
INELIGIBLE = "ineligible"
MONITORED = "funded"
INDICATOR_FIELDS: tuple[str, ...] = tuple(ProjectIndicator.model_fields)


def save_review(engine: Engine, review: Review, *, user: User) -> None:
    """Store one reviewer's scores for one proposal, replacing that reviewer's earlier ones.

    A review belongs to the signed-in account: a screener saves only their own
    (``review.reviewer`` must be their username, else ``PermissionDenied``); an admin may
    act for another reviewer, and the audit log records it as ``review_for``.
    """
    require(user, "review.write")
    acting_for = review.reviewer != user.username
    if acting_for and user.role != "admin":
        raise PermissionDenied(
            _(
                "{user} may save only their own review, not '{reviewer}''s "
                "(an admin may act for another reviewer)"
            ).format(user=user.username, reviewer=review.reviewer)
        )
    with transaction(engine) as s:
        known = s.scalar(
            select(ProposalRow.proposal_id).where(ProposalRow.proposal_id == review.proposal_id)
        )
        if known is None:
            raise ValueError(
                _("proposal '{proposal}' is not in the database").format(
                    proposal=review.proposal_id
                )
            )
        rows = s.scalars(
            select(ProposalReviewRow).where(
                ProposalReviewRow.proposal_id == review.proposal_id,
                ProposalReviewRow.reviewer == review.reviewer,
            )
        ).all()
        before = {r.criterion: r.score for r in rows}
        existing = {r.criterion: r for r in rows}
        for sc in review.scores:
            row = existing.pop(sc.criterion, None)
            if row is None:
                s.add(
                    ProposalReviewRow(
                        proposal_id=review.proposal_id,
                        reviewer=review.reviewer,
                        criterion=sc.criterion,
                        score=sc.score,
                        comment=sc.comment,
                    )
                )
            else:
                row.score, row.comment = sc.score, sc.comment
        for stale in existing.values():
            s.delete(stale)
        s.add(
            AuditEventRow(
                actor=user.username,
                action="review_for" if acting_for else "review",
                entity="proposal_reviews",
                entity_key=f"{review.proposal_id}/{review.reviewer}"[:200],
                before=before or None,
                after=review.by_criterion(),
            )
        )


def fetch_reviews(engine: Engine, proposal_id: str | None = None) -> list[Review]:
    """Stored reviews (all, or one proposal's), by proposal then reviewer."""
    q = select(ProposalReviewRow).order_by(
        ProposalReviewRow.proposal_id, ProposalReviewRow.reviewer, ProposalReviewRow.criterion
    )
    if proposal_id is not None:
        q = q.where(ProposalReviewRow.proposal_id == proposal_id)
    grouped: dict[tuple[str, str], list[CriterionScore]] = {}
    with transaction(engine) as s:
        for r in s.scalars(q):
            grouped.setdefault((r.proposal_id, r.reviewer), []).append(
                CriterionScore(criterion=r.criterion, score=r.score, comment=r.comment)
            )
    return [
        Review(proposal_id=pid, reviewer=who, scores=tuple(scores))
        for (pid, who), scores in grouped.items()
    ]


def hand_over(
    engine: Engine,
    rules: ScreeningRules = DEFAULT_RULES,
    *,
    user: User,
    proposal_ids: Sequence[str] | None = None,
    start_year: int = 1,
    returns: ReturnAssumption = DEFAULT_RETURN,
) -> list[Candidate]:
    """Screen stored proposals and return the eligible ones as candidates, in one action.

    Eligible proposals are marked ``handed_over``, the others ``ineligible``;
    the planner puts the returned candidates into a scenario.
    """
    require(user, "proposal.write")
    with transaction(engine) as s:
        return hand_over_in(
            s,
            rules,
            actor=user.username,
            proposal_ids=proposal_ids,
            start_year=start_year,
            returns=returns,
        )


def hand_over_in(
    s: Session,
    rules: ScreeningRules = DEFAULT_RULES,
    *,
    actor: str,
    proposal_ids: Sequence[str] | None = None,
    start_year: int = 1,
    returns: ReturnAssumption = DEFAULT_RETURN,
) -> list[Candidate]:
    """``hand_over`` inside the caller's transaction (the caller has checked the role), so
    a larger write, such as a plan dataset built from the candidates, commits with it."""
    candidates: list[Candidate] = []
    q = select(ProposalRow).order_by(ProposalRow.proposal_id)
    if proposal_ids is not None:
        q = q.where(ProposalRow.proposal_id.in_(list(proposal_ids)))
    rows = s.scalars(q).all()
    found = {r.proposal_id for r in rows}
    missing = [pid for pid in proposal_ids or () if pid not in found]
    if missing:
        raise ValueError(_("unknown proposal(s): {proposals}").format(proposals=", ".join(missing)))
    statuses = {}
    for row in rows:
        p = proposal_from_row(row)
        verdict = screen(p, rules)
        if verdict.eligible:
            candidates.append(
                proposal_to_candidate(p, verdict, rules, start_year=start_year, returns=returns)
            )
        status = HANDED_OVER if verdict.eligible else INELIGIBLE
        if row.status != status:
            row.status = status
        statuses[p.proposal_id] = status
    s.add(
        AuditEventRow(
            actor=actor,
            action="hand_over",
            entity="proposals",
            entity_key=f"{len(candidates)} candidate(s)",
            before=None,
            after=statuses,
        )
    )
    return candidates


def _upsert_indicators(
    s: Session, indicators: Iterable[ProjectIndicator], *, overwrite: bool
) -> list[str]:
    keys = []
    for ind in indicators:
        row = s.scalars(
            select(ProjectIndicatorRow).where(
                ProjectIndicatorRow.project_id == ind.project_id,
                ProjectIndicatorRow.name == ind.name,
            )
        ).one_or_none()
        if row is None:
            s.add(ProjectIndicatorRow(**ind.model_dump()))
        elif overwrite:
            for k, v in ind.model_dump().items():
                setattr(row, k, v)
        else:
            continue
        keys.append(f"{ind.project_id}/{ind.name}")
    return keys


def save_project_indicators(
    engine: Engine, indicators: Iterable[ProjectIndicator], *, user: User
) -> int:
    """Upsert indicators by (project_id, name); returns how many were written."""
    require(user, "indicator.write")
    with transaction(engine) as s:
        keys = _upsert_indicators(s, indicators, overwrite=True)
        s.add(
            AuditEventRow(
                actor=user.username,
                action="save",
                entity="project_indicators",
                entity_key=f"{len(keys)} indicator(s)",
                before=None,
                after={"indicators": keys},
            )
        )
    return len(keys)


def fetch_project_indicators(
    engine: Engine, project_id: str | None = None
) -> list[ProjectIndicator]:
    q = select(ProjectIndicatorRow).order_by(
        ProjectIndicatorRow.project_id, ProjectIndicatorRow.horizon, ProjectIndicatorRow.name
    )
    if project_id is not None:
        q = q.where(ProjectIndicatorRow.project_id == project_id)
    with transaction(engine) as s:
        return [
            ProjectIndicator.model_validate({f: getattr(r, f) for f in INDICATOR_FIELDS})
            for r in s.scalars(q)
        ]


def start_monitoring(engine: Engine, proposal_ids: Sequence[str], *, user: User) -> int:
    """For funded proposals: mark them ``funded`` and copy their expected indicators.

    Indicators already monitored are left as they are (their actuals are kept).
    Returns the number of indicators added.
    """
    require(user, "indicator.write")
    with transaction(engine) as s:
        rows = s.scalars(
            select(ProposalRow).where(ProposalRow.proposal_id.in_(list(proposal_ids)))
        ).all()
        found = {r.proposal_id for r in rows}
        missing = [pid for pid in proposal_ids if pid not in found]
        if missing:
            raise ValueError(
                _("unknown proposal(s): {proposals}").format(proposals=", ".join(missing))
            )
        indicators = [i for r in rows for i in indicators_from_proposal(proposal_from_row(r))]
        for r in rows:
            r.status = MONITORED
        keys = _upsert_indicators(s, indicators, overwrite=False)
        s.add(
            AuditEventRow(
                actor=user.username,
                action="start_monitoring",
                entity="project_indicators",
                entity_key=", ".join(sorted(found))[:200],
                before=None,
                after={"indicators": keys},
            )
        )
    return len(keys)
