"""The first schema: elections, non-working days, roster, tokens, audit log, store state.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

from postcheck.store.types import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _versioned():
    return [sa.Column("revision", sa.Integer(), nullable=False),
            sa.Column("updated_at", UtcDateTime(), nullable=False)]


def upgrade() -> None:
    state = op.create_table(
        "store_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("calendar_version", sa.Integer(), nullable=False),
        sa.Column("roster_version", sa.Integer(), nullable=False),
        sa.Column("seeded", sa.Boolean(), nullable=False),
    )
    op.bulk_insert(state, [{"id": 1, "calendar_version": 0, "roster_version": 0, "seeded": False}])
    op.create_table(
        "elections",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("poll_date", sa.Date(), nullable=False, index=True),
        sa.Column("notice_date", sa.Date()),
        sa.Column("ends_override", UtcDateTime()),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        *_versioned(),
    )
    op.create_table(
        "non_working_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        *_versioned(),
    )
    op.create_table(
        "parties",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("hashtags", sa.JSON(), nullable=False),
        sa.Column("slogans", sa.JSON(), nullable=False),
        *_versioned(),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("party", sa.String(200), nullable=False),
        sa.Column("ward", sa.String(200), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("handles", sa.JSON(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        *_versioned(),
    )
    op.create_table(
        "roles",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        *_versioned(),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime()),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", UtcDateTime(), nullable=False, index=True),
        sa.Column("actor", sa.String(250), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False, index=True),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("before", sa.JSON()),
        sa.Column("after", sa.JSON()),
        sa.Column("request_id", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    for table in ("audit_log", "tokens", "roles", "people", "parties", "non_working_days", "elections", "store_state"):
        op.drop_table(table)
