"""Proposals, reviews, NET assessments and project indicators in the database (SQLite, PG)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from model import DATA_DIR
from model.accounts.auth import VIEWER, PermissionDenied, User
from model.screening.indicators import ProjectIndicator
from model.screening.net import history
from model.screening.rubric import CriterionScore, Review
from model.store.db import transaction
from model.store.importer import ImportRejected
from model.store.net_files import fetch_net_assessments, import_net_assessments
from model.store.orm import AuditEventRow, NetAssessmentRow, ProposalReviewRow, ProposalRow
from model.store.proposal_files import (
    fetch_proposals,
    import_proposals,
    parse_proposals,
    proposal_statuses,
)
from model.store.screening import (
    fetch_project_indicators,
    fetch_reviews,
    hand_over,
    save_project_indicators,
    save_review,
    start_monitoring,
)

EXAMPLE = DATA_DIR / "proposals_example.csv"
SCREENER = User(username="sam", role="screener")
ANALYST = User(username="ana", role="analyst")


def count(engine: Engine, table: type) -> int:
    with transaction(engine) as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


def test_import_proposals_round_trips_and_upserts(engine: Engine) -> None:
    data = EXAMPLE.read_bytes()
    first = import_proposals(engine, data, EXAMPLE.name, user=SCREENER)
    assert len(first.inserted) == 8
    assert fetch_proposals(engine) == sorted(
        parse_proposals(data, EXAMPLE.name), key=lambda p: p.proposal_id
    )
    again = import_proposals(engine, data, EXAMPLE.name, user=SCREENER)
    assert (len(again.inserted), len(again.updated), len(again.unchanged)) == (0, 0, 8)
    changed = data.replace(b"P-008,Capital District software cluster seminar", b"P-008,Renamed")
    assert import_proposals(engine, changed, "v2.csv", user=SCREENER).updated == ("P-008",)
    assert count(engine, AuditEventRow) == 3


def test_rejected_proposal_file_writes_nothing(engine: Engine) -> None:
    bad = (
        "proposal_id,title,region,entities,amount_requested,duration_months\n"
        "OK1,Fine,Norte,A|business_enterprise,200000,12\n"
        "BAD,Broken,Norte,A|business_enterprise; B|guild,200000,twelve\n"
    )
    with pytest.raises(ImportRejected) as info:
        import_proposals(engine, bad.encode(), "bad.csv", user=SCREENER)
    assert {(p.row, p.column) for p in info.value.problems} == {
        (3, "entities"),
        (3, "duration_months"),
    }
    assert count(engine, ProposalRow) == 0
    assert count(engine, AuditEventRow) == 0


def test_reviews_hand_over_and_monitoring(engine: Engine) -> None:
    import_proposals(engine, EXAMPLE.read_bytes(), EXAMPLE.name, user=SCREENER)
    r1 = Review(
        proposal_id="P-001",
        reviewer="sam",  # the signed-in screener's own review
        scores=(
            CriterionScore(criterion="innovation", score=4, comment="new cold chain"),
            CriterionScore(criterion="governance", score=2),
        ),
    )
    save_review(engine, r1, user=SCREENER)
    # Re-scoring replaces the reviewer's earlier scores; a dropped criterion goes.
    r1b = r1.model_copy(update={"scores": (CriterionScore(criterion="innovation", score=5),)})
    save_review(engine, r1b, user=SCREENER)
    assert fetch_reviews(engine, "P-001") == [r1b]
    assert count(engine, ProposalReviewRow) == 1
    with pytest.raises(ValueError, match="'NOPE' is not in the database"):
        save_review(engine, r1.model_copy(update={"proposal_id": "NOPE"}), user=SCREENER)

    candidates = hand_over(engine, user=SCREENER)
    # No size limit by default (004 section 2.1 describes past sizes, not a ceiling).
    assert [c.id for c in candidates] == ["P-001", "P-005", "P-006", "P-007", "P-008"]
    statuses = proposal_statuses(engine)
    assert statuses["P-001"] == "handed_over" and statuses["P-002"] == "ineligible"

    added = start_monitoring(engine, ["P-006"], user=SCREENER)
    assert added == 4
    monitored = fetch_project_indicators(engine, "P-006")
    jobs = next(i for i in monitored if i.unit == "jobs")
    save_project_indicators(engine, [jobs.model_copy(update={"actual": 33.0})], user=SCREENER)
    # Starting monitoring again keeps the recorded actual.
    assert start_monitoring(engine, ["P-006"], user=SCREENER) == 0
    again = next(i for i in fetch_project_indicators(engine, "P-006") if i.unit == "jobs")
    assert again.actual == 33.0 and again.status == "on track"
    assert proposal_statuses(engine)["P-006"] == "funded"


def test_project_indicator_check_constraint(engine: Engine) -> None:
    good = ProjectIndicator(project_id="X", name="n", horizon="short", baseline=0, target=1)
    save_project_indicators(engine, [good], user=SCREENER)
    assert fetch_project_indicators(engine) == [good]


def test_net_assessments_round_trip(engine: Engine) -> None:
    path = DATA_DIR / "net_example.csv"
    report = import_net_assessments(engine, path.read_bytes(), path.name, user=SCREENER)
    assert (report.inserted, report.updated) == (8, 0)
    assert import_net_assessments(engine, path.read_bytes(), path.name, user=SCREENER).updated == 8
    stored = fetch_net_assessments(engine)
    assert count(engine, NetAssessmentRow) == 8
    metal = history(stored, "N-METAL")
    assert [p.assessed_on.year for p in metal] == [2023, 2024, 2025]
    assert fetch_net_assessments(engine, "N-WOOD")[0].cells[0][0] == "achieved"


@pytest.mark.parametrize(
    "who", [VIEWER, ANALYST, User("old", "screener", expires_at=datetime(2000, 1, 1, tzinfo=UTC))]
)
def test_screening_writes_need_the_screener_role(engine: Engine, who: User) -> None:
    """Every screening write checks the role in the model; a refused write leaves no row."""
    import_proposals(engine, EXAMPLE.read_bytes(), EXAMPLE.name, user=SCREENER)
    audit_before = count(engine, AuditEventRow)
    review = Review(
        proposal_id="P-001", reviewer="x", scores=(CriterionScore(criterion="innovation", score=3),)
    )
    net = DATA_DIR / "net_example.csv"
    indicator = ProjectIndicator(
        project_id="P-001", name="n", horizon="short", baseline=0, target=1
    )
    attempts: list[Callable[[], object]] = [
        lambda: import_proposals(engine, EXAMPLE.read_bytes(), EXAMPLE.name, user=who),
        lambda: save_review(engine, review, user=who),
        lambda: hand_over(engine, user=who),
        lambda: start_monitoring(engine, ["P-001"], user=who),
        lambda: save_project_indicators(engine, [indicator], user=who),
        lambda: import_net_assessments(engine, net.read_bytes(), net.name, user=who),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert count(engine, ProposalReviewRow) == 0
    assert count(engine, NetAssessmentRow) == 0
    assert set(proposal_statuses(engine).values()) == {"submitted"}
    assert count(engine, AuditEventRow) == audit_before
