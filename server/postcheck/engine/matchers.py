"""Matchers: the compiled form of a rule's `match`, `except` and `unless` trees.

Every matcher answers one question, `find(scan)`: the code-point spans of the text it matches. Word
lists compile into one regular expression each (an alternation), so a list of 500 words costs one
scan, not 500. Every regular expression runs with a timeout, so no pattern can hang a check.
"""
from __future__ import annotations

import bisect
import operator
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import regex

from postcheck.engine import windows
from postcheck.engine.literal_scan import LiteralScanner
from postcheck.engine.pattern_gate import PatternGate, case_fold
from postcheck.engine.prefilter import required_clauses, required_literals
from postcheck.engine.word_index import CombinedIndex, TextWords, parse_entry

Span = tuple[int, int]

# Seconds one regular expression may run on one text before the matcher gives up. The regex module
# measures them with C clock(): the CPU time of the whole process, all its threads, read by a system
# call (about 2 us a call here). A thread busy beside a check (a pattern-gate compile) drains it faster.
DEFAULT_TIMEOUT = 0.05
# From this length on, a pattern runs only in the windows around its literals (windows.py); below it,
# one scan of the whole text costs less than finding the windows.
WINDOWED_FROM = 500
_CALL_COST = 100
# Regions closer than a call's worth of characters run as one: no match starts in the gap between them
# (every match starts in a region), so scanning it finds nothing and costs less than another call.
_JOIN_WITHIN = _CALL_COST - 1

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
# A disguised word starts neither inside a word nor right after a character that could itself be part
# of one ("@@@@..." is then tried once, not from every @: a long run would otherwise cost its length
# squared). "#" stays allowed before a word: it begins a hashtag.
_NOT_BEFORE_DISGUISED = r"(?<![\p{L}\p{N}_@$!|*])"
# How many times one letter (or its stand-ins) may repeat in a disguised word: "fuuuuck" still counts,
# and a bound keeps a hostile run of masks ("a****...") from being split every possible way.
_MAX_DISGUISED_RUN = 12


