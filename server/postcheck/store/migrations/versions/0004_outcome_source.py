"""Outcome counts say who warned: the rules, the learned model, or both (a rule the model agreed with).

Expand only: the column has a server default, so an older server writing without it still counts as
the rules', and old and new servers can share the database during a rollout.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_OLD_KEY = ["day", "rule", "category", "outcome", "platform", "account_type", "extension_version"]


def upgrade() -> None:
    # Batch mode: SQLite cannot change a unique constraint in place, so alembic copies the table.
    with op.batch_alter_table("outcome_counts") as batch:
        batch.add_column(sa.Column("source", sa.String(10), nullable=False, server_default="rules"))
        batch.drop_constraint("uq_outcome_counts_key", type_="unique")
        batch.create_unique_constraint("uq_outcome_counts_key", [*_OLD_KEY, "source"])


def downgrade() -> None:
    with op.batch_alter_table("outcome_counts") as batch:
        batch.drop_constraint("uq_outcome_counts_key", type_="unique")
        batch.create_unique_constraint("uq_outcome_counts_key", _OLD_KEY)
        batch.drop_column("source")
