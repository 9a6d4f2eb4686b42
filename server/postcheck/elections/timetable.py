"""Statutory dates of an election, from Democracy Club's `uk-election-timetables`.

The notice of election is due a number of working days before polling day (25 for local elections,
30 for the Greater London Authority, whose timetable the Mayor of London shares); the library knows
the rules and counts the days. Which days do not count comes from the `holidays` package (England and
Wales bank holidays, one-off ones included, so the calendar does not run out in a few years), the
library's own list, Christmas Eve, and days of thanksgiving or mourning that comms add by hand.
Maundy Thursday is not a holiday in either source, so it counts as a working day, as the law says.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

import holidays
from uk_election_timetables.calendars import BaseCalendar, Country, UnitedKingdomBankHolidays
from uk_election_timetables.date import DateMatcher
from uk_election_timetables.election_ids import from_election_id

KINDS = ("local", "gla", "mayor", "parl-general", "parl-by", "referendum")
# Kinds whose start can be derived from polling day alone; for the others comms enter the notice date.
DERIVABLE_KINDS = frozenset({"local", "gla", "mayor"})

_LIBRARY_HOLIDAYS = UnitedKingdomBankHolidays()


class _NonWorkingDays(BaseCalendar):
    def __init__(self, years: Iterable[int], extra_days: Iterable[dt.date]):
        days = set(holidays.country_holidays("GB", subdiv="ENG", years=list(years)))
        days.update(dt.date(m.year, m.month, m.day)
                    for m in _LIBRARY_HOLIDAYS.england_and_wales().exempted_dates() if m.year)
        days.update(extra_days)
        self._matchers = [DateMatcher(day=d.day, month=d.month, year=d.year) for d in sorted(days)]

    def exempted_dates(self):
        return self._matchers


class _Holidays:
    """Stands in for the library's bank holiday table (`Election.BANK_HOLIDAY_CALENDAR`); the library
    adds Christmas Eve itself."""

    def __init__(self, years, extra_days):
        self._calendar = _NonWorkingDays(years, extra_days)

    def from_country(self, country: Country) -> BaseCalendar:
        return self._calendar


def notice_deadline(election_id: str, kind: str | None = None, extra_days: Iterable[dt.date] = ()) -> dt.date | None:
    """The latest date the notice of election may be published, or None when the law gives no rule
    that starts from polling day (parliamentary elections, referendums: comms enter the date)."""
    kind = kind or {"parl": "parl-general", "ref": "referendum"}.get(election_id.split(".")[0], election_id.split(".")[0])
    if kind not in DERIVABLE_KINDS:
        return None
    election = from_election_id(election_id, country=Country.ENGLAND)
    poll = election.poll_date
    election.BANK_HOLIDAY_CALENDAR = _Holidays(range(poll.year - 1, poll.year + 1), extra_days)
    return election.notice_of_election_deadline
