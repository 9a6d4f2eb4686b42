"""Outcome reports that belong to no rule: `unchecked`, a post that went out with no verdict.

Expand only: a new table. Rows in outcome_counts need a rule and a category, and a server from before
this revision would fail on an outcome it does not know there while old and new servers share the
database during a rollout; here it never looks. An old server refuses an `unchecked` report (422),
which the extension, whose reports are best effort, lets go.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "extension_counts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("day", sa.Date(), nullable=False, index=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("extension_version", sa.String(40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.UniqueConstraint("day", "outcome", "platform", "extension_version", name="uq_extension_counts_key"),
    )


def downgrade() -> None:
    op.drop_table("extension_counts")
