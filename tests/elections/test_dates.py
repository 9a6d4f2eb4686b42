"""Dates typed the UK way, read by dateparser day first; anything short of a full date is refused."""
import datetime as dt

import pytest

from postcheck.elections.calendar import LONDON
from postcheck.elections.dates import DateInputError, parse_uk_date, parse_uk_moment


@pytest.mark.parametrize("typed", ["2028-05-04", "Thursday 4 May 2028", "4/5/2028", "4th May 2028", "04.05.28",
                                   "4 May 2028", "Thu 4 May 2028"])
def test_typed_dates_mean_4_may_2028(typed):
    assert parse_uk_date(typed) == dt.date(2028, 5, 4)


@pytest.mark.parametrize("typed", ["2028/05/04", "2028.5.4", "2028-5-4"])
def test_a_date_that_starts_with_its_year_is_year_month_day(typed):
    assert parse_uk_date(typed) == dt.date(2028, 5, 4)


@pytest.mark.parametrize("typed", ["2024-13-01", "2028/04/31", "2027-02-29"])
def test_a_year_first_date_with_no_such_month_or_day_is_refused_not_read_day_first(typed):
    # Found by schemathesis: "2024-13-01" was stored as 13 January 2024.
    with pytest.raises(DateInputError, match="is year, month, day, and there is no day"):
        parse_uk_date(typed)


@pytest.mark.parametrize("typed, understood", [
    ("4 May", "'4 May' with no year"),
    ("May 2028", "'May 2028' with no day"),
    ("banana", "nothing recognisable"),
    ("next Thursday", "not a date"),
    ("Friday 4 May 2028", "is not a Friday"),
])
def test_incomplete_or_contradictory_dates_are_refused_with_what_was_understood(typed, understood):
    with pytest.raises(DateInputError, match=understood):
        parse_uk_date(typed)


def test_moments_default_to_london_time_and_a_bare_date_means_the_end_of_that_day():
    assert parse_uk_moment("5 May 2028 18:00", LONDON) == dt.datetime(2028, 5, 5, 18, tzinfo=LONDON)
    assert parse_uk_moment("2028-05-05", LONDON) == dt.datetime(2028, 5, 6, 0, tzinfo=LONDON)
    assert parse_uk_moment("2028-05-05T18:00+00:00", LONDON).utcoffset() == dt.timedelta(0)