class Scan:
    """One text being checked, with what matchers share: the word positions and a result cache."""

    __slots__ = ("text", "timeout", "deadline", "_word_starts", "_words", "_word_hits", "_folded", "_literal_hits",
                 "_gated", "_gate_text", "_runs", "cache")

    # A word as proximity counts words: a run of word characters and the symbols written inside
    # words ("don't", "f*ck", "@name", "#tag").
    _WORD = regex.compile(r"[\p{L}\p{N}_'*!@$#]+")
    _IN_WORD_SYMBOLS = "'*!@$#"
    _SYMBOL_FIRST = regex.compile(r"['*!@$#](?<![\p{L}\p{N}_'*!@$#]['*!@$#])")
    _GAP_RUN_AFTER = regex.compile(windows.GAP + "*")
    _GAP_RUN_BEFORE = regex.compile(windows.GAP + "*", regex.REVERSE)
    # Word characters that are gap characters too (windows.GAP): neither letters nor digits.
    _GAP_IN_WORDS = regex.compile(r"[_\p{No}]+")

    def __init__(self, text: str, timeout: float = DEFAULT_TIMEOUT, deadline: float | None = None):
        self.text = text
        self.timeout = timeout
        self.deadline = deadline  # the whole check's, a time.monotonic() value: detectors stop at it
        self._word_starts: list[int] | None = None
        self._folded: str | None = None
        self._words: TextWords | None = None
        self._word_hits: dict[int, list] = {}
        self._literal_hits: dict[object, dict[str, list[int] | None]] = {}
        self._gated: dict[object, object] = {}  # the gates' answers: which patterns may match, where they end
        self._gate_text: str | None = None
        self._runs: tuple[int, int] | None = None
        self.cache: dict[object, list[Span]] = {}

    @property
    def folded(self) -> str:
        """The text case-folded, where the literal prefilters look."""
        if self._folded is None:
            self._folded = self.text.casefold()
        return self._folded

    def literal_hits(self, scanner: LiteralScanner) -> dict[str, list[int] | None]:
        """Which of the scanner's literals occur (the keys), found in one pass and shared by all rules.
        The places are not collected (each costs a Python step): `literal_positions` has them."""
        hits = self._literal_hits.get(id(scanner))
        if hits is None:
            hits = self._literal_hits[id(scanner)] = scanner.find(self.folded, positions=False)
        return hits

    def literal_positions(self, scanner: LiteralScanner) -> dict[str, list[int]]:
        """Where each of the scanner's literals starts: a second pass, made only for a long text with a
        pattern the gate cannot locate (RegexMatcher._regions)."""
        key = ("positions", id(scanner))
        hits = self._literal_hits.get(key)
        if hits is None:
            hits = self._literal_hits[key] = scanner.find(self.folded)
        return hits

    def opened(self, gate: PatternGate) -> frozenset[int] | None:
        """The gate's patterns that may match this text, found in one pass and shared by all rules;
        None when not known (every pattern is then run)."""
        key = ("opened", id(gate))
        try:
            return self._gated[key]
        except KeyError:
            ends = self.located(gate)
            opened = self._gated[key] = None if ends is None else frozenset(ends)
            return opened

    def located(self, gate: PatternGate) -> dict[int, list[int]] | None:
        """Where matches of the gate's patterns end in this text (PatternGate.locate), from the same pass."""
        key = ("located", id(gate))
        try:
            return self._gated[key]
        except KeyError:
            ends = self._gated[key] = gate.locate(self.text, folded=self.gate_text)
            return ends

    @property
    def gate_text(self) -> str:
        """The text as pattern gates read it (pattern_gate.case_fold)."""
        if self._gate_text is None:
            self._gate_text = case_fold(self.text, self.folded)
        return self._gate_text

    def runs(self) -> tuple[int, int]:
        """The longest run of non-space characters and the longest of characters that are neither
        letters nor digits (windows.GAP): what bounds a match's `\\w+` and `\\W+` (windows.py)."""
        if self._runs is None:
            # str.split breaks at every character str.isspace() knows, which is what windows.py
            # keeps out of a "word" class. A single class cannot backtrack: no timeout needed.
            self._runs = (max(map(len, self.text.split()), default=0), self._longest_gap_run())
        return self._runs

    def _longest_gap_run(self) -> int:
        """The longest run of windows.GAP characters. Those runs are what stands between the word
        index's words, measured without a Python step per run, except where a word holds characters
        that are gap characters too ("_", "²"): the few runs through them are measured one by one."""
        text = self.text
        words = self.words()
        starts, ends = words.starts, words.ends
        if not starts:
            return len(text)  # no letter or digit at all: one run
        longest = max(starts[0], len(text) - ends[-1], max(map(operator.sub, starts[1:], ends), default=0))
        at = 0
        while (inside := self._GAP_IN_WORDS.search(text, at)) is not None:
            low = self._GAP_RUN_BEFORE.match(text, 0, inside.start()).start()
            at = self._GAP_RUN_AFTER.match(text, inside.end()).end()  # past this run: each is measured once
            longest = max(longest, at - low)
        return longest

    def word_hits(self, index: CombinedIndex) -> list:
        """Every plain word list's matches, found in one pass and shared by all rules."""
        hits = self._word_hits.get(id(index))
        if hits is None:
            present = self.literal_hits(index.scanner).keys() if index.scanner is not None else None
            hits = self._word_hits[id(index)] = index.find_all(self.words(), present)
        return hits

    def words(self) -> TextWords:
        """The text's words, indexed once for every word list."""
        if self._words is None:
            self._words = TextWords(self.text)
        return self._words

    def word_starts(self) -> list[int]:
        """Where each word starts, in order: proximity is counted in words (the number of words that
        start before an offset is its bisection here)."""
        if self._word_starts is None:
            # From the word index's words, which are the same words less the symbols: such a word starts
            # one here unless a symbol stands just before it ("don't" is one word here, two there).
            # Words that begin with a symbol ("@name", "'til") are the few left, found by a pattern
            # that cannot backtrack. (_WORD.finditer would give the same, at a Python step per word.)
            text, symbols = self.text, self._IN_WORD_SYMBOLS
            starts = [start for start in self.words().starts if not start or text[start - 1] not in symbols]
            led = [m.start() for m in self._SYMBOL_FIRST.finditer(text)]
            self._word_starts = sorted(starts + led) if led else starts
        return self._word_starts


