"""The calendar snapshot a check reads: the pre-election periods, immutable, swapped whole on change."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from postcheck.engine.evaluate import NO_ELECTION, ElectionState

LONDON = ZoneInfo("Europe/London")
CLOSE_OF_POLL = dt.time(22, 0)


@dataclass(frozen=True)
class Period:
    id: str
    name: str
    poll_date: dt.date
    starts: dt.datetime  # aware
    ends: dt.datetime    # aware, exclusive

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "poll_date": self.poll_date.isoformat(),
                "starts": self.starts.isoformat(), "ends": self.ends.isoformat()}


def period_bounds(start_day: dt.date, poll_date: dt.date, ends_override: dt.datetime | None = None,
                  tz: ZoneInfo = LONDON) -> tuple[dt.datetime, dt.datetime]:
    """From the start of the notice day to the close of poll (22:00) unless comms set another end."""
    starts = dt.datetime.combine(start_day, dt.time(0, 0), tz)
    ends = ends_override or dt.datetime.combine(poll_date, CLOSE_OF_POLL, tz)
    return starts, ends


@dataclass(frozen=True)
class CalendarSnapshot:
    periods: tuple[Period, ...] = ()
    stale: bool = False  # True when the store could not be read and this is the last good copy

    @cached_property  # every check answers it; the snapshot never changes (frozen, swapped whole)
    def version(self) -> str:
        data = json.dumps([p.as_dict() for p in self.periods], sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()[:12]

    def state_at(self, at: dt.datetime) -> ElectionState:
        for period in sorted(self.periods, key=lambda p: p.starts):
            if period.starts <= at < period.ends:
                return ElectionState(True, period.as_dict())
        return NO_ELECTION
