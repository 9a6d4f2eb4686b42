"""Form plumbing shared by the pages: a form's values and its errors per field, validated by the same
marshmallow schemas the JSON API uses, so a rule about a field lives in one place."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from marshmallow import Schema, ValidationError

from postcheck.elections.dates import DateInputError, parse_uk_date


@dataclass
class Form:
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # field name -> one sentence, shown next to that field

    @property
    def ok(self) -> bool:
        return not self.errors


def flatten_errors(messages) -> dict[str, str]:
    """marshmallow's {field: [messages]} (nested for lists) as {field: 'one sentence'}."""
    out = {}
    for name, value in (messages or {}).items():
        if isinstance(value, dict):  # a list field: {index: [messages]}
            texts = [t for v in value.values() for t in (v if isinstance(v, list) else [v])]
        else:
            texts = value if isinstance(value, list) else [value]
        out[name] = " ".join(str(t) for t in texts if isinstance(t, str)) or "Check this field."
    return out


def load(schema: Schema, data: dict) -> tuple[dict | None, dict]:
    """(loaded, {}) or (None, errors per field)."""
    try:
        return schema.load(data), {}
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return None, flatten_errors(messages)


def split_list(text: str | None) -> list[str]:
    """A list typed one per line or separated by semicolons (as in the roster CSV)."""
    return [part.strip() for part in re.split(r"[\n;]", text or "") if part.strip()]


def join_list(values) -> str:
    return "\n".join(values or [])


def form_day(form: Form, name: str, default: dt.date | None = None) -> dt.date | None:
    """A day typed in a form or a query string, read the UK way by `elections.dates.parse_uk_date` (the
    reader of the election pages' polling day): "7 May 2026", "07/05/2026" (day first) and the ISO
    "2026-05-07" of links and bookmarks. Blank gives `default`; a day that cannot be read puts the
    reader's explanation against the field and gives `default`."""
    text = (form.values.get(name) or "").strip()
    if not text:
        return default
    try:
        return parse_uk_date(text)
    except DateInputError as exc:
        form.errors[name] = str(exc)
        return default
