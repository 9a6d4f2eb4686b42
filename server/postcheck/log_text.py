"""Escaping for anything written into a log line.

A log line is trusted by whoever reads it: a path such as `/nothing%0aFORGED-LINE status=200` decodes
to a line break and would forge a second, separate event in a plain log. Every value a request can
influence is written with its control characters (Unicode Cc: line breaks, escape sequences for the
terminal), line and paragraph separators and bidirectional overrides escaped as `\\xNN` / `\\uNNNN`.

No imports beyond the standard library: gunicorn's master loads this before any of postcheck.
"""
from __future__ import annotations

import re

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidirectional overrides
# and isolates that can make a line read differently from what it holds.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(value) -> str:
    """`value` as text that stays on one line and reads as it is."""
    text = value if isinstance(value, str) else str(value)
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text
