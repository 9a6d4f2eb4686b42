"""Every literal the rule set's prefilters ask about, found in one pass over the text.

Rules and patterns name the literals they cannot match without (prefilter.py, word lists' words). An
Aho-Corasick automaton (pyahocorasick) finds all of them, wherever they occur, in one pass over the
case-folded text, whatever their number. A rule none of whose literals occurs is skipped outright; on
a long text, a pattern is run only around its literals' occurrences (windows.py).
"""
from __future__ import annotations

from typing import Iterable

import ahocorasick


class LiteralScanner:
    def __init__(self):
        self._automaton = ahocorasick.Automaton()
        self.lengths: dict[str, int] = {}
        self._ready = False

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
