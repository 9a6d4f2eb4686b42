"""Word lists matched through an index of the text's words instead of a scan of its characters.

The text is split into words once per check; each list then looks up its entries' first words, so its
cost follows the size of the list, not the length of the text. It matches exactly what the list's
regular expression would (whole words, case-insensitive, a space in an entry matching any run of
spaces, hyphens or underscores, an apostrophe optional, a trailing `*` letting the last word go on).
Entries with other characters (emoji, `@`, `#`, `£`, `.`) stay with a regular expression.
"""
from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field

import regex

WORD = regex.compile(r"[\p{L}\p{N}_]+")
_PIECE = regex.compile(r"[\p{L}\p{N}_]+|\s+|-|'")
_SPACE_GAP = regex.compile(r"[\s_-]+")

# How two words of an entry are joined, and so what may stand between them in the text.
SPACE, HYPHEN, APOSTROPHE = "space", "hyphen", "apostrophe"


class TextWords:
    """The words of one text: where each starts and ends, and where each distinct word occurs."""

    __slots__ = ("text", "starts", "ends", "lowers", "positions", "_sorted")

    def __init__(self, text: str):
        self.text = text
        # A plain run of word characters cannot backtrack, so unlike rule patterns it needs no timeout,
        # and a timeout here would only make every word list fail on a very long text.
        spans = [m.span() for m in WORD.finditer(text)]
        self.starts = [start for start, _end in spans]
        self.ends = [end for _start, end in spans]
        lowered = text.lower()
        if len(lowered) == len(text):  # lower-casing kept every offset: slice the lowered text (no calls)
            self.lowers = [lowered[start:end] for start, end in spans]
        else:
            self.lowers = [text[start:end].lower() for start, end in spans]
        positions: dict[str, list[int]] = {}
        for i, lower in enumerate(self.lowers):
            at = positions.get(lower)
            if at is None:
                positions[lower] = [i]
            else:
                at.append(i)
        self.positions = positions
        self._sorted: list[str] | None = None

    def beginning_with(self, prefix: str):
        """Distinct words that begin with `prefix` (for entries ending in `*`)."""
        if self._sorted is None:
            self._sorted = sorted(self.positions)
        i = bisect.bisect_left(self._sorted, prefix)
        while i < len(self._sorted) and self._sorted[i].startswith(prefix):
            yield self._sorted[i]
            i += 1


def _gap_ok(gap: str, join: str) -> bool:
    if join == SPACE:
        return bool(gap) and _SPACE_GAP.fullmatch(gap) is not None
    return gap == ("-" if join == HYPHEN else "'")


@dataclass(frozen=True)
class Entry:
    first: str
    rest: tuple[tuple[str, str], ...]  # (join, word) for each following word
    goes_on: bool                      # the last word may go on (`word*`)


def parse_entry(entry: str) -> list[Entry] | None:
    """An entry as word sequences (more than one when it has apostrophes, which are optional), or None
    when it has characters a word index cannot see."""
    text = entry.strip().lower()
    goes_on = text.endswith("*")
    if goes_on:
        text = text[:-1]
    pieces = _PIECE.findall(text)
    if not pieces or "".join(pieces) != text:
        return None
    words: list[str] = []
    joins: list[str] = []
    pending = None
    for piece in pieces:
        if WORD.fullmatch(piece):
            if words:
                if pending is None:
                    return None  # two words with nothing between cannot happen
                joins.append(pending)
            elif pending is not None:
                return None  # an entry starting with a separator
            words.append(piece)
            pending = None
        else:
            kind = SPACE if piece.isspace() else HYPHEN if piece == "-" else APOSTROPHE
            if pending is not None or not words:
                return None
            pending = kind
    if pending is not None:
        return None
    # An apostrophe is optional: "can't" is also "cant". Each apostrophe either joins or stays.
    apostrophes = [i for i, j in enumerate(joins) if j == APOSTROPHE]
    variants = []
    for kept in itertools.product((True, False), repeat=len(apostrophes)):
        ws, js = [words[0]], []
        keep = dict(zip(apostrophes, kept))
        for i, join in enumerate(joins):
            if join == APOSTROPHE and not keep[i]:
                ws[-1] += words[i + 1]
            else:
                js.append(join)
                ws.append(words[i + 1])
        variants.append(Entry(ws[0], tuple(zip(js, ws[1:])), goes_on))
    return variants


