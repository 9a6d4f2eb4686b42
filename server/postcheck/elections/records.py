"""An election as comms see it: the stored fields plus what the law derives from them (the notice
deadline, the period) and warnings about entries that are allowed but probably wrong."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from postcheck.elections.calendar import LONDON
from postcheck.elections.ids import election_id
from postcheck.elections.schedule import schedule_of
from postcheck.elections.timetable import DERIVABLE_KINDS


def derive_id(kind: str, poll_date: dt.date, scope, settings: dict) -> str:
    return election_id(kind, poll_date, organisation=settings["organisation"],
                       mayor_organisation=settings["mayor_organisation"], scope=scope)


def warnings_for(kind: str, poll_date: dt.date, notice_date: dt.date | None, deadline: dt.date | None,
                 ends: dt.datetime, starts: dt.datetime | None) -> list[str]:
    warnings = []
    if poll_date.weekday() != 3:
        warnings.append(f"Polling day {poll_date:%A} {poll_date.day} {poll_date:%B %Y} is not a Thursday; "
                        "UK polls are almost always on a Thursday, so check the date.")
    if kind not in DERIVABLE_KINDS and notice_date is None:
        warnings.append("For this kind of election the start of the period cannot be worked out from polling day: "
                        "enter notice_date (the day the notice of election is published) or no warnings will be given.")
    if notice_date and deadline and notice_date > deadline:
        warnings.append(f"notice_date is after the statutory deadline ({deadline.isoformat()}); check it.")
    if notice_date and notice_date > poll_date:
        warnings.append("notice_date is after polling day; check it.")
    if starts is not None and ends <= starts:
        warnings.append("The period ends before it starts (check ends_override): it is ignored.")
    return warnings


def describe(row, extra_days: Iterable[dt.date] = ()) -> dict:
    s = schedule_of(row.id, row.kind, row.poll_date, row.notice_date, row.ends_override, extra_days)
    return {
        "id": row.id, "name": row.name, "kind": row.kind, "poll_date": row.poll_date.isoformat(),
        "notice_date": row.notice_date.isoformat() if row.notice_date else None,
        "notice_deadline": s.notice_deadline.isoformat() if s.notice_deadline else None,
        "starts": s.starts.isoformat() if s.starts else None, "ends": s.ends.isoformat(),
        "ends_override": row.ends_override.astimezone(LONDON).isoformat() if row.ends_override else None,
        "scope": row.scope, "notes": row.notes, "revision": row.revision,
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
        "warnings": warnings_for(row.kind, row.poll_date, row.notice_date, s.notice_deadline, s.ends, s.starts),
    }
