"""The calendar and roster every check reads, kept current from the store without a query per check.

Each server process polls one row (`store_state`: two counters bumped by every change) every few
seconds; when a counter moves it reads the calendar (and the roster) and swaps in a new immutable
snapshot, and a roster change makes the rules reload with the new names. When the database cannot be
reached, checks go on with the last snapshot, marked stale, and the next poll that succeeds recovers.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
import time
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from postcheck.polling import Poller
from postcheck.elections.calendar import CalendarSnapshot
from postcheck.elections.roster import lexicons
from postcheck.elections.schedule import build_snapshot
from postcheck.elections.seed import seed_periods
from postcheck.store.database import Store, StoreUnavailable
from postcheck.store.models import Election, NonWorkingDay
from postcheck.store.seeding import seed_if_new

log = logging.getLogger(__name__)


class LiveCalendar:
    def __init__(self, store: Store, rules_dir: Path):
        self.store = store
        self.rules_dir = Path(rules_dir)
        self.current: CalendarSnapshot = CalendarSnapshot()
        self.on_roster_change: Callable[[], object] | None = None
        self.last_error: str | None = None
        self.loaded_at: float | None = None
        self._roster: dict[str, list[str]] | None = None
        self._seen: tuple[int, int] | None = None
        self._ready = False
        self._lock = threading.Lock()
        self._poller = Poller("postcheck-calendar-poll", self.refresh)

    def start(self) -> None:
        """Migrates and seeds the store and loads it; if the database is down, the seed calendar
        serves (marked stale) until it comes back."""
        if not self.refresh():
            if self._seen is None:
                self.current = dataclasses.replace(seed_periods(self.rules_dir), stale=True)
                log.error("calendar store unreachable at start (%s): using the seed calendar until it answers",
                          self.last_error)

    def roster_lexicons(self) -> dict[str, list[str]] | None:
        """For RuleSource: the roster from the store (None until loaded, so roster.yaml serves)."""
        return self._roster

    def refresh(self, force: bool = False) -> bool:
        """Reloads if the store says something changed. True when the snapshot is current."""
        with self._lock:
            try:
                if not self._ready:
                    self.store.upgrade()
                    seed_if_new(self.store, self.rules_dir)
                    self._ready = True
                versions = self.store.versions()
                if versions == self._seen and not force and not self.current.stale:
                    return True
                with self.store.transaction() as session:
                    days = [d.day for d in session.scalars(select(NonWorkingDay))]
                    snapshot = build_snapshot(session.scalars(select(Election)).all(), days)
                    roster_changed = self._seen is None or versions[1] != self._seen[1] or force
                    roster = lexicons(session) if roster_changed else self._roster
            except (StoreUnavailable, SQLAlchemyError) as exc:
                self.last_error = f"{type(exc).__name__}: {exc.args[0] if exc.args else ''}"[:200]
                if self._seen is not None and not self.current.stale:
                    log.error("calendar store unreachable, checks use the last loaded calendar: %s", self.last_error)
                    self.current = dataclasses.replace(self.current, stale=True)
                return False
            if self.current.stale:
                log.info("calendar store reachable again")
            self.current, self._roster, self._seen = snapshot, roster, versions
            self.last_error, self.loaded_at = None, time.time()
        if roster_changed and self.on_roster_change is not None:
            self.on_roster_change()
        return True

    def watch(self, interval: float) -> None:
        """Polls every `interval` seconds on a background thread (idempotent); one per server process."""
        self._poller.start(interval)

    def stop(self) -> None:
        self._poller.stop()
