"""Which rule patterns can match a text at all, for every pattern at once, in one pass (Hyperscan).

Most patterns match nothing in most posts, yet each `regex` scan costs about as much as the text is
long. Hyperscan compiles every pattern of the rule set into one automaton and says, in one pass in C,
which of them match somewhere; only those are then run with `regex`, which finds the spans.

Hyperscan has no look-arounds and its own idea of case, so it is not given the patterns themselves:
each is rewritten as a *superset* (`superset_pattern`), an expression that matches wherever the
original can, and maybe elsewhere. Assertions (`\\b`, look-arounds, `^`) are dropped, repeat bounds
are lifted, classes are widened (`\\w` and `\\p{Lu}` become "not white space"). Case: the text and the
patterns' characters are both folded, one character for one, to a representative of the characters
`regex` treats as the same letter when ignoring case (`case_fold`), so Hyperscan's caseless ASCII
matching is all that is needed. A wider pattern only means a `regex` scan that finds nothing; a
narrower one would hide a warning, so whatever this module cannot rewrite soundly stays ungated and
is always scanned.

Everything here is an accelerator. Without Hyperscan (no wheel for the platform), or when the text
cannot be given to it (lone surrogates are not UTF-8), every pattern counts as possible, and checks
give the same answers, only slower. `tests/engine/test_pattern_gate.py` holds the proofs.
"""
from __future__ import annotations

import functools
import logging
import re._constants as sre
import re._parser as sre_parse
import threading

import regex

try:  # wheels exist for x86-64 Linux, macOS and Windows; elsewhere checks run ungated
    import hyperscan
except ImportError:  # pragma: no cover - depends on the platform
    hyperscan = None

from postcheck.engine.prefilter import properties_as_word

log = logging.getLogger(__name__)

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))
_ANY = "."  # compiled with DOTALL: any character at all
# Every character `regex` counts as white space (its \s is Unicode's White_Space), and more: the
# class may be wider than the original, never narrower.
_SPACE_MEMBERS = r"\s\p{Z}\x{85}\x{0b}\x{1c}-\x{1f}"


class Unsupported(ValueError):
    """Syntax this module cannot widen soundly: the pattern stays ungated."""


def _escape(ch: str) -> str:
    if ch.isascii():
        return ch if ch.isalnum() else "\\" + ch if ch.isprintable() else f"\\x{{{ord(ch):x}}}"
    return f"\\x{{{ord(ch):x}}}"


@functools.lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """For every character that folds to another: what it becomes. Characters `regex` treats as equal
    when ignoring case fold to one representative: mostly `str.casefold`, one character for one; a
    character whose case folding is several characters (ß is "ss") becomes the first of those it is
    equal to; and the few `regex` equates beyond case folding (İ with i, ı with I) are joined too.
    Worked out once per process from the running `regex` (about 50 ms)."""
    table: dict[int, str] = {}
    several: dict[str, list[str]] = {}
    for code in range(0x20000):  # beyond this plane no character has a case
        ch = chr(code)
        folded = ch.casefold()
        if len(folded) == 1:
            if folded != ch:
                table[code] = folded
        else:
            several.setdefault(folded, []).append(ch)
    for group in several.values():  # ß and ẞ, both "ss": one of them stands for both
        for ch in group[1:]:
            table[ord(ch)] = group[0]
    # What `regex` equates that folding does not: ask it about each character's case relatives.
    for code in range(0x20000):
        ch = chr(code)
        for other in set(ch.lower() + ch.upper() + ch.title()) - {ch}:
            mine, theirs = table.get(code, ch), table.get(ord(other), other)
            if mine != theirs and regex.fullmatch(regex.escape(ch), other, regex.IGNORECASE):
                low, high = sorted((mine, theirs))
                for key, value in list(table.items()) + [(ord(high), high)]:
                    if value == high:
                        table[key] = low
    return table


@functools.lru_cache(maxsize=1)
def _unlike_casefold():
    """The characters whose fold is not their `str.casefold` (ß, İ, ı...): a text without any folds as
    `str.casefold` does, which is ten times faster than a translation."""
    table = _fold_table()
    return regex.compile("[" + "".join(regex.escape(chr(code)) for code in range(0x20000)
                                       if table.get(code, chr(code)) != chr(code).casefold()) + "]")


def case_fold(text: str, casefolded: str | None = None) -> str:
    """The text as the gate reads it: each character replaced by its fold (see _fold_table), so the
    result is exactly as long as the text. `casefolded`, when given, is `text.casefold()` already made."""
    if text.isascii():
        return text.lower()
    if _unlike_casefold().search(text) is None:
        return text.casefold() if casefolded is None else casefolded
    return text.translate(_fold_table())


def _folded(code: int) -> str:
    """A pattern character as it stands in the folded text."""
    return _escape(_fold_table().get(code, chr(code)))


