"""marshmallow fields for the admin API: dates typed the UK way, and an election's scope."""
from __future__ import annotations

from marshmallow import ValidationError, fields

from postcheck.elections.calendar import LONDON
from postcheck.elections.dates import DateInputError, parse_uk_date, parse_uk_moment


class UkDate(fields.Field):
    """ISO (2028-05-04) or as typed in the UK (Thursday 4 May 2028, 4/5/2028: day first)."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_uk_date(value)
        except DateInputError as exc:
            raise ValidationError(str(exc)) from None

    def _serialize(self, value, attr, obj, **kwargs):
        return value.isoformat() if value else None


class UkMoment(fields.Field):
    """A date-time, ISO or typed; local (London) time unless it has an offset; a bare date means the end of that day."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_uk_moment(value, LONDON)
        except DateInputError as exc:
            raise ValidationError(str(exc)) from None

    def _serialize(self, value, attr, obj, **kwargs):
        return value.astimezone(LONDON).isoformat() if value else None


class Scope(fields.Field):
    """`borough`, or a list of the wards (a constituency for a parliamentary by-election)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "borough":
            return value
        if (isinstance(value, list) and 0 < len(value) <= 100
                and all(isinstance(v, str) and 0 < len(v.strip()) <= 100 for v in value)):
            return [v.strip() for v in value]
        raise ValidationError('Give "borough" or a list of ward names, e.g. ["Noel Park"].')

    def _serialize(self, value, attr, obj, **kwargs):
        return value