class CombinedIndex:
    """All plain word lists of a rule set, keyed by each entry's anchor word: one lookup per distinct
    word of a text serves every list at once, however many lists and rules there are.

    An entry's anchor is its longest exact word ("the council tax" is filed under "council"), so the
    common short words that begin many phrases ("i", "the", "we") lead to no work on most texts. A
    phrase whose words all occur is then looked for around the occurrences of whichever of its words
    is rarest in this text, and once for every list that has it.
    """

    def __init__(self):
        # anchor word -> the lists with it as a one-word entry
        self.singles: dict[str, list[int]] = {}
        # anchor word -> the phrases filed under it: their exact words in order -> those words as a set,
        # the anchor's place among them, the words as a list (as a slice of the text's words compares),
        # and (list id, entry) for each list that has the phrase written that way
        self.phrases: dict[str, dict[tuple[str, ...],
                                     tuple[frozenset[str], int, list[str], list[tuple[int, Entry]]]]] = {}
        # One-word entries ending in `*`, grouped by the case-folded prefix the literal scanner looks for.
        self.prefixes: dict[str, list[tuple[str, int]]] = {}
        # The rule set's literal scanner, once it holds the prefixes: a prefix absent from the text
        # then costs no lookup in its words.
        self.scanner = None
        self.size = 0

    def new_list(self) -> int:
        self.size += 1
        return self.size - 1

    def add(self, list_id: int, entry: Entry) -> None:
        if entry.goes_on and not entry.rest:
            self.prefixes.setdefault(entry.first.casefold(), []).append((entry.first, list_id))
            return
        exact = _exact_words(entry)
        if not entry.rest:
            self.singles.setdefault(entry.first, []).append(list_id)
            return
        place = max(range(len(exact)), key=lambda k: len(exact[k]))
        written = self.phrases.setdefault(exact[place], {})
        written.setdefault(tuple(exact), (frozenset(exact), place, exact, []))[3].append((list_id, entry))

    def prefix_literals(self) -> list[str]:
        """What the literal scanner must find for the `word*` entries to be looked up (see find_all)."""
        return list(self.prefixes)

    def find_all(self, words: TextWords, present=None) -> list[list[tuple[int, int]]]:
        """Every list's matches in this text, by list id. `present`, when given, holds every literal of
        prefix_literals() that occurs in the case-folded text."""
        found: list[list[tuple[int, int]]] = [[] for _ in range(self.size)]
        positions = words.positions
        starts, ends = words.starts, words.ends
        for anchor in _shared_keys(positions, self.singles):
            at = positions[anchor]
            for list_id in self.singles[anchor]:
                found[list_id].extend((starts[i], ends[i]) for i in at)
        lowers = words.lowers
        present_words = positions.keys()
        for anchor in _shared_keys(positions, self.phrases):
            common = len(positions[anchor]) > _RARE
            for exact, (needed, offset, shape, phrases) in self.phrases[anchor].items():
                if not present_words >= needed:  # a phrase needs all its words somewhere
                    continue
                if common:
                    # Looked for around its rarest word: "the" is everywhere in a long text, "bin" is not.
                    _count, offset = min((len(positions[word]), k) for k, word in enumerate(exact))
                size = len(exact)
                for j in positions[exact[offset]]:
                    i = j - offset
                    # The words first, in one comparison: what stands between them is checked only
                    # when they fit.
                    if i >= 0 and lowers[i:i + size] == shape:
                        for list_id, entry in phrases:
                            end = _follow(words, i, entry)
                            if end is not None:
                                found[list_id].append((starts[i], end))
        for folded, entries in self.prefixes.items():
            # A word of the text starting with the prefix puts the folded prefix in the folded text.
            if present is not None and folded not in present:
                continue
            for prefix, list_id in entries:
                for word in words.beginning_with(prefix):
                    found[list_id].extend((starts[i], ends[i]) for i in positions[word])
        return found


# An anchor word that occurs at most this often is where its phrases are looked for; past it, each
# phrase is looked for around whichever of its words is rarest in the text.
_RARE = 4


def _shared_keys(small: dict, large: dict) -> list:
    """The keys two dicts share, looked up from the smaller one."""
    if len(small) > len(large):
        small, large = large, small
    return [key for key in small if key in large]


def _exact_words(entry: Entry) -> list[str]:
    """The words an entry needs exactly as written (the last one only begins a word when it goes on)."""
    return [entry.first] + [w for _j, w in (entry.rest[:-1] if entry.goes_on else entry.rest)]


def _follow(words: TextWords, i: int, entry: Entry) -> int | None:
    """Where the entry ends if it is written from word i on, else None. Its exact words are already
    known to be there (find_all compares them first): what is left is what stands between them and,
    for an entry that goes on, how its last word begins."""
    j = i + len(entry.rest)
    if j >= len(words.lowers):
        return None
    if entry.goes_on and not words.lowers[j].startswith(entry.rest[-1][1]):
        return None
    text, starts, ends = words.text, words.starts, words.ends
    for k, (join, _word) in enumerate(entry.rest, start=i + 1):
        gap = text[ends[k - 1]:starts[k]]
        if not (gap == " " and join == SPACE) and not _gap_ok(gap, join):  # (one space: most phrases)
            return None
    return ends[j]
