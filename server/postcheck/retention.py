"""Retention: the comments of "this warning is wrong" reports and the audit log's entries are deleted
once older than POSTCHECK_COMMENT_RETENTION_DAYS and POSTCHECK_AUDIT_RETENTION_DAYS (0 keeps them).
The outcome counts are never deleted: they hold no text and name no one.

Run by `postcheck retention apply` (a cron job or systemd timer) and by every server process at most
once a UTC day. Several servers on one database are safe: a delete is idempotent (a second run finds
nothing left), the cut-offs fall on UTC midnight so only the first run of a day has anything to
remove, and PostgreSQL runs them one at a time. A run that removed something records one audit line
with the counts and cut-offs, never the removed content; a run that removed nothing records nothing.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import delete, text
from sqlalchemy.exc import SQLAlchemyError

from postcheck.polling import Poller
from postcheck.store.changes import audit
from postcheck.store.database import Store, StoreUnavailable
from postcheck.store.models import AuditEntry, OutcomeComment, utcnow

log = logging.getLogger(__name__)

# Any constant, unlike the migrations' lock: PostgreSQL's advisory lock serialising retention runs, so
# two servers' deletes never interleave (no deadlock, and the second sees the first's work done).
_RETENTION_LOCK = 7_140_502
SERVER_ACTOR = "postcheck (daily retention)"
# How often a server process asks itself whether today's run is done: a memory comparison, no query.
TICK_SECONDS = 600.0


@dataclass(frozen=True)
class Retention:
    """What one run removed. A cut-off of None means that setting is 0: kept without limit."""

    comment_days: int
    audit_days: int
    comments_before: dt.date | None
    audit_before: dt.datetime | None
    comments_removed: int = 0
    audit_removed: int = 0

    @property
    def removed_anything(self) -> bool:
        return bool(self.comments_removed or self.audit_removed)

    def summary(self) -> str:
        """One line of counts and cut-offs (the audit entry's id, and what the command prints)."""
        parts = []
        if self.audit_before is not None:
            parts.append(f"{self.audit_removed} audit entries before {self.audit_before:%Y-%m-%d %H:%M} UTC")
        if self.comments_before is not None:
            parts.append(f"{self.comments_removed} comments before {self.comments_before.isoformat()}")
        return "; ".join(parts) or "nothing: both kept without limit"

    def record(self) -> dict:
        return {"audit_retention_days": self.audit_days, "audit_entries_removed": self.audit_removed,
                "audit_removed_before": self.audit_before.isoformat() if self.audit_before else None,
                "comment_retention_days": self.comment_days, "comments_removed": self.comments_removed,
                "comments_removed_before": self.comments_before.isoformat() if self.comments_before else None}


def cutoffs(comment_days: int, audit_days: int, now: dt.datetime) -> tuple[dt.date | None, dt.datetime | None]:
    """The oldest day of comments kept and the oldest moment of audit entries kept, both at UTC midnight,
    so every run on the same UTC day deletes the same rows: a row goes between N and N+1 days old."""
    today = now.astimezone(dt.timezone.utc).date()
    comments_before = today - dt.timedelta(days=comment_days) if comment_days > 0 else None
    audit_before = (dt.datetime.combine(today - dt.timedelta(days=audit_days), dt.time(), dt.timezone.utc)
                    if audit_days > 0 else None)
    return comments_before, audit_before


def apply(store: Store, comment_days: int, audit_days: int, actor: str, now: dt.datetime | None = None,
          request_id: str = "") -> Retention:
    """Deletes what is older than the settings allow, and audits it, in one transaction."""
    comments_before, audit_before = cutoffs(comment_days, audit_days, now or utcnow())
    comments_removed = audit_removed = 0
    if comments_before is None and audit_before is None:
        return Retention(comment_days, audit_days, None, None)
    with store.transaction() as session:
        if store.backend == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _RETENTION_LOCK})
        if comments_before is not None:
            comments_removed = session.execute(
                delete(OutcomeComment).where(OutcomeComment.day < comments_before)
                .execution_options(synchronize_session=False)).rowcount
        if audit_before is not None:
            audit_removed = session.execute(
                delete(AuditEntry).where(AuditEntry.at < audit_before)
                .execution_options(synchronize_session=False)).rowcount
        result = Retention(comment_days, audit_days, comments_before, audit_before, comments_removed, audit_removed)
        if result.removed_anything:
            # In the same transaction as the deletes: either both happened or neither.
            audit(session, actor, "expire", "retention", result.summary(), None, result.record(), request_id)
    return result


class DailyRetention:
    """The server's own run: each process applies retention at its first tick of each UTC day."""

    def __init__(self, store: Store, settings: dict, clock=utcnow):
        self.store = store
        self.comment_days = settings["COMMENT_RETENTION_DAYS"]
        self.audit_days = settings["AUDIT_RETENTION_DAYS"]
        self._clock = clock
        self._done_on: dt.date | None = None
        self._poller = Poller("retention", self.tick)

    def tick(self) -> Retention | None:
        """Applies retention unless this process already did today; None when it did not run or failed."""
        now = self._clock()
        today = now.astimezone(dt.timezone.utc).date()
        if self._done_on == today:
            return None
        try:
            result = apply(self.store, self.comment_days, self.audit_days, SERVER_ACTOR, now=now)
        except (StoreUnavailable, SQLAlchemyError) as exc:
            # Not marked done: the next tick tries again.
            log.error("retention could not be applied, retrying later: %s", type(exc).__name__)
            return None
        self._done_on = today
        return result

    def watch(self, interval: float = TICK_SECONDS) -> None:
        """Ticks on a background thread (idempotent); nothing to do when both settings keep for ever."""
        if self.comment_days > 0 or self.audit_days > 0:
            self._poller.start(interval)

    def stop(self) -> None:
        self._poller.stop()
