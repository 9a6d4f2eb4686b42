"""Text helpers shared by the matchers: one same-length normalisation and UTF-16 offsets.

Matching runs on Python strings (code points) but the browser counts UTF-16 code units, so every span
leaves the engine converted. Normalisation must never change the length of the text, or the spans would
no longer point at the words the person typed.
"""
import bisect

import regex

# Characters outside the Basic Multilingual Plane: each takes two UTF-16 code units.
_ASTRAL = regex.compile(r"[\U00010000-\U0010FFFF]")

# Typographic variants that phones insert for the plain characters rules are written with: one
# character for one, so the length never changes.
_SAME_LENGTH_FOLD = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
    "\u2013": "-", "\u2014": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
}


def normalise(text: str) -> str:
    """Folds typographic punctuation to ASCII without changing the string's length."""
    if text.isascii():
        return text  # nothing to fold, and isascii() is a C check
    # Ten replace() passes in C cost a tenth of one translate(), which looks every character up in Python.
    for typographic, plain in _SAME_LENGTH_FOLD.items():
        if typographic in text:
            text = text.replace(typographic, plain)
    return text


class Utf16Offsets:
    """Converts code-point offsets of one text into UTF-16 code-unit offsets."""

    __slots__ = ("_astral",)

    def __init__(self, text: str):
        # Only characters outside the Basic Multilingual Plane take two code units: an offset moves by
        # one for each of them before it. Their positions are found in C; most posts have none.
        self._astral = None if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)] or None

    def __call__(self, index: int) -> int:
        return index if self._astral is None else index + bisect.bisect_left(self._astral, index)


def utf16_length(text: str) -> int:
    return len(text) if text.isascii() else len(text) + len(_ASTRAL.findall(text))
