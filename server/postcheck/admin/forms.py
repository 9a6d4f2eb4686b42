"""Form plumbing shared by the pages: a form's values and its errors per field, validated by the same
marshmallow schemas the JSON API uses, so a rule about a field lives in one place."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from marshmallow import Schema, ValidationError


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
