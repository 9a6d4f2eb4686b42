"""Council channels (the official accounts, their owners, authorisation and password age) and the
version counter that tells every server process a channel changed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

from postcheck.store.types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("store_state") as batch:
        batch.add_column(sa.Column("channels_version", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "council_channels",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("handle", sa.String(100), nullable=False),
        sa.Column("handle_key", sa.String(100), nullable=False, index=True),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("owner_name", sa.String(200), nullable=False),
        sa.Column("owner_contact", sa.String(200), nullable=False),
        sa.Column("authorised_on", sa.Date()),
        sa.Column("authorised_by", sa.String(200), nullable=False),
        sa.Column("password_changed_on", sa.Date()),
        sa.Column("staff_with_access", sa.JSON(), nullable=False),
        sa.Column("access_changed_on", sa.Date()),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("platform", "handle_key", name="uq_council_channels_handle"),
    )


def downgrade() -> None:
    op.drop_table("council_channels")
    with op.batch_alter_table("store_state") as batch:
        batch.drop_column("channels_version")