class _Exclusions:
    """A rule's `except` spans, ready to say whether a span overlaps any of them. Sorted by start, with
    the furthest end reached so far, each span needs one bisection instead of a pass over every
    exclusion (a long text has many)."""

    __slots__ = ("starts", "furthest")

    def __init__(self, excluded: tuple[Span, ...]):
        ordered = sorted(excluded)
        self.starts = [b for b, _e in ordered]
        self.furthest, reach = [], -1
        for _b, e in ordered:
            reach = max(reach, e)
            self.furthest.append(reach)

    def keep(self, span: Span) -> bool:
        before = bisect.bisect_left(self.starts, span[1])  # exclusions starting before the span ends
        return before == 0 or self.furthest[before - 1] <= span[0]


def _outside(spans: list[Span], excluded: tuple[Span, ...]) -> list[Span]:
    """The spans that overlap none of `excluded`."""
    if not excluded:
        return list(spans)
    keep = _Exclusions(excluded).keep
    return [span for span in spans if keep(span)]


class Matcher:
    # The pattern gate that says whether this matcher can find anything in a text (pattern_gate.py),
    # and its id there; parents use them to skip a child without calling it.
    gate: PatternGate | None = None
    gate_id: int | None = None
    # Whether a part in this tree says `underline: false`: then the words a warning underlines
    # (`underlined`) are fewer than those the matcher finds. Finding, and so whether a rule fires,
    # never depends on it.
    hides: bool = False

    def find(self, scan: Scan, excluded: tuple[Span, ...] = ()) -> list[Span]:
        """The spans this matcher finds, leaving out any that overlap `excluded` (a rule's `except`
        phrases): an excepted word does not count anywhere in the rule, not even as one side of a
        `near`."""
        # Shared sub-trees (a lexicon used by several rules) run once per text. Matchers hash by
        # identity, so the matcher itself is the key when nothing is excluded (the common case).
        key = (self, excluded) if excluded else self
        cache = scan.cache
        cached = cache.get(key)
        if cached is None:
            cached = cache[key] = self._find(scan, excluded)
        return cached

    def find_first(self, scan: Scan, excluded: tuple[Span, ...] = (), limit: int = 1) -> tuple[list[Span], bool]:
        """The first spans `find` gives, in its order: at least `limit` of them, or all; and whether
        they are all. A warning underlines only its first few spans (evaluate.py), and a hostile text
        can hold tens of thousands: a pattern then stops scanning early. Only all of them are cached,
        and `find` reads them from there."""
        key = (self, excluded) if excluded else self
        cached = scan.cache.get(key)
        if cached is not None:
            return cached, True
        spans, complete = self._find_first(scan, excluded, limit)
        if complete:
            scan.cache[key] = spans
        return spans, complete

    def _find_first(self, scan: Scan, excluded: tuple[Span, ...], limit: int) -> tuple[list[Span], bool]:
        return self._find(scan, excluded), True  # most matchers find all

    def _find(self, scan: Scan, excluded: tuple[Span, ...]) -> list[Span]:  # pragma: no cover - abstract
        raise NotImplementedError

    def underlined(self, scan: Scan, excluded: tuple[Span, ...] = ()) -> list[Span]:
        """The spans of `find` a warning underlines: all of them, less those that only parts saying
        `underline: false` found (the context around the words at fault)."""
        if not self.hides:
            return self.find(scan, excluded)
        key = ("underlined", self, excluded)
        cached = scan.cache.get(key)
        if cached is None:
            cached = scan.cache[key] = self._underlined(scan, excluded)
        return cached

    def underlined_first(self, scan: Scan, excluded: tuple[Span, ...] = (),
                         limit: int = 1) -> tuple[list[Span], bool]:
        """`underlined` as `find_first` is to `find`: its first spans, at least `limit` or all, and
        whether they are all."""
        if not self.hides:
            return self.find_first(scan, excluded, limit)
        return self.underlined(scan, excluded), True

    def _underlined(self, scan: Scan, excluded: tuple[Span, ...]) -> list[Span]:
        return self.find(scan, excluded)  # only combinations hide parts


