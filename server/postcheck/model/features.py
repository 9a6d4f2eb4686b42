"""What the learned model reads in a post: words, word pairs, pieces of words, and the post's context.

One function, `post_features`, is the analyser for training (scikit-learn's TfidfVectorizer calls it)
and for scoring (the scorer calls it through `TokenFeatures`), so the two can never read a post
differently. Every feature remembers which words it came from, so a learned warning can underline
the words that drove it.

Pure Python: no Flask, no numpy.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, NamedTuple

import regex

# A word: letters and digits, with inner apostrophes (don't, o'clock). Handles and hashtags lose their
# @ and # here; the underline starts at the word itself.
WORD = regex.compile(r"[\w]+(?:['’][\w]+)*")
# Digits become 0: "07700 900123" and "07911 123456" read the same, as a phone number's shape.
_DIGITS = str.maketrans("123456789", "000000000")
# Pieces of words (2 to 5 characters, the word padded with a space each side, as scikit-learn's
# `char_wb` does). A word longer than this contributes pieces of its first characters only, which
# bounds the work a hostile 10,000-letter "word" can cause.
PIECE_SIZES = (2, 3, 4, 5)
MAX_PIECE_WORD = 24

# Words that carry no judgement of their own. They are underlined only inside a phrase of words that
# do ("snap his arms"), never alone: "Honestly" or "the" is never the reason for a warning.
FILLER = frozenset("""
a about above after again against ago all almost also am an and any anyone anything are aren't around as at
back be because been before being below between both but by can can't could couldn't did didn't do does
doesn't doing don't done down during each either else even ever every few for from further get gets got had
hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his how
how's i i'd i'll i'm i've if in into is isn't it it's its itself just let's lol me might more most much must
my myself no nor not now of off on once one only or other ought our ours ourselves out over own per quite
rather really same shall she she'd she'll she's should shouldn't so some such than that that's the their
theirs them themselves then there there's these they they'd they'll they're they've this those though
through to too under until up upon us very was wasn't we we'd we'll we're we've were weren't what what's
when when's where where's whether which while who who's whom whose why why's will with won't would wouldn't
yes yet you you'd you'll you're you've your yours yourself yourselves honestly literally actually basically
seriously totally well oh ok okay yeah right still like also anyway though today tonight tomorrow
yesterday people thing things lot lots bit im dont cant wont thats its ive youre theyre someone somebody
anyone anybody everyone everybody something anything everything nobody maybe perhaps probably say said says
""".split())


@dataclass(frozen=True)
class Context:
    """What the post is, besides its words: these become features too (the `x ` ones)."""
    account: str = "personal"  # personal or council
    reply: bool = False
    election: bool = False  # inside a pre-election period

    def features(self) -> tuple[str, ...]:
        out = [f"x account={self.account}"]
        if self.reply:
            out.append("x reply")
        if self.election:
            out.append("x election period")
        return tuple(out)


class Word(NamedTuple):
    """A word of the text (a tuple: a long draft has tens of thousands of them)."""
    start: int  # code-point offsets into the text, end exclusive
    end: int
    key: str  # lower case, digits as 0

    @property
    def filler(self) -> bool:
        return self.key in FILLER


def words(text: str) -> list[Word]:
    # Each distinct word is keyed once: a long text repeats its words (a hostile one, one word
    # 50,000 times), and keying cost a third of reading it.
    keys: dict[str, str] = {}
    out = []
    for m in WORD.finditer(text):
        raw = m.group()
        key = keys.get(raw)
        if key is None:
            key = keys[raw] = word_key(raw)
        out.append(Word(*m.span(), key))
    return out


class KeyedWords:
    """The words of a text as the scorer reads them: keyed at once (one C pass finds them all, and each
    distinct word is keyed once), placed in the text only when a warning needs to underline some. A
    hostile draft of 50,000 words cost 33 ms as `words()`, about 8 ms like this."""

    __slots__ = ("text", "keys", "_spans")

    def __init__(self, text: str):
        self.text = text
        keyed: dict[str, str] = {}
        self.keys = [keyed.get(raw) or keyed.setdefault(raw, word_key(raw)) for raw in WORD.findall(text)]
        self._spans: list[tuple[int, int]] | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def span(self, i: int) -> tuple[int, int]:
        """Where word `i` is in the text (code points, end exclusive): the same pattern, so the same words."""
        if self._spans is None:
            self._spans = [m.span() for m in WORD.finditer(self.text)]
        return self._spans[i]

    def filler(self, i: int) -> bool:
        return self.keys[i] in FILLER


def word_key(word: str) -> str:
    """How a word is read: lower case, a typographic apostrophe as a plain one, digits as 0."""
    return word.lower().replace("’", "'").translate(_DIGITS)


WORD_PREFIX, PIECE_PREFIX = "w ", "c "


def word_pieces(key: str) -> list[str]:
    """The pieces of a word (2 to 5 characters of it, padded with a space each side)."""
    padded = f" {key[:MAX_PIECE_WORD]} "
    return [padded[i:i + size] for size in PIECE_SIZES for i in range(len(padded) - size + 1)]


def word_features(key: str) -> tuple[str, ...]:
    """A word's own features: the word, and the pieces of it (the same pieces for every occurrence)."""
    return (WORD_PREFIX + key, *(PIECE_PREFIX + piece for piece in word_pieces(key)))


def pair_feature(first: str, second: str) -> str:
    return f"p {first} {second}"


def located_features(text: str, context: Context) -> Iterator[tuple[str, tuple[int, ...]]]:
    """Every feature of the post with the indices (into `words(text)`) of the words it came from."""
    found = words(text)
    for feature in context.features():
        yield feature, ()
    for i, word in enumerate(found):
        for feature in word_features(word.key):
            yield feature, (i,)
        if i:
            yield pair_feature(found[i - 1].key, word.key), (i - 1, i)


def post_features(doc) -> list[str]:
    """The analyser: `doc` is `(text, Context)`. Feature names only, as TfidfVectorizer wants them."""
    text, context = doc
    return [feature for feature, _ in located_features(text, context)]
