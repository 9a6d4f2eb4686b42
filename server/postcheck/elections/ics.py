"""The calendar as iCalendar (RFC 5545) for Outlook and Google Calendar: each pre-election period as
a timed event, and polling day as an all-day event."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from icalendar import Calendar, Event

from postcheck.elections.calendar import Period


def calendar_ics(periods: Iterable[Period], organisation: str, host: str, generated: dt.datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//postcheck//election calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{organisation} pre-election periods".strip())
    cal.add("x-wr-timezone", "Europe/London")
    for period in periods:
        event = Event()
        event.add("uid", f"period-{period.id}@{host}")
        event.add("summary", f"Pre-election period: {period.name}")
        event.add("dtstart", period.starts)
        event.add("dtend", period.ends)
        event.add("dtstamp", generated)
        event.add("description", "No posts that support or promote a councillor, candidate, party or group "
                                 f"until the period ends. Election id {period.id}.")
        event.add("categories", ["Elections"])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
        poll = Event()
        poll.add("uid", f"poll-{period.id}@{host}")
        poll.add("summary", f"Polling day: {period.name}")
        poll.add("dtstart", period.poll_date)
        poll.add("dtend", period.poll_date + dt.timedelta(days=1))
        poll.add("dtstamp", generated)
        poll.add("transp", "TRANSPARENT")
        cal.add_component(poll)
    cal.add_missing_timezones()
    return cal.to_ical()