class LeafMatcher(Matcher):
    def _find(self, scan: Scan, excluded: tuple[Span, ...]) -> list[Span]:
        raw = self.find(scan) if excluded else self._scan(scan)
        return _outside(raw, excluded) if excluded else raw

    def _scan(self, scan: Scan) -> list[Span]:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(eq=False)
class RegexMatcher(LeafMatcher):
    compiled: regex.Pattern
    # Which group is the span: 0 for the whole match, or a named group so context can be required
    # around the words without underlining it.
    group: int | str = 0
    # Strings at least one of which every match contains: for word lists from their entries, for
    # patterns from the expression (prefilter.py). A text with none is not scanned at all, which is
    # most rules on most posts. None means always scan.
    literals: tuple[str, ...] | None = None
    # The rule set's literal scanner, when it holds these literals: then their occurrences come from
    # its one pass, and a long text is scanned only around them.
    scanner: LiteralScanner | None = field(default=None, repr=False)
    # The rule set's pattern gate and this pattern's id in it, when it is gated.
    gate: PatternGate | None = field(default=None, repr=False)
    gate_id: int | None = None

    def __post_init__(self):
        if self.literals is None:
            # A pattern may need several literals at once ("i'm", " the " and " team"): each set
            # is a requirement, and the strictest also serves as `literals`.
            self.clauses = required_clauses(self.compiled.pattern)
            self.literals = tuple(sorted(self.clauses[0])) if self.clauses else None
        else:
            self.clauses = (frozenset(self.literals),)
        self.reach = None
        if self.compiled.search("") is None:  # never an empty match
            self.reach = windows.match_reach(self.compiled.pattern, bool(self.compiled.flags & regex.IGNORECASE))

    def _scan(self, scan: Scan) -> list[Span]:
        return list(self._matches(scan))

    def _find_first(self, scan: Scan, excluded: tuple[Span, ...], limit: int) -> tuple[list[Span], bool]:
        keep = _Exclusions(excluded).keep if excluded else None
        spans: list[Span] = []
        for span in self._matches(scan):
            if keep is None or keep(span):
                spans.append(span)
                if len(spans) == limit:
                    return spans, False  # maybe more
        return spans, True

    def _matches(self, scan: Scan):
        """The spans, in order, as the pattern finds them."""
        if self.gate is not None:
            opened = scan.opened(self.gate)
            if opened is not None and self.gate_id not in opened:
                return  # matches nowhere in this text
        if self.clauses is not None:
            if self.scanner is not None:
                present = scan.literal_hits(self.scanner).keys()
                for clause in self.clauses:
                    if present.isdisjoint(clause):
                        return
            else:
                folded = scan.folded
                if not all(any(literal in folded for literal in clause) for clause in self.clauses):
                    return
        if self.reach is not None and len(scan.text) >= WINDOWED_FROM:
            regions = self._regions(scan)
            if regions is not None:
                yield from self._scan_regions(scan, regions)
                return
        for m in self.compiled.finditer(scan.text, overlapped=False, timeout=scan.timeout):
            start, end = m.span(self.group)
            if start < end:
                yield start, end

    def _regions(self, scan: Scan) -> list[tuple[int, int, int]] | None:
        """Where matches may start, and how far each region's run must see; None when scanning the
        whole text is as cheap (the anchors are everywhere) or no anchors are known.

        Anchors are where the gate saw a match of the pattern's rewrite end (every match of the
        pattern ends at one of them) or, failing that, the occurrences of the pattern's rarest
        required literal (every match contains one)."""
        text = scan.text
        words, gaps = scan.runs()
        width = self.reach.width.at(words, gaps)
        ahead = self.reach.ahead.at(words, gaps)
        regions = None
        if self.gate is not None and self.gate_id in self.gate.located:
            ends = scan.located(self.gate)
            if ends is not None:
                found = ends.get(self.gate_id, ())
                # A match starting in a region ends at one of the ends that made the region, so at most
                # one past its last start: a run must see only as far beyond as assertions read
                # (windows.Reach.beyond; the proof is in windows.py).
                ahead = 1 + self.reach.beyond.at(words, gaps)
                if len(found) * (width + ahead + _CALL_COST) > len(text):
                    return None  # ends everywhere: one scan of the whole text is cheaper
                regions = windows.merge_intervals(((max(end - width, 0), end - 1) for end in found), _JOIN_WITHIN)
        if regions is None and self.scanner is not None and len(scan.folded) == len(text):
            # (Folding must keep every offset: "ß" is "ss" in the folded text.)
            hits = scan.literal_positions(self.scanner)
            occurrences = min(([(start, literal) for literal in clause for start in hits.get(literal, ())]
                               for clause in self.clauses), key=len)
            # Each window costs a call (worth about _CALL_COST characters of scanning) plus its length:
            # when the literals are everywhere, one scan of the whole text is cheaper.
            if len(occurrences) * (width + ahead + _CALL_COST) > len(text):
                return None
            regions = windows.merge_windows(occurrences, self.scanner.lengths, width, len(text), _JOIN_WITHIN)
        if regions is None:
            return None
        return [(low, high, min(len(text), high + ahead)) for low, high in regions]

    def _scan_regions(self, scan: Scan, regions: list[tuple[int, int, int]]):
        """The matches a whole-text scan finds, found region by region (see windows.py for why they
        are the same): each run starts where the last match ended and keeps matches starting in it."""
        cursor = 0
        deadline = time.monotonic() + scan.timeout
        for low, high, see_to in regions:
            if cursor > high:
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("regex timed out")
            for m in self.compiled.finditer(scan.text, max(low, cursor), see_to, overlapped=False, timeout=remaining):
                if m.start() > high:
                    break
                cursor = m.end()
                start, end = m.span(self.group)
                if start < end:
                    yield start, end