def _class(items) -> str:
    if items and items[0][0] is sre.NEGATE:
        return _ANY  # a negated class, read against a folded text, could exclude too much: widen fully
    members: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            members.append(_folded(av))
        elif op is sre.RANGE:
            low, high = av
            if high >= 0x80:
                return _ANY  # folding may move non-ASCII letters out of the range
            members.append(f"{_escape(chr(low))}-{_escape(chr(high))}")
        elif op is sre.CATEGORY:
            if av is sre.CATEGORY_DIGIT:
                members.append(r"\p{Nd}")
            elif av in (sre.CATEGORY_WORD, sre.CATEGORY_NOT_SPACE):
                members.append(r"\S")  # no word character is white space, in any engine
            elif av is sre.CATEGORY_SPACE:
                members.append(_SPACE_MEMBERS)
            else:
                return _ANY
        else:
            return _ANY
    return "[" + "".join(members) + "]"


def _emit(items) -> str:
    out = []
    for op, av in items:
        if op is sre.LITERAL:
            out.append(_folded(av))
        elif op in (sre.NOT_LITERAL, sre.ANY):
            out.append(_ANY)
        elif op is sre.IN:
            out.append(_class(av))
        elif op is sre.SUBPATTERN:
            out.append("(?:" + _emit(av[-1]) + ")")
        elif op is sre.BRANCH:
            out.append("(?:" + "|".join(_emit(branch) for branch in av[1]) + ")")
        elif op in _REPEATS:
            low, _high, sub = av
            # No upper bound: the rewrite stays small for Hyperscan, and wider is always safe.
            out.append("(?:" + _emit(sub) + ")" + ("*" if low == 0 else "+" if low == 1 else f"{{{low},}}"))
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            out.append("(?:" + _emit(av) + ")")
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # an assertion only ever removes matches
        elif op is sre.GROUPREF:
            out.append(_ANY + "*")
        else:
            raise Unsupported(f"cannot widen {op}")
    return "".join(out)


def superset_pattern(pattern: str) -> str | None:
    """A Hyperscan expression that, run caselessly on the folded text (case_fold), matches wherever
    `pattern` matches the text (with or without IGNORECASE); None when no useful one is known."""
    try:
        parsed = sre_parse.parse(properties_as_word(pattern))
        wide = _emit(parsed)
    except Exception:  # syntax only the regex module knows, or a construct we cannot widen
        return None
    if not wide or parsed.getwidth()[0] == 0:
        return None  # a pattern that can match nothing at all gates nothing
    return wide


_FLAGS = 0 if hyperscan is None else (
    hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_DOTALL | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP
    | hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY)


@functools.lru_cache(maxsize=8)
def _compile(expressions: tuple[str, ...]):
    """One database for the expressions (the same rule pack, loaded again, reuses it): the database
    and the ids it covers. An expression Hyperscan refuses is left out, not the whole set."""
    ids = list(range(len(expressions)))
    try:
        return _database(expressions, ids), frozenset(ids)
    except hyperscan.error:
        kept = []
        for i in ids:
            try:
                _database((expressions[i],), [0])
                kept.append(i)
            except hyperscan.error:
                pass
        log.warning("%d rule pattern(s) are not gated: Hyperscan cannot compile their rewrite",
                    len(ids) - len(kept))
        return (_database(tuple(expressions[i] for i in kept), kept) if kept else None), frozenset(kept)


def _database(expressions, ids):
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=[e.encode() for e in expressions], ids=ids, elements=len(ids), flags=_FLAGS)
    return database


class PatternGate:
    """The rule set's patterns, gathered while rules compile, then compiled into one database."""

    def __init__(self):
        self._expressions: list[str] = []
        self._database = None
        self._uncovered: frozenset[int] = frozenset()  # ids Hyperscan refused: always open
        self._ready = False
        self._local = threading.local()  # Hyperscan scratch space is per thread

    def add(self, pattern: str) -> int | None:
        """The id under which `pattern` is gated, or None when it cannot be (it is then always run)."""
        if self._ready:
            raise RuntimeError("patterns are added before the gate is frozen")
        if hyperscan is None:
            return None
        wide = superset_pattern(pattern)
        if wide is None:
            return None
        self._expressions.append(wide)
        return len(self._expressions) - 1

    def freeze(self) -> None:
        if not self._ready and self._expressions and hyperscan is not None:
            self._database, covered = _compile(tuple(self._expressions))
            self._uncovered = frozenset(range(len(self._expressions))) - covered
        self._ready = True

    def open(self, text: str, casefolded: str | None = None) -> frozenset[int] | None:
        """The ids of the patterns that may match `text`; None when unknown (every pattern must then
        be run). `casefolded`, when given, is `text.casefold()` already made."""
        if not self._ready:
            raise RuntimeError("the gate is frozen before it is used")
        if self._database is None:
            return None
        try:
            data = case_fold(text, casefolded).encode("utf-8")  # lone surrogates cannot be: no answer, not a wrong one
        except UnicodeEncodeError:
            return None
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._database)
        opened: list[int] = []
        try:
            self._database.scan(data, match_event_handler=lambda i, _start, _end, _flags, _ctx: opened.append(i),
                                scratch=scratch)
        except hyperscan.error:
            log.warning("the pattern gate failed on a text; every pattern is scanned for it")
            return None
        return frozenset(opened).union(self._uncovered) if self._uncovered else frozenset(opened)
