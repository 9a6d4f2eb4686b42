"""Dates as a person in the UK types them ("Thursday 4 May 2028", "4/5/2028" meaning 4 May), read by
`dateparser` in day-month-year order. Anything less than a day, a month and a year is refused with
what was understood, so nobody's polling day silently lands in the wrong month or year."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import dateparser

_SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_LOCALE_DATE_ORDER": False,
    "REQUIRE_PARTS": ["day", "month", "year"],
    # Relative phrases ("next Thursday", "in 3 weeks") depend on when they were typed: not a date to store.
    "PARSERS": ["custom-formats", "absolute-time"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}
_LENIENT = {**_SETTINGS, "REQUIRE_PARTS": []}
_HAS_TIME = re.compile(r"\d\s*[:.]\s*\d\d\b|\d\s*(?:am|pm)\b|\bnoon\b|\bmidnight\b", re.IGNORECASE)
# Year first is ISO's order in the UK as anywhere: never read day first ("2024-13-01" is not 13 January).
_YEAR_FIRST = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MAX_LENGTH = 80
# The years a date may fall in: every real polling day, bank holiday or report is well inside, and a
# deadline counted back or a period run on from one stays a date Python and the election-ids library
# can hold (years 1 and 9999 were 500s: an id the library refuses, an .ics period past 9999-12-31).
FIRST_YEAR, LAST_YEAR = 1900, 2199


class DateInputError(ValueError):
    pass


def _in_range(day: dt.date) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DateInputError(f"Give a date from {FIRST_YEAR} to {LAST_YEAR}.")
    return day


def _describe(moment: dt.datetime | None) -> str:
    return "nothing recognisable as a date" if moment is None else f"{moment:%A} {moment.day} {moment:%B %Y}"


def _understood(text: str) -> str:
    """The parts of a date dateparser found, and the ones missing (it would fill those from today)."""
    moment = _parse(text, _LENIENT)
    if moment is None:
        return "nothing recognisable as a date"
    found = {part: _parse(text, {**_LENIENT, "REQUIRE_PARTS": [part]}) is not None for part in ("day", "month", "year")}
    shown = [str(moment.day) if found["day"] else "", f"{moment:%B}" if found["month"] else "",
             str(moment.year) if found["year"] else ""]
    missing = [part for part, ok in found.items() if not ok]
    if len(missing) == 3:
        return "a weekday or a relative day, not a date"
    return f"'{' '.join(p for p in shown if p) or '?'}' with no {' or '.join(missing)}"


def _parse(value: str, settings: dict) -> dt.datetime | None:
    return dateparser.parse(value, languages=["en"], settings=settings)


def parse_uk_date(value) -> dt.date:
    """An ISO date, or a date typed the UK way; DateInputError says what was understood."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_LENGTH:
        raise DateInputError("Give a date with day, month and year, e.g. 2028-05-04 or Thursday 4 May 2028.")
    text = value.strip()
    try:
        iso = dt.date.fromisoformat(text)
    except ValueError:
        iso = None
    if iso is not None:
        return _in_range(iso)
    year_first = _YEAR_FIRST.fullmatch(text)
    if year_first:
        year, month, day = map(int, year_first.groups())
        try:
            return _in_range(dt.date(year, month, day))
        except ValueError:
            raise DateInputError(f"'{text}' is year, month, day, and there is no day {day} in month {month} "
                                 "of that year; e.g. 2028-05-04 for 4 May 2028.") from None
    moment = _parse(text, _SETTINGS)
    if moment is None:
        raise DateInputError(f"'{text}' is not a full date: understood {_understood(text)}; give day, month "
                             "and year, e.g. 4 May 2028 or 4/5/2028 (day first).")
    named = [day for day in _WEEKDAYS if re.search(rf"\b{day[:3]}", text, re.IGNORECASE)]
    if named and named[0] != _WEEKDAYS[moment.weekday()]:
        raise DateInputError(f"'{text}' contradicts itself: {_describe(moment)} is not a {named[0].capitalize()}.")
    return _in_range(moment.date())


def parse_uk_moment(value, tz: ZoneInfo) -> dt.datetime:
    """A date-time (ISO or typed); without an offset it is the organisation's local time. A date with
    no time means the end of that day, which is what 'until Friday 8 May' means to a person."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_LENGTH:
        raise DateInputError("Give a date and time, e.g. 2028-05-05T18:00 or 5 May 2028 18:00.")
    text = value.strip()
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        has_time = "T" in text or " " in text
    except ValueError:
        day = parse_uk_date(_HAS_TIME.sub(" ", text)) if not _HAS_TIME.search(text) else None
        if day is not None:
            moment, has_time = dt.datetime.combine(day, dt.time()), False
        else:
            moment = _parse(text, _SETTINGS)
            if moment is None:
                raise DateInputError(f"'{text}' is not a full date and time: understood "
                                     f"{_understood(text)}; e.g. 5 May 2028 18:00.") from None
            has_time = True
    _in_range(moment.date())
    if not has_time:
        moment = dt.datetime.combine(moment.date() + dt.timedelta(days=1), dt.time())
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)
