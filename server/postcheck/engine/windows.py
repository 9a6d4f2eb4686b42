"""Where in a long text a pattern can match: windows around the literals every match contains.

A pattern with required literals (prefilter.py) can only match around an occurrence of one of them,
and no further from it than the longest text the pattern can consume. On a long text, running the
expression only over those windows gives exactly the matches a scan of the whole text gives, at a
fraction of the cost, because most literals occur in few places.

How long can a match be? Counted repeats have a bound; `\\w+`, `\\s+`, `\\p{Lu}\\p{Ll}+` do not, but
each of them consumes one run of like characters, and no such run is longer than the text's longest
run of non-space characters (for classes without white space) or of characters that are neither
letters nor digits (`GAP`, for classes without letters or digits: `\\s`, `\\W`). So the bound is a
formula in those two run lengths, measured once per text. A repeat of anything else (`.+`,
`(\\w+ )+`, a class mixing letters and spaces) has no bound, and such patterns are always scanned
whole.

When the pattern gate reports every place a match may end (pattern_gate.locate), a match ending at
e starts in [e - width, e - 1], and a run over a region of such starts need not see far past its last
end. Take a start s in a region whose ends were merged: the last of them is E = (the region's last
start) + 1, and the run ends at T = E + `beyond`, where `beyond` is further than any assertion reads
past the place it stands. Any path of the pattern that succeeds from s, with the text cut at T or
not, consumes at most `width` characters and its rewrite matches what it consumed, so it ends at a
reported end e' with e' - width <= s, whose region was merged into this one: e' <= E. Its assertions
stand at or before e', so it reads nothing at or past T: it succeeds in both texts alike, and so the
first to succeed from s is the same path. (One more character than assertions read: `$` also matches
before a final newline, and so looks one character past it.)
"""
from __future__ import annotations

import re._constants as sre
import re._parser as sre_parse
from dataclasses import dataclass

import regex

from postcheck.engine.prefilter import properties_as_word

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))
_SINGLE = (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY, sre.CATEGORY)
# Beyond this many characters of range, a class is not inspected member by member: it counts as "any".
_RANGE_LIMIT = 4096
# \b, $, \Z and the like look one character past where they stand.
_ANCHOR_REACH = 1


@dataclass(frozen=True)
class Width:
    """At most `fixed + per_word_run * words + per_gap_run * gaps` characters, where `words` is the
    text's longest run of non-space characters and `gaps` its longest run of non-alphanumerics."""
    fixed: int
    per_word_run: int = 0
    per_gap_run: int = 0

    def __add__(self, other: "Width") -> "Width":
        return Width(self.fixed + other.fixed, self.per_word_run + other.per_word_run,
                     self.per_gap_run + other.per_gap_run)

    def times(self, n: int) -> "Width":
        return Width(self.fixed * n, self.per_word_run * n, self.per_gap_run * n)

    def most(self, other: "Width") -> "Width":
        return Width(max(self.fixed, other.fixed), max(self.per_word_run, other.per_word_run),
                     max(self.per_gap_run, other.per_gap_run))

    def at(self, words: int, gaps: int) -> int:
        return self.fixed + self.per_word_run * words + self.per_gap_run * gaps


_ZERO = Width(0)
_ONE = Width(1)


class _Unbounded(Exception):
    pass


# The characters a "gap" class (windows._run_kind) can match, as `regex` knows them: neither letters nor
# digits. Not `[^\\p{L}\\p{N}]`: `\\W` also matches the other numbers ("²", "½"), so a run of `\\W+`
# can be longer than that class's longest run. Scan.runs measures runs of it.
GAP = r"[^\p{L}\p{Nd}\p{Nl}]"
_GAP_CHARACTER = regex.compile(GAP)


def _is_space(code: int) -> bool:
    return chr(code).isspace()  # as str.split(), which measures the runs of non-space characters


def _is_alnum(code: int) -> bool:
    return _GAP_CHARACTER.match(chr(code)) is None


def _members(items):
    """(code, code) ranges of a class's literal members, or None when it has categories or negation."""
    out = []
    for op, av in items:
        if op is sre.LITERAL:
            out.append((av, av))
        elif op is sre.RANGE:
            out.append(av)
        else:
            return None
    return out


def _run_kind(op, av) -> str | None:
    """For a single-character item repeated without bound: "word" when it can never match white space
    (its run lies within a run of non-space characters), "gap" when it can never match a letter or
    digit, else None."""
    if op is sre.CATEGORY:
        items = [(op, av)]
    elif op is sre.IN:
        items = av
    elif op is sre.LITERAL:
        items = [(op, av)]
    else:
        return None  # ANY, NOT_LITERAL: nearly every character
    if items and items[0][0] is sre.NEGATE:
        return None
    categories = {av for op, av in items if op is sre.CATEGORY}
    literal = [(op, av) for op, av in items if op is not sre.CATEGORY]
    ranges = _members(literal)
    if ranges is None or any(high - low > _RANGE_LIMIT for low, high in ranges):
        return None
    codes = [code for low, high in ranges for code in range(low, high + 1)]
    # Not \S: `regex` lets it match the separators \x1c-\x1f, at which str.split() (Scan.runs) breaks.
    word_categories = {sre.CATEGORY_WORD, sre.CATEGORY_DIGIT}
    if categories <= word_categories and not any(_is_space(c) for c in codes):
        return "word"
    if categories <= {sre.CATEGORY_SPACE, sre.CATEGORY_NOT_WORD} and not any(_is_alnum(c) for c in codes):
        return "gap"  # \s and \W hold no letter or digit
    return None


