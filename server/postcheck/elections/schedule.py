"""An election's period: from the notice of election (the date comms entered, else the statutory
deadline) to the close of poll at 22:00, or to the end comms set (the declaration, say)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from postcheck.elections.calendar import LONDON, CalendarSnapshot, Period, period_bounds
from postcheck.elections.timetable import notice_deadline


@dataclass(frozen=True)
class Schedule:
    notice_deadline: dt.date | None
    starts: dt.datetime | None  # None: a parliamentary election whose notice date comms have not entered
    ends: dt.datetime


def schedule_of(election_id: str, kind: str, poll_date: dt.date, notice_date: dt.date | None,
                ends_override: dt.datetime | None, extra_days: Iterable[dt.date] = ()) -> Schedule:
    deadline = notice_deadline(election_id, kind, extra_days)
    start_day = notice_date or deadline
    ends = ends_override.astimezone(LONDON) if ends_override else period_bounds(poll_date, poll_date)[1]
    starts = period_bounds(start_day, poll_date)[0] if start_day else None
    return Schedule(deadline, starts, ends)


def build_snapshot(elections: Iterable, extra_days: Iterable[dt.date] = ()) -> CalendarSnapshot:
    """The immutable snapshot checks read, from election rows (anything with the model's fields)."""
    extra_days = tuple(extra_days)
    periods = []
    for e in elections:
        s = schedule_of(e.id, e.kind, e.poll_date, e.notice_date, e.ends_override, extra_days)
        if s.starts is not None and s.starts < s.ends:
            periods.append(Period(e.id, e.name, e.poll_date, s.starts, s.ends))
    return CalendarSnapshot(tuple(sorted(periods, key=lambda p: (p.starts, p.id))))