@dataclass(eq=False)
class WordListMatcher(LeafMatcher):
    """A word list looked up in the text's word index (through the rule set's combined index); entries
    the index cannot see (symbols, emoji) go to a small regular expression."""
    index: CombinedIndex
    list_id: int
    residual: RegexMatcher | None = None
    # As RegexMatcher.literals: each entry's longest word, or None when some entry has no plain word.
    literals: tuple[str, ...] | None = None

    def _scan(self, scan: Scan) -> list[Span]:
        spans = list(scan.word_hits(self.index)[self.list_id])
        if self.residual is not None:
            spans.extend(self.residual.find(scan))
        elif not spans:
            return spans
        # As a regular expression scans: leftmost first, the longest there, never overlapping. In start
        # order, a longer span from the same start replaces the shorter one just chosen.
        chosen: list[Span] = []
        for span in sorted(set(spans)):
            if not chosen or span[0] >= chosen[-1][1]:
                chosen.append(span)
            elif span[0] == chosen[-1][0]:
                chosen[-1] = span
        return chosen


def build_word_list(entries: Sequence[str], index: CombinedIndex | None = None) -> WordListMatcher:
    """A matcher for a plain word list, its entries added to `index` (a fresh one when not shared)."""
    index = index if index is not None else CombinedIndex()
    list_id, indexed, leftovers = index.new_list(), [], []
    for entry in entries:
        if not entry.strip():
            continue
        parsed = parse_entry(entry)
        if parsed is None:
            leftovers.append(entry)
            continue
        indexed.append(entry)
        for variant in parsed:
            index.add(list_id, variant)
    residual = None
    if leftovers:
        # Entries with symbols ("b.", "d.o.b"): the expression's own literals keep the symbols, which
        # makes them rarer in a text than the entries' bare words.
        compiled = compile_words(leftovers, False)
        residual = RegexMatcher(compiled, literals=required_literals(compiled.pattern) or word_literals(leftovers, False))
    # The rule-level prefilter's literals: each indexed entry's longest word, and the residual's own.
    literals = None
    plain = word_literals(indexed, False) if indexed else ()
    if plain is not None and (residual is None or residual.literals is not None):
        literals = tuple(sorted(set(plain) | set(residual.literals if residual is not None else ())))
    return WordListMatcher(index, list_id, residual, literals)