def _width(items, depth: int = 0) -> tuple[Width, Width]:
    """(how much a match of `items` consumes, how far beyond its end lookaheads may read)."""
    if depth > 100:
        raise _Unbounded
    total, reach = _ZERO, _ZERO
    for op, av in items:
        if op in _SINGLE:
            total += _ONE
        elif op is sre.SUBPATTERN:
            width, ahead = _width(av[-1], depth + 1)
            reach = reach.most(total + ahead)
            total += width
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            width, ahead = _width(av, depth + 1)
            reach = reach.most(total + ahead)
            total += width
        elif op is sre.BRANCH:
            widest, ahead = _ZERO, _ZERO
            for branch in av[1]:
                width, branch_ahead = _width(branch, depth + 1)
                widest, ahead = widest.most(width), ahead.most(branch_ahead)
            reach = reach.most(total + ahead)
            total += widest
        elif op is sre.GROUPREF_EXISTS:
            _group, yes, no = av
            width, ahead = _width(yes, depth + 1)
            if no:
                other, other_ahead = _width(no, depth + 1)
                width, ahead = width.most(other), ahead.most(other_ahead)
            reach = reach.most(total + ahead)
            total += width
        elif op in _REPEATS:
            low, high, sub = av
            if high is sre.MAXREPEAT:
                if len(sub) == 1 and sub[0][0] in _SINGLE:
                    kind = _run_kind(*sub[0])
                    if kind is None:
                        raise _Unbounded
                    total += Width(0, 1, 0) if kind == "word" else Width(0, 0, 1)
                    continue
                raise _Unbounded
            width, ahead = _width(sub, depth + 1)
            reach = reach.most(total + width.times(max(high - 1, 0)) + ahead)
            total += width.times(high)
        elif op is sre.AT:
            reach = reach.most(total + Width(_ANCHOR_REACH))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            direction, sub = av
            if direction == 1:  # a lookahead reads what follows without consuming it
                width, ahead = _width(sub, depth + 1)
                reach = reach.most(total + width.most(ahead))
            # A lookbehind reads what comes before, which a windowed run still sees (see window_scan).
        else:
            raise _Unbounded  # backreferences and anything unknown
    return total, reach


def _beyond(items, depth: int = 0) -> Width:
    """How far past the place where it stands any assertion of `items` reads: what a run must see
    beyond the end of a match (a match's assertions all stand at or before its end)."""
    if depth > 100:
        raise _Unbounded
    furthest = _ZERO
    for op, av in items:
        if op is sre.AT:
            furthest = furthest.most(Width(_ANCHOR_REACH))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            direction, sub = av
            if direction == 1:
                width, ahead = _width(sub, depth + 1)
                furthest = furthest.most(width.most(ahead))
            else:  # a lookbehind's own assertions stand at or before where it does
                furthest = furthest.most(_beyond(sub, depth + 1))
        elif op is sre.SUBPATTERN:
            furthest = furthest.most(_beyond(av[-1], depth + 1))
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            furthest = furthest.most(_beyond(av, depth + 1))
        elif op is sre.BRANCH:
            for branch in av[1]:
                furthest = furthest.most(_beyond(branch, depth + 1))
        elif op is sre.GROUPREF_EXISTS:
            _group, yes, no = av
            furthest = furthest.most(_beyond(yes, depth + 1))
            if no:
                furthest = furthest.most(_beyond(no, depth + 1))
        elif op in _REPEATS:
            furthest = furthest.most(_beyond(av[2], depth + 1))
    return furthest


@dataclass(frozen=True)
class Reach:
    """How far from a literal occurrence a match, and what its assertions read, can extend."""
    width: Width   # the longest match
    ahead: Width   # the furthest any assertion reads beyond a match's start
    # The furthest any assertion reads beyond the place where it stands, and so beyond the end of
    # any match (RegexMatcher runs only up to there past the last place a match can end).
    beyond: Width = _ZERO


def match_reach(pattern: str, ignorecase: bool) -> Reach | None:
    """The bounds of a pattern's matches, or None when they have none (then it is scanned whole)."""
    try:
        parsed = sre_parse.parse(properties_as_word(pattern), sre.SRE_FLAG_IGNORECASE if ignorecase else 0)
        width, ahead = _width(parsed)
        beyond = _beyond(parsed)
    except Exception:  # _Unbounded, or syntax only the regex module knows
        return None
    # One more character than assertions read, as for `ahead`: `$` also looks at what follows a newline.
    return Reach(width, width.most(ahead) + Width(_ANCHOR_REACH), beyond + Width(_ANCHOR_REACH))


def merge_intervals(intervals, gap: int = 0) -> list[tuple[int, int]]:
    """(low, high) intervals, sorted, with those that overlap, meet or lie less than `gap` apart joined
    into one."""
    merged: list[list[int]] = []
    for low, high in sorted(intervals):
        if merged and low <= merged[-1][1] + gap:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [(low, high) for low, high in merged]


def merge_windows(occurrences, literal_lengths, width: int, limit: int, gap: int = 0) -> list[tuple[int, int]]:
    """The regions where a match may start, from each literal occurrence (start, literal): a match of
    at most `width` characters that contains the literal starts within `width` before its end."""
    return merge_intervals(((max(start + literal_lengths[literal] - width, 0), min(start, limit))
                            for start, literal in occurrences), gap)
