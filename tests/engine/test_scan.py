"""What a Scan measures once per text and shares between rules, worked out the quick way, must be what
the plain definition gives, for any text."""
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from postcheck.engine import matchers as m
from postcheck.engine import windows

# Words, the symbols written inside words, and what separates them.
PIECES = st.sampled_from(["don't", "f*ck", "@name", "#tag", "'til", "!!", "@", "'", "*", "$5", "a", "Ünï", "_", "²",
                          "x_", " ", "  ", "\n", ".", "-", "😀", "e\u0301", "\u200d", "٣", "İ"])
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_word_starts_are_where_the_proximity_words_start(text):
    assert m.Scan(text).word_starts() == [found.start() for found in m.Scan._WORD.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_runs_are_the_longest_of_each_kind(text):
    words = max(map(len, text.split()), default=0)
    gaps = max(map(len, regex.findall(windows.GAP + "+", text)), default=0)  # windows.GAP's longest run
    assert m.Scan(text).runs() == (words, gaps)