@dataclass(eq=False)
class NearMatcher(Matcher):
    """Both sides match within `within` words of each other (either order unless `ordered`)."""
    first: Matcher
    second: Matcher
    within: int
    ordered: bool = False
    # Whether each side's words are underlined (`underline: false` on a side makes it context).
    underline: tuple[bool, bool] = (True, True)

    def __post_init__(self):
        self.hides = not all(self.underline) or self.first.hides or self.second.hides

    def _find(self, scan: Scan, excluded: tuple[Span, ...]) -> list[Span]:
        # A near that hides something keeps its sides for `underlined`; any other never needs them again.
        a_hits, b_hits = self._sides(scan, excluded) if self.hides else self._pair(scan, excluded)
        return sorted(a_hits | b_hits)

    def _underlined(self, scan: Scan, excluded: tuple[Span, ...]) -> list[Span]:
        # Each underlined side's spans that have a partner, less what that side itself hides.
        shown: set[Span] = set()
        for side, paired, underline in zip((self.first, self.second), self._sides(scan, excluded), self.underline):
            if underline:
                shown.update(paired.intersection(side.underlined(scan, excluded)) if side.hides else paired)
        return sorted(shown)

    def _sides(self, scan: Scan, excluded: tuple[Span, ...]) -> tuple[set[Span], set[Span]]:
        """The spans of each side that have a partner on the other side within reach."""
        key = ("sides", self, excluded)
        sides = scan.cache.get(key)
        if sides is None:
            sides = scan.cache[key] = self._pair(scan, excluded)
        return sides

    def _pair(self, scan: Scan, excluded: tuple[Span, ...]) -> tuple[set[Span], set[Span]]:
        a_hits: set[Span] = set()
        b_hits: set[Span] = set()
        a_spans = self.first.find(scan, excluded)
        if not a_spans:
            return a_hits, b_hits
        b_spans = self.second.find(scan, excluded)
        if not b_spans:
            return a_hits, b_hits
        # Sorted by word position, so each side finds its partners by bisection, not by trying all pairs.
        # (Spans come sorted from every matcher: sorting them again costs one pass.)
        starts, word_of = scan.word_starts(), bisect.bisect_right
        b_spans = sorted(b_spans)
        b_keys = [word_of(starts, s) for s, _e in b_spans]
        for a in a_spans:
            a_word = word_of(starts, a[0])
            lo = bisect.bisect_left(b_keys, a_word if self.ordered else a_word - self.within)
            hi = bisect.bisect_right(b_keys, a_word + self.within)
            if lo < hi:
                partners = [b for b in b_spans[lo:hi] if b != a]
                if partners:
                    a_hits.add(a)
                    b_hits.update(partners)
        return a_hits, b_hits


