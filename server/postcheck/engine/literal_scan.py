"""Every literal the rule set's prefilters ask about, found in one pass over the text.

Rules and patterns name the literals they cannot match without (prefilter.py, word lists' words). An
Aho-Corasick automaton (pyahocorasick) finds all of them, wherever they occur, in one pass over the
case-folded text, whatever their number. A rule none of whose literals occurs is skipped outright; on
a long text, a pattern is run only around its literals' occurrences (windows.py).

Which literals occur is asked of every text, where they occur only of a few long ones. The automaton
reports every occurrence, a Python step each (a long text has tens of thousands); where Hyperscan is
there, a database of the literals that reports each literal once answers the first question for all
but short texts.
"""
from __future__ import annotations

import logging
from typing import Iterable

import ahocorasick

from postcheck.engine.hyperscan_support import CompiledCache, ThreadScratch, hyperscan, release_compile_memory

log = logging.getLogger(__name__)

# From this length on Hyperscan answers which literals occur; below it the automaton is quicker (a
# short text has few occurrences, and a Hyperscan scan costs a few microseconds to start).
HYPERSCAN_FROM = 1000


class LiteralScanner:
    def __init__(self):
        self._automaton = ahocorasick.Automaton()
        self.lengths: dict[str, int] = {}
        self._ready = False
        self._presence: _Presence | None = None

    def add(self, literals: Iterable[str]) -> None:
        if self._ready:
            raise RuntimeError("literals are added before the scanner is frozen")
        for literal in literals:
            if literal and literal not in self.lengths:
                self._automaton.add_word(literal, literal)
                self.lengths[literal] = len(literal)

    def freeze(self) -> None:
        """Builds the automaton: once, before any check, as checks on many threads then share it."""
        if not self._ready and self.lengths:
            self._automaton.make_automaton()
            self._presence = _presence(tuple(self.lengths))
        self._ready = True

    def find(self, folded: str, positions: bool = True) -> dict[str, list[int] | None]:
        """Where each literal starts in `folded` (the case-folded text), for the literals that occur.
        Without `positions`, only which literals occur (each maps to None): a short text needs no
        more, and collecting the places costs a Python step per occurrence."""
        if not self._ready:
            raise RuntimeError("the scanner is frozen before it is used")
        if not self.lengths:
            return {}
        if not positions:
            if self._presence is not None and len(folded) >= HYPERSCAN_FROM:
                present = self._presence.find(folded)
                if present is not None:
                    return present
            return dict.fromkeys(literal for _end, literal in self._automaton.iter(folded))
        hits: dict[str, list[int]] = {}
        lengths = self.lengths
        for end, literal in self._automaton.iter(folded):
            start = end - lengths[literal] + 1
            found = hits.get(literal)
            if found is None:
                hits[literal] = [start]
            else:
                found.append(start)
        return hits


class _Presence:
    """The literals in a Hyperscan database that reports each of them once, at its first occurrence."""

    def __init__(self, literals: tuple[str, ...], database):
        self.literals = literals
        self.database = database
        self.scratch = ThreadScratch(database)

    def find(self, folded: str) -> dict[str, None] | None:
        """The literals that occur in `folded` (as keys); None when Hyperscan cannot say."""
        try:
            # A literal occurs in the text exactly when its UTF-8 occurs in the text's UTF-8.
            data = folded.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: the automaton answers instead
            return None
        found: list[int] = []
        try:
            self.database.scan(data, match_event_handler=lambda i, _s, _e, _f, _c: found.append(i),
                               scratch=self.scratch.get())
        except hyperscan.error:
            log.warning("the literal scan failed on a text; the automaton answers instead")
            return None
        literals = self.literals
        return dict.fromkeys(literals[i] for i in found)


# The databases of the rule packs loaded last (compiling one takes about 0.1 s); None where Hyperscan
# refused the literals.
_cache = CompiledCache()
_UNSEEN = object()


def _presence(literals: tuple[str, ...]) -> _Presence | None:
    """The presence database for these literals; None without Hyperscan or when it refuses them."""
    if hyperscan is None:
        return None
    cached = _cache.get(literals, _UNSEEN)
    if cached is not _UNSEEN:
        return cached
    try:
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        database.compile(expressions=[literal.encode("utf-8") for literal in literals], ids=list(range(len(literals))),
                         elements=len(literals), flags=[hyperscan.HS_FLAG_SINGLEMATCH] * len(literals), literal=True)
        presence = _Presence(literals, database)
    except (hyperscan.error, UnicodeEncodeError):
        log.warning("Hyperscan cannot compile the rule set's literals; the automaton finds them")
        presence = None
    release_compile_memory()
    _cache.put(literals, presence)
    return presence
