"""Statutory dates: the notice of election deadlines the law gives, counted by uk-election-timetables
with England and Wales bank holidays from `holidays` and days added by hand."""
import datetime as dt

import pytest

from postcheck.elections.ids import ElectionIdError, election_id
from postcheck.elections.timetable import notice_deadline

D = dt.date


@pytest.mark.parametrize("eid, expected", [
    ("local.haringey.2026-05-07", D(2026, 3, 30)),
    ("local.haringey.2024-05-02", D(2024, 3, 26)),
    ("gla.a.2024-05-02", D(2024, 3, 19)),
    ("gla.a.2028-05-04", D(2028, 3, 20)),
    ("mayor.london.2028-05-04", D(2028, 3, 20)),  # the Mayor of London shares the GLA's 30 days
])
def test_published_notice_deadlines(eid, expected):
    assert notice_deadline(eid) == expected


def test_a_day_of_mourning_added_by_hand_moves_the_deadline_back_one_working_day():
    assert notice_deadline("local.haringey.2026-05-07", extra_days=[D(2026, 4, 15)]) == D(2026, 3, 27)


def test_good_friday_is_disregarded_and_maundy_thursday_counts():
    # 2026: Maundy Thursday 2 April, Good Friday 3 April, Easter Monday 6 April. Counting 1 working day
    # back from Tuesday 7 April skips Monday and Friday (holidays) and lands on Thursday.
    from uk_election_timetables.calendars import working_days_before
    from postcheck.elections.timetable import _NonWorkingDays
    assert working_days_before(D(2026, 4, 7), 1, _NonWorkingDays([2026], [])) == D(2026, 4, 2)


def test_one_off_bank_holidays_come_from_the_holidays_package():
    from postcheck.elections.timetable import _NonWorkingDays
    days = {D(m.year, m.month, m.day) for m in _NonWorkingDays([2022, 2023, 2031], []).exempted_dates()}
    assert D(2022, 9, 19) in days  # the Queen's state funeral
    assert D(2023, 5, 8) in days   # the coronation
    assert D(2031, 4, 11) in days  # Good Friday 2031: beyond the timetable library's own list


@pytest.mark.parametrize("eid", ["parl.2029-05-03", "parl.tottenham.2027-02-04", "ref.haringey.2027-02-04"])
def test_parliamentary_and_referendum_starts_are_entered_by_comms(eid):
    assert notice_deadline(eid) is None


@pytest.mark.parametrize("kind, scope, expected", [
    ("local", "borough", "local.haringey.2026-05-07"),
    ("local", ["Noel Park"], "local.haringey.noel-park.2026-05-07"),
    ("gla", "borough", "gla.a.2026-05-07"),
    ("mayor", "borough", "mayor.london.2026-05-07"),
    ("parl-general", "borough", "parl.2026-05-07"),
    ("parl-by", ["Hornsey and Friern Barnet"], "parl.hornsey-and-friern-barnet.2026-05-07"),
    ("referendum", "borough", "ref.haringey.2026-05-07"),
])
def test_democracy_club_ids(kind, scope, expected):
    assert election_id(kind, D(2026, 5, 7), organisation="haringey", scope=scope) == expected


def test_a_parliamentary_by_election_needs_its_constituency():
    with pytest.raises(ElectionIdError):
        election_id("parl-by", D(2026, 5, 7), organisation="haringey")