@dataclass(eq=False)
class AnyMatcher(Matcher):
    children: Sequence[Matcher]

    def __post_init__(self):
        self.hides = any(child.hides for child in self.children)

    def _find(self, scan: Scan, excluded: tuple[Span, ...]) -> list[Span]:
        return self._union(scan, excluded, False)

    def _underlined(self, scan: Scan, excluded: tuple[Span, ...]) -> list[Span]:
        return self._union(scan, excluded, True)

    def _union(self, scan: Scan, excluded: tuple[Span, ...], underlined: bool) -> list[Span]:
        """Every child's spans (`find`'s, or `underlined`'s), together."""
        spans: list[Span] = []
        gate = opened = None
        for child in self.children:
            if child.gate is not None:  # most children of a big `any` cannot match: skip them without a call
                if child.gate is not gate:
                    gate = child.gate
                    opened = scan.opened(gate)
                if opened is not None and child.gate_id not in opened:
                    continue
            spans.extend(child.underlined(scan, excluded) if underlined else child.find(scan, excluded))
        return sorted(set(spans))

    def _find_first(self, scan: Scan, excluded: tuple[Span, ...], limit: int) -> tuple[list[Span], bool]:
        return self._each_first(scan, excluded, limit, "find_first")

    def underlined_first(self, scan: Scan, excluded: tuple[Span, ...] = (),
                         limit: int = 1) -> tuple[list[Span], bool]:
        if not self.hides:
            return self.find_first(scan, excluded, limit)
        # A child that hides nothing still stops early; one that hides gives all its underlines.
        return self._each_first(scan, excluded, limit, "underlined_first")

    def _each_first(self, scan: Scan, excluded: tuple[Span, ...], limit: int, method: str) -> tuple[list[Span], bool]:
        """Every child's first spans (`find_first`'s or `underlined_first`'s), together."""
        spans: list[Span] = []
        complete = True
        for child in self.children:  # (a child the gate shuts answers at once)
            found, whole = getattr(child, method)(scan, excluded, limit)
            spans.extend(found)
            complete = complete and whole
        spans = sorted(set(spans))
        if complete:
            return spans, True
        # Each child gave at least its first `limit` spans, which hold every one of its spans among the
        # first `limit` of all of them: so the first `limit` here are the first `limit` of all.
        return spans[:limit], False


@dataclass(eq=False)
class AllMatcher(Matcher):
    children: Sequence[Matcher]
    # Whether each part's words are underlined (`underline: false` on a part makes it context).
    underline: tuple[bool, ...] | None = None

    def __post_init__(self):
        if self.underline is None:
            self.underline = (True,) * len(self.children)
        self.hides = not all(self.underline) or any(child.hides for child in self.children)

    def _find(self, scan: Scan, excluded: tuple[Span, ...]) -> list[Span]:
        spans: list[Span] = []
        for child in self.children:
            found = child.find(scan, excluded)
            if not found:
                return []
            spans.extend(found)
        return sorted(set(spans))

    def _underlined(self, scan: Scan, excluded: tuple[Span, ...]) -> list[Span]:
        if not self.find(scan, excluded):
            return []
        spans: list[Span] = []
        for child, underline in zip(self.children, self.underline):
            if underline:
                spans.extend(child.underlined(scan, excluded))
        return sorted(set(spans))


@dataclass(eq=False)
class NotMatcher(Matcher):
    """Matches the whole text (no underline) when its child matches nothing: "not X" inside `all`."""
    child: Matcher

    def _find(self, scan: Scan, excluded: tuple[Span, ...]) -> list[Span]:
        return [] if self.child.find(scan, excluded) else [(0, 0)]


@dataclass(eq=False)
class FunctionMatcher(LeafMatcher):
    """A detector written in code (phone numbers, NHS numbers...), named from the rule files."""
    name: str
    function: Callable[[str], list[Span]] = field(repr=False)

    def _scan(self, scan: Scan) -> list[Span]:
        return self.function(scan.text, deadline=scan.deadline, memo=scan.cache)


