"""Warnings dismissed for one post: outcome `dismissed` ("Dismiss for this post" in the card).

Expand only: a new table. A dismissal names a rule and a category like the outcomes in outcome_counts,
but a server from before this revision sums every outcome it finds there into a fixed set and fails
(a 500 on the comms summary) on one it does not know. Servers of both versions share the database while
a release is rolled out one server at a time, and after a rollback; here an old server never looks. An
old server refuses a `dismissed` report (422), which the extension, whose reports are best effort,
lets go.

The site-change outcomes `no_composer` and `submit_missed` need no revision: they go into
extension_counts (0006), where an old server reads only `unchecked`.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dismissal_counts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("day", sa.Date(), nullable=False, index=True),
        sa.Column("rule", sa.String(100), nullable=False, index=True),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("account_type", sa.String(20), nullable=False),
        sa.Column("extension_version", sa.String(40), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.UniqueConstraint("day", "rule", "category", "platform", "account_type", "extension_version", "source",
                            name="uq_dismissal_counts_key"),
    )


def downgrade() -> None:
    op.drop_table("dismissal_counts")
