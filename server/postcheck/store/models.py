"""The tables. Every editable row carries `revision`, which SQLAlchemy checks on UPDATE and DELETE so
two people editing the same row cannot silently overwrite each other (it is also the row's ETag)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from postcheck.store.types import UtcDateTime


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    pass


class Versioned:
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.revision}


class StoreState(Base):
    """One row. Every change bumps a counter here in the same transaction; each server process polls
    this row (one tiny query every few seconds) instead of querying per check."""

    __tablename__ = "store_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    calendar_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    roster_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    channels_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # council channels (0003)
    seeded: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Election(Versioned, Base):
    __tablename__ = "elections"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    poll_date: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    notice_date: Mapped[dt.date | None] = mapped_column(Date)
    ends_override: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    scope: Mapped[object] = mapped_column(JSON, nullable=False, default="borough")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")


class NonWorkingDay(Versioned, Base):
    """A day of public thanksgiving or mourning, disregarded when counting working days."""

    __tablename__ = "non_working_days"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)


class Party(Versioned, Base):
    __tablename__ = "parties"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="party")  # party or group
    aliases: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    hashtags: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    slogans: Mapped[list] = mapped_column(JSON, nullable=False, default=list)


class Person(Versioned, Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="councillor")  # or candidate
    party: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    ward: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    aliases: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    handles: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    roles: Mapped[list] = mapped_column(JSON, nullable=False, default=list)


class Role(Versioned, Base):
    """A generic role ("Cabinet Member for *"): naming it names whoever holds it."""

    __tablename__ = "roles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)


class Token(Base):
    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class AdminSession(Base):
    """One sign-in to the comms pages (0005). The cookie holds a random session id; only its SHA-256
    is kept here, like a token's. Signing out deletes the row, which ends the session on every server."""

    __tablename__ = "admin_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    token_id: Mapped[int] = mapped_column(Integer, ForeignKey("tokens.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(250), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    entity: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    entity_id: Mapped[str] = mapped_column(String(200), nullable=False)
    before: Mapped[object | None] = mapped_column(JSON)
    after: Mapped[object | None] = mapped_column(JSON)
    request_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")


def as_record(row) -> dict:
    """A row's columns as JSON-safe values: what the audit log keeps as `before` and `after`."""
    record = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        elif isinstance(value, list):
            value = list(value)
        record[column.key] = value
    record.pop("token_hash", None)
    return record


class OutcomeCount(Base):
    """What happened to warnings the extension showed: counts per day, never text or handles."""

    __tablename__ = "outcome_counts"
    __table_args__ = (UniqueConstraint("day", "rule", "category", "outcome", "platform", "account_type",
                                       "extension_version", "source", name="uq_outcome_counts_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    rule: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    category: Mapped[str] = mapped_column(String(40), nullable=False)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False)
    platform: Mapped[str] = mapped_column(String(20), nullable=False)
    account_type: Mapped[str] = mapped_column(String(20), nullable=False)
    extension_version: Mapped[str] = mapped_column(String(40), nullable=False)
    # Who warned: "rules", "model" (a learned warning) or "both" (a rule the model agreed with).
    source: Mapped[str] = mapped_column(String(10), nullable=False, default="rules", server_default="rules")
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class ExtensionCount(Base):
    """Reports the extension makes about a post or a page rather than about a warning, so they name no
    rule: outcome "unchecked", a post that went out with no verdict (the check did not come back within
    the wait); and the site-change outcomes "no_composer" (a page view where the site's composer was
    expected and none was found) and "submit_missed" (a submit that could not be intercepted). Counts
    per day, never text or handles. A table of its own (0006), so that servers from
    before it, sharing the database during a rollout, never meet an outcome they do not know."""

    __tablename__ = "extension_counts"
    __table_args__ = (UniqueConstraint("day", "outcome", "platform", "extension_version",
                                       name="uq_extension_counts_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False)
    platform: Mapped[str] = mapped_column(String(20), nullable=False)
    extension_version: Mapped[str] = mapped_column(String(40), nullable=False)
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class DismissalCount(Base):
    """Warnings dismissed for one post ("Dismiss for this post" in the card, outcome "dismissed"):
    counts per day, keyed as outcome_counts is, never text or handles. A table of its own (0007): a
    server from before it reads every outcome in outcome_counts and fails on one it does not know, and
    such servers share the database while a release is rolled out one server at a time, or after a
    rollback."""

    __tablename__ = "dismissal_counts"
    __table_args__ = (UniqueConstraint("day", "rule", "category", "platform", "account_type",
                                       "extension_version", "source", name="uq_dismissal_counts_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    rule: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    category: Mapped[str] = mapped_column(String(40), nullable=False)
    platform: Mapped[str] = mapped_column(String(20), nullable=False)
    account_type: Mapped[str] = mapped_column(String(20), nullable=False)
    extension_version: Mapped[str] = mapped_column(String(40), nullable=False)
    source: Mapped[str] = mapped_column(String(10), nullable=False, default="rules")
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class OutcomeComment(Base):
    """The short reason a member of staff gave when reporting a warning as wrong."""

    __tablename__ = "outcome_comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    rule: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    category: Mapped[str] = mapped_column(String(40), nullable=False)
    comment: Mapped[str] = mapped_column(String(280), nullable=False)


class CouncilChannel(Versioned, Base):
    """An official council account: a post from its handle counts as a council-channel post. The policy
    wants each channel authorised and its access reviewed, so this records who owns it, when it was
    authorised, who has access and when the password was last changed; never the password itself."""

    __tablename__ = "council_channels"
    __table_args__ = (UniqueConstraint("platform", "handle_key", name="uq_council_channels_handle"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20), nullable=False)
    handle: Mapped[str] = mapped_column(String(100), nullable=False)
    # The handle as the check compares it (no @, lower case), so @HaringeyParks and @haringeyparks clash.
    handle_key: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    team: Mapped[str] = mapped_column(String(200), nullable=False)
    owner_name: Mapped[str] = mapped_column(String(200), nullable=False)
    owner_contact: Mapped[str] = mapped_column(String(200), nullable=False)
    authorised_on: Mapped[dt.date | None] = mapped_column(Date)
    authorised_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    password_changed_on: Mapped[dt.date | None] = mapped_column(Date)
    staff_with_access: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    access_changed_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
