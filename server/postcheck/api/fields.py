"""marshmallow fields for the admin API: dates typed the UK way, an election's scope, and the names and
free text people type that the server keeps (the one place that says which characters they may hold)."""
from __future__ import annotations

import re

from marshmallow import ValidationError, fields, validate

from postcheck.elections.calendar import LONDON
from postcheck.elections.dates import DateInputError, parse_uk_date, parse_uk_moment


# Refused in every name and free text a person types that is stored (roster, elections, channels, tokens'
# names, feedback comments), whichever way it comes in (the JSON API, a CSV file, an /admin form):
# - control characters (Unicode category Cc: U+0000-U+001F, U+007F-U+009F), which forge lines in logs
#   and exports, upset terminals and spreadsheets, and hide in a name so that two names look the same;
# - the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which make a
#   name display as other text ("Trojan Source"). The marks U+200E/U+200F stay: Urdu and Arabic use them.
# Tab and line breaks are control characters too, allowed only in text that has lines (notes, comments);
# CR is allowed there with LF because a browser's textarea sends CRLF.
# The patterns are written so that ECMA 262 (OpenAPI clients, schemathesis' validator) and Python's `re`
# read them alike; apispec copies a validator's `regex` into the OpenAPI document as `pattern`.
_BIDI_CONTROLS = r"\u202a-\u202e\u2066-\u2069"
_REFUSED_IN_ONE_LINE = rf"\u0000-\u001f\u007f-\u009f{_BIDI_CONTROLS}"
_REFUSED_IN_LINES = rf"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f{_BIDI_CONTROLS}"  # tab, LF, CR pass
ONE_LINE_PATTERN = rf"^[^{_REFUSED_IN_ONE_LINE}]*$"
MULTI_LINE_PATTERN = rf"^[^{_REFUSED_IN_LINES}]*$"
_REFUSED_IN = {False: re.compile(f"[{_REFUSED_IN_ONE_LINE}]"), True: re.compile(f"[{_REFUSED_IN_LINES}]")}
_BIDI = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
# A lone UTF-16 surrogate (JSON can carry "\ud800") is not a character at all and no database can keep
# it (it was a 500). Refused here, but not written into the documented pattern: JavaScript reads a
# pattern without the `u` flag in UTF-16 code units, and would then refuse every emoji.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# The C0 controls and DEL by their usual abbreviations (Unicode gives them no names), for the message.
_ABBREVIATIONS = dict(enumerate(("NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN "
                                 "ETB CAN EM SUB ESC FS GS RS US").split())) | {0x7F: "DEL"}


def text_problem(value: str, multiline: bool = False) -> str | None:
    """Why `value` cannot be kept as a name (or, with `multiline`, as notes), or None. The character is
    invisible, so the sentence names its code point."""
    surrogate = _LONE_SURROGATE.search(value)
    if surrogate is not None:
        return (f"Holds a broken character (a lone UTF-16 surrogate, U+{ord(surrogate.group()):04X}); remove it or "
                "retype the text.")
    found = _REFUSED_IN[multiline].search(value)
    if found is None:
        return None
    char = found.group()
    code = " ".join(filter(None, (f"U+{ord(char):04X}", _ABBREVIATIONS.get(ord(char)))))
    if char == "\t":
        return f"Holds a tab ({code}): this field is one line; replace it with a space."
    if char in "\n\r":
        return f"Holds a line break ({code}): this field is one line; put it on one line."
    if ord(char) in _BIDI:
        return (f"Holds an invisible text-direction control ({code}), which can make it show as different text; "
                "remove it (retype the text rather than pasting it).")
    return (f"Holds an invisible control character ({code}); remove it (it often comes with text pasted from "
            "another program).")


class PlainText(validate.Validator):
    """The rule above as a marshmallow validator; `regex` is what the OpenAPI document shows."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline
        self.regex = re.compile(MULTI_LINE_PATTERN if multiline else ONE_LINE_PATTERN)

    def _repr_args(self) -> str:
        return f"multiline={self.multiline!r}"

    def __call__(self, value):
        problem = text_problem(value, self.multiline) if isinstance(value, str) else None
        if problem:
            raise ValidationError(problem)
        return value


class Name(fields.String):
    """One line a person types and the server keeps: a name, a ward, an alias, a contact."""

    multiline = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # First, so that it is the validator apispec turns into the document's `pattern`.
        self.validators.insert(0, PlainText(self.multiline))


class FreeText(Name):
    """Text a person types that may run over lines (notes, a comment): tab and line breaks allowed."""

    multiline = True


# The ISO forms of the dates elections.dates accepts (years FIRST_YEAR to LAST_YEAR), as the OpenAPI
# document states them: the form a program sends. The forms people type are named in descriptions.
ISO_DAY_PATTERN = r"^(19[0-9]{2}|2[01][0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
ISO_MOMENT_PATTERN = (ISO_DAY_PATTERN[:-1] + r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
                      r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$")


def _documented(kwargs: dict, **openapi) -> dict:
    """`kwargs` for a custom field, with the OpenAPI properties apispec cannot infer from it (apispec copies
    valid ones from `metadata`); the caller's own metadata wins."""
    return {**kwargs, "metadata": {**openapi, **kwargs.get("metadata", {})}}


class UkDate(fields.Field):
    """ISO (2028-05-04) or as typed in the UK (Thursday 4 May 2028, 4/5/2028: day first), 1900 to 2199."""

    def __init__(self, **kwargs):
        super().__init__(**_documented(kwargs, type="string", format="date", pattern=ISO_DAY_PATTERN))

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_uk_date(value)
        except DateInputError as exc:
            raise ValidationError(str(exc)) from None

    def _serialize(self, value, attr, obj, **kwargs):
        return value.isoformat() if value else None


class UkMoment(fields.Field):
    """A date-time, ISO or typed; local (London) time unless it has an offset; a bare date means the end of that day."""

    def __init__(self, **kwargs):
        super().__init__(**_documented(kwargs, type="string", format="date-time", pattern=ISO_MOMENT_PATTERN))

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_uk_moment(value, LONDON)
        except DateInputError as exc:
            raise ValidationError(str(exc)) from None

    def _serialize(self, value, attr, obj, **kwargs):
        return value.astimezone(LONDON).isoformat() if value else None


class Scope(fields.Field):
    """`borough`, or a list of the wards (a constituency for a parliamentary by-election)."""

    def __init__(self, **kwargs):
        ward = {"type": "string", "minLength": 1, "maxLength": 100,
                "pattern": "^(?=.*\\S)" + ONE_LINE_PATTERN.removeprefix("^")}  # not blank, and one plain line
        super().__init__(**_documented(kwargs, oneOf=[
            {"type": "string", "enum": ["borough"]},
            {"type": "array", "minItems": 1, "maxItems": 100, "items": ward}]))

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "borough":
            return value
        if (isinstance(value, list) and 0 < len(value) <= 100
                and all(isinstance(v, str) and 0 < len(v.strip()) <= 100 for v in value)):
            problems = [f"Ward {n}: {p}" for n, v in enumerate(value, start=1) if (p := text_problem(v))]
            if problems:
                raise ValidationError(" ".join(problems))
            return [v.strip() for v in value]
        raise ValidationError('Give "borough" or a list of ward names, e.g. ["Noel Park"].')

    def _serialize(self, value, attr, obj, **kwargs):
        return value
