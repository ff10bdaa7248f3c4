"""Database tables (SQLAlchemy 2.0 typed ORM). Migrations in ``model/store/migrations`` match these.

Money columns are US$ (nominal, of the row's price year), shares 0-1, years
calendar years unless the column says "year of operation" or "plan year".
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from model.store.db import Base


def utcnow() -> datetime:
    return datetime.now(UTC)


class ProgrammeRow(Base):
    """A programme or cluster the source documents report on."""

    __tablename__ = "programmes"

    programme_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    instrument: Mapped[str] = mapped_column(String(40), default="other")
    agency: Mapped[str] = mapped_column(String(200), default="")
    period_start: Mapped[int | None] = mapped_column(Integer)
    period_end: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    source_file: Mapped[str] = mapped_column(String(200))
    passage: Mapped[str] = mapped_column(String(500))


class EvidenceRow(Base):
    """One cited figure about one programme (see ``model.domain.evidence``)."""

    __tablename__ = "evidence_records"
    __table_args__ = (CheckConstraint("low IS NULL OR high IS NULL OR low <= high", name="range"),)

    evidence_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    programme_id: Mapped[str] = mapped_column(
        ForeignKey("programmes.programme_id", ondelete="RESTRICT"), index=True
    )
    metric: Mapped[str] = mapped_column(String(64), index=True)
    qualifier: Mapped[str] = mapped_column(String(100), default="")
    value: Mapped[float | None] = mapped_column(Float)
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3), default="")
    price_year: Mapped[int | None] = mapped_column(Integer)
    period_start: Mapped[int | None] = mapped_column(Integer)
    period_end: Mapped[int | None] = mapped_column(Integer)
    basis: Mapped[str] = mapped_column(String(30), default="")
    source_file: Mapped[str] = mapped_column(String(200))
    passage: Mapped[str] = mapped_column(String(500))
    note: Mapped[str] = mapped_column(Text, default="")


class RegionRow(Base):
    """A region of a planning dataset's country; lagging regions get equity floors."""

    __tablename__ = "regions"

    dataset: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    country: Mapped[str] = mapped_column(String(100), default="")
    lagging: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class CandidateRow(Base):
    """A fundable planning candidate (see ``model.domain.candidates.Candidate`` for units)."""

    __tablename__ = "candidates"
    __table_args__ = (
        CheckConstraint(
            "public_share_floor >= 0 AND public_share_floor <= public_share_ceiling "
            "AND public_share_ceiling <= 1",
            name="public_share_band",
        ),
        CheckConstraint(
            "kind IN ('cluster_initiative', 'broker_programme', 'matching_grant')", name="kind"
        ),
    )

    dataset: Mapped[str] = mapped_column(String(64), primary_key=True)
    candidate_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(100))
    sector: Mapped[str] = mapped_column(String(200), default="")
    start_year: Mapped[int] = mapped_column(Integer, default=1)
    cost_by_year: Mapped[list[float]] = mapped_column(JSON)
    public_share_floor: Mapped[float] = mapped_column(Float, default=0.0)
    public_share_ceiling: Mapped[float] = mapped_column(Float, default=1.0)
    fee_schedule: Mapped[list[float]] = mapped_column(JSON, default=list)
    partner_match: Mapped[float] = mapped_column(Float, default=0.0)
    match_ratio: Mapped[float | None] = mapped_column(Float)
    grant_cap: Mapped[float | None] = mapped_column(Float)
    eligible: Mapped[bool] = mapped_column(Boolean, default=True)
    networks_needed: Mapped[float] = mapped_column(Float, default=0.0)
    networks_served: Mapped[float] = mapped_column(Float, default=0.0)
    enterprises: Mapped[float] = mapped_column(Float)
    enterprises_low: Mapped[float] = mapped_column(Float)
    enterprises_high: Mapped[float] = mapped_column(Float)
    jobs: Mapped[float] = mapped_column(Float)
    jobs_low: Mapped[float] = mapped_column(Float)
    jobs_high: Mapped[float] = mapped_column(Float)
    benefit: Mapped[float] = mapped_column(Float)
    benefit_low: Mapped[float] = mapped_column(Float)
    benefit_high: Mapped[float] = mapped_column(Float)
    evidence_basis: Mapped[str] = mapped_column(Text, default="")


class ScenarioRow(Base):
    """A saved funding scenario: its inputs (scenario JSON) and last result."""

    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    dataset: Mapped[str] = mapped_column(String(64), default="demo")
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    # Optimistic locking: a save based on a stale version raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it as is)


class ProposalRow(Base):
    """A territorial project proposal submitted for a matching grant (MIF 004 section V)."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    proposal_id: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    territory: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    sector: Mapped[str] = mapped_column(String(200), default="")
    entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    amount_requested: Mapped[float] = mapped_column(Float, default=0.0)
    match_cash: Mapped[float] = mapped_column(Float, default=0.0)
    match_in_kind: Mapped[float] = mapped_column(Float, default=0.0)
    duration_months: Mapped[int] = mapped_column(Integer, default=12)
    innovation: Mapped[str] = mapped_column(Text, default="")
    environmental_compliance: Mapped[bool] = mapped_column(Boolean, default=False)
    regulatory_compliance: Mapped[bool] = mapped_column(Boolean, default=False)
    inclusion: Mapped[list[str]] = mapped_column(JSON, default=list)
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(30), default="submitted")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # Optimistic locking: a save based on a stale version raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it as is)


class UserRow(Base):
    """A local account; passwords are stored only as a slow hash."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('viewer', 'analyst', 'screener', 'admin')", name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The interface locale the account chose (es_CO, en_US...); None: the browser decides.
    locale: Mapped[str | None] = mapped_column(String(16), default=None)


class AuditEventRow(Base):
    """One write: who, when, what, and the record before and after."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str] = mapped_column(String(200), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ProposalReviewRow(Base):
    """One reviewer's score (integer 0-5) and comment on one rubric criterion of a proposal."""

    __tablename__ = "proposal_reviews"
    __table_args__ = (
        UniqueConstraint("proposal_id", "reviewer", "criterion"),
        CheckConstraint("score >= 0 AND score <= 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    proposal_id: Mapped[str] = mapped_column(
        ForeignKey("proposals.proposal_id", ondelete="CASCADE"), index=True
    )
    reviewer: Mapped[str] = mapped_column(String(100))
    criterion: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class NetAssessmentRow(Base):
    """A NET assessment of a network: 7 indicators x 5 stages of achieved|partly|not."""

    __tablename__ = "net_assessments"
    __table_args__ = (UniqueConstraint("network_id", "assessed_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    network_id: Mapped[str] = mapped_column(String(64), index=True)
    network_name: Mapped[str] = mapped_column(String(200), default="")
    assessed_on: Mapped[date] = mapped_column(Date)
    cells: Mapped[list[list[str]]] = mapped_column(JSON)
    assessor: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProjectIndicatorRow(Base):
    """An IDB monitoring indicator of a funded project (values in ``unit``)."""

    __tablename__ = "project_indicators"
    __table_args__ = (
        UniqueConstraint("project_id", "name"),
        CheckConstraint("horizon IN ('short', 'medium', 'long')", name="horizon"),
        CheckConstraint("expected_share >= 0 AND expected_share <= 1", name="expected_share"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    horizon: Mapped[str] = mapped_column(String(10))
    unit: Mapped[str] = mapped_column(String(40), default="")
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    actual: Mapped[float | None] = mapped_column(Float)
    expected_share: Mapped[float] = mapped_column(Float, default=1.0)
    source: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