def word_atoms(entry: str, obfuscated: bool) -> tuple[tuple[str, ...], bool]:
    """One word-list entry as a sequence of regex atoms, and whether the word may go on.

    A trailing `*` lets the word go on (`fuck*` also finds "fucking"); spaces match any run of spaces,
    hyphens or underscores so a phrase survives "labour-of-love"; an apostrophe is optional.
    """
    prefix = entry.endswith("*")
    core = entry[:-1] if prefix else entry
    atoms: list[str] = []
    for i, ch in enumerate(core.lower()):
        if ch == " ":
            atoms.append(r"[\s_-]+")
        elif ch == "'":
            atoms.append("'?")
        elif obfuscated and ch.isalpha():
            chars = _LEET.get(ch, ch) + (_MASK if i > 0 else "")
            atoms.append("[" + regex.escape(chars, special_only=False) + f"]{{1,{_MAX_DISGUISED_RUN}}}")
        else:
            atoms.append(regex.escape(ch))
    return tuple(atoms), prefix


_TAIL = r"[\p{L}\p{N}_*]*"
_END = ""  # trie key marking where an entry ends


def _render(node: dict) -> str:
    """A trie of atoms as one regular expression: shared beginnings are written once, so at each
    position the engine follows one branch instead of trying every word of the list."""
    branches = [atom + _render(child) for atom, child in sorted(node.items(), key=lambda kv: kv[0]) if atom != _END]
    if _END in node:
        branches.append(_TAIL if node[_END] else "")  # longest first: the end of a word comes last
    if len(branches) == 1:
        only = branches[0]
        return only if _END not in node or only else ""
    if branches[-1] == "":
        return "(?:" + "|".join(branches[:-1]) + ")?"
    return "(?:" + "|".join(branches) + ")"


def word_pattern(entry: str, obfuscated: bool) -> str:
    atoms, prefix = word_atoms(entry, obfuscated)
    return "".join(atoms) + (_TAIL if prefix else "")


_FIRST_WORD = regex.compile(r"[\p{L}\p{N}]+")


def word_literals(entries: Sequence[str], obfuscated: bool) -> tuple[str, ...] | None:
    """For a word list: each entry's longest word (an entry needs all its words, so its longest is
    the most selective sound requirement). A text containing none of them cannot match. None when that
    cannot be known (disguised spellings, entries without a plain word, such as an emoji)."""
    if obfuscated:
        return None
    literals = set()
    for entry in entries:
        entry = entry.strip().casefold()
        if not entry:
            continue
        goes_on = entry.endswith("*")
        # An apostrophe is optional in the pattern ("can't" also finds "cant"), so split words there.
        words = _FIRST_WORD.findall(entry.rstrip("*"))
        if not words:
            # An emoji or a symbol is its own literal, when it has nothing optional inside.
            chunks = [c for c in entry.rstrip("*").split() if "'" not in c]
            if not chunks:
                return None
            literals.add(max(chunks, key=len))
            continue
        if goes_on and len(words) == 1:
            literals.add(words[0])  # "fuck*": the beginning is still in the text
            continue
        literals.add(max(words, key=len))
    return tuple(sorted(literals))


def compile_words(entries: Sequence[str], obfuscated: bool, *, before: str = "", after: str = "") -> regex.Pattern:
    """One trie-shaped expression for a whole word list, matching whole words only."""
    trie: dict = {}
    for entry in entries:
        if not entry.strip():
            continue
        atoms, prefix = word_atoms(entry, obfuscated)
        node = trie
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[_END] = node.get(_END, False) or prefix
    if not trie:
        return regex.compile(r"(?!)")  # an empty list matches nothing
    not_before = _NOT_BEFORE_DISGUISED if obfuscated else _NOT_BEFORE
    return regex.compile(f"{before}{not_before}(?:{_render(trie)}){_NOT_AFTER}{after}", regex.IGNORECASE)
