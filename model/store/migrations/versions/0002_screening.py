"""screening: proposal reviews, NET assessments, project indicators

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "proposal_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("proposal_id", sa.String(length=64), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("criterion", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "score >= 0 AND score <= 5", name=op.f("ck_proposal_reviews_score_range")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.proposal_id"],
            name=op.f("fk_proposal_reviews_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_reviews")),
        sa.UniqueConstraint(
            "proposal_id",
            "reviewer",
            "criterion",
            name=op.f("uq_proposal_reviews_proposal_id_reviewer_criterion"),
        ),
    )
    with op.batch_alter_table("proposal_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_reviews_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "net_assessments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("network_id", sa.String(length=64), nullable=False),
        sa.Column("network_name", sa.String(length=200), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("assessor", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_net_assessments")),
        sa.UniqueConstraint(
            "network_id", "assessed_on", name=op.f("uq_net_assessments_network_id_assessed_on")
        ),
    )
    with op.batch_alter_table("net_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_net_assessments_network_id"), ["network_id"], unique=False
        )

    op.create_table(
        "project_indicators",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("horizon", sa.String(length=10), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("actual", sa.Float(), nullable=True),
        sa.Column("expected_share", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "expected_share >= 0 AND expected_share <= 1",
            name=op.f("ck_project_indicators_expected_share"),
        ),
        sa.CheckConstraint(
            "horizon IN ('short', 'medium', 'long')", name=op.f("ck_project_indicators_horizon")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_indicators")),
        sa.UniqueConstraint(
            "project_id", "name", name=op.f("uq_project_indicators_project_id_name")
        ),
    )
    with op.batch_alter_table("project_indicators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_indicators_project_id"), ["project_id"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("project_indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_indicators_project_id"))
    op.drop_table("project_indicators")
    with op.batch_alter_table("net_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_net_assessments_network_id"))
    op.drop_table("net_assessments")
    with op.batch_alter_table("proposal_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_reviews_proposal_id"))
    op.drop_table("proposal_reviews")
