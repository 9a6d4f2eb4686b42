"""Statutory dates of an election, from Democracy Club's `uk-election-timetables`.

The notice of election is due a number of working days before polling day (25 for local elections,
30 for the Greater London Authority); the library knows which days do not count.
"""
from __future__ import annotations

import datetime as dt

from uk_election_timetables.calendars import Country
from uk_election_timetables.election_ids import from_election_id

# Kinds whose start can be derived from polling day alone; for a parliamentary election comms enter it.
DERIVABLE_KINDS = {"local", "gla", "mayor", "referendum"}


def notice_deadline(election_id: str) -> dt.date | None:
    """The latest date the notice of election may be published, or None when the law gives no rule."""
    try:
        election = from_election_id(election_id, country=Country.ENGLAND)
        return election.notice_of_election_deadline
    except Exception:  # parliamentary elections and unknown kinds: comms enter the date
        return None
