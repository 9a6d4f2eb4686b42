"""Matchers: the compiled form of a rule's `match`, `except` and `unless` trees.

Every matcher answers one question, `find(scan)`: the code-point spans of the text it matches. Word
lists compile into one regular expression each (an alternation), so a list of 500 words costs one
scan, not 500. Every regular expression runs with a timeout, so no pattern can hang a check.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Callable, Sequence

import regex

Span = tuple[int, int]

# Seconds one regular expression may run on one text before the matcher gives up.
DEFAULT_TIMEOUT = 0.05

# How disguised spellings are written: each letter with the characters people swap in for it. A `*`
# or `#` may stand for any letter after the first ("f**k", "sh*t").
_LEET = {
    "a": "a@4", "b": "b8", "e": "e3", "i": "i1!|", "l": "l1|", "o": "o0", "s": "s5$", "t": "t7",
    "u": "uv", "g": "g9",
}
_MASK = "*#"
WORD_CHARS = r"[\p{L}\p{N}_]"
_NOT_BEFORE = r"(?<![\p{L}\p{N}_])"
_NOT_AFTER = r"(?![\p{L}\p{N}_])"


class Scan:
    """One text being checked, with what matchers share: the word positions and a result cache."""

    __slots__ = ("text", "timeout", "_word_starts", "cache")

    _WORD = regex.compile(r"[\p{L}\p{N}_'*!@$#]+")

    def __init__(self, text: str, timeout: float = DEFAULT_TIMEOUT):
        self.text = text
        self.timeout = timeout
        self._word_starts: list[int] | None = None
        self.cache: dict[int, list[Span]] = {}

    def word_index(self, offset: int) -> int:
        """The number of words that start before `offset`: proximity is counted in words."""
        if self._word_starts is None:
            self._word_starts = [m.start() for m in self._WORD.finditer(self.text, timeout=self.timeout)]
        return bisect.bisect_right(self._word_starts, offset)


class Matcher:
    def find(self, scan: Scan) -> list[Span]:
        # Shared sub-trees (a lexicon used by several rules) run once per text.
        key = id(self)
        cached = scan.cache.get(key)
        if cached is None:
            cached = scan.cache[key] = self._find(scan)
        return cached

    def _find(self, scan: Scan) -> list[Span]:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(eq=False)
class RegexMatcher(Matcher):
    compiled: regex.Pattern
    # Which group is the span: 0 for the whole match, or a named group so context can be required
    # around the words without underlining it.
    group: int | str = 0

    def _find(self, scan: Scan) -> list[Span]:
        spans = []
        for m in self.compiled.finditer(scan.text, overlapped=False, timeout=scan.timeout):
            start, end = m.span(self.group)
            if start < end:
                spans.append((start, end))
        return spans


@dataclass(eq=False)
class NearMatcher(Matcher):
    """Both sides match within `within` words of each other (either order unless `ordered`)."""
    first: Matcher
    second: Matcher
    within: int
    ordered: bool = False

    def _find(self, scan: Scan) -> list[Span]:
        a_spans = self.first.find(scan)
        if not a_spans:
            return []
        b_spans = self.second.find(scan)
        if not b_spans:
            return []
        hits: set[Span] = set()
        b_words = [(scan.word_index(s) if s else 0, (s, e)) for s, e in b_spans]
        for a in a_spans:
            a_word = scan.word_index(a[0])
            for b_word, b in b_words:
                if a == b:
                    continue
                distance = b_word - a_word
                if self.ordered and distance < 0:
                    continue
                if abs(distance) <= self.within:
                    hits.add(a)
                    hits.add(b)
        return sorted(hits)


@dataclass(eq=False)
class AnyMatcher(Matcher):
    children: Sequence[Matcher]

    def _find(self, scan: Scan) -> list[Span]:
        spans: list[Span] = []
        for child in self.children:
            spans.extend(child.find(scan))
        return sorted(set(spans))


@dataclass(eq=False)
class AllMatcher(Matcher):
    children: Sequence[Matcher]

    def _find(self, scan: Scan) -> list[Span]:
        spans: list[Span] = []
        for child in self.children:
            found = child.find(scan)
            if not found:
                return []
            spans.extend(found)
        return sorted(set(spans))


@dataclass(eq=False)
class NotMatcher(Matcher):
    """Matches the whole text (no underline) when its child matches nothing: "not X" inside `all`."""
    child: Matcher

    def _find(self, scan: Scan) -> list[Span]:
        return [] if self.child.find(scan) else [(0, 0)]


@dataclass(eq=False)
class FunctionMatcher(Matcher):
    """A detector written in code (phone numbers, NHS numbers...), named from the rule files."""
    name: str
    function: Callable[[str], list[Span]] = field(repr=False)

    def _find(self, scan: Scan) -> list[Span]:
        return self.function(scan.text)


def word_pattern(entry: str, obfuscated: bool) -> str:
    """The regular expression for one word-list entry.

    A trailing `*` lets the word go on (`fuck*` also finds "fucking"); spaces match any run of spaces,
    hyphens or underscores so a phrase survives "labour-of-love"; an apostrophe is optional.
    """
    prefix = entry.endswith("*")
    core = entry[:-1] if prefix else entry
    parts: list[str] = []
    for i, ch in enumerate(core.lower()):
        if ch == " ":
            parts.append(r"[\s_-]+")
        elif ch == "'":
            parts.append("'?")
        elif obfuscated and ch.isalpha():
            chars = _LEET.get(ch, ch) + (_MASK if i > 0 else "")
            parts.append("[" + regex.escape(chars, special_only=False) + "]+")
        else:
            parts.append(regex.escape(ch))
    tail = r"[\p{L}\p{N}_*]*" if prefix else ""
    return "".join(parts) + tail


def compile_words(entries: Sequence[str], obfuscated: bool, *, before: str = "", after: str = "") -> regex.Pattern:
    """One alternation for a whole word list, longest first so a phrase wins over its first word."""
    alternatives = sorted({word_pattern(e, obfuscated) for e in entries if e.strip()}, key=len, reverse=True)
    if not alternatives:
        return regex.compile(r"(?!)")  # an empty list matches nothing
    body = "|".join(alternatives)
    return regex.compile(f"{before}{_NOT_BEFORE}(?:{body}){_NOT_AFTER}{after}", regex.IGNORECASE)
