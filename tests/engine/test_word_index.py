"""The word index must find exactly what the word list's regular expression finds."""
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from postcheck.engine import matchers as m
from postcheck.engine.text import normalise
from tests.conftest import RULES_DIR


def _plain_lists():
    lists = []
    for path in sorted((RULES_DIR / "lexicons").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        if not data.get("obfuscated"):
            lists.append((path.stem, data["words"]))
    return lists


LISTS = _plain_lists()


def _pieces(words):
    vocabulary = sorted({w.rstrip("*") for entry in words for w in entry.replace("-", " ").replace("'", " ").split()})
    return st.one_of(
        st.sampled_from(vocabulary).flatmap(lambda w: st.sampled_from([w, w.upper(), w.title(), w + "s", w + "ing", "x" + w])),
        st.sampled_from([" ", "  ", "-", " - ", "_", "'", "’", ".", ", ", "\n", "😀", "#", "@"]),
        st.sampled_from(words).map(lambda e: e.rstrip("*")),
    )


@pytest.mark.parametrize("name, words", LISTS, ids=[n for n, _ in LISTS])
def test_word_index_agrees_with_the_regular_expression(name, words):
    by_regex = m.RegexMatcher(m.compile_words(words, False))
    by_index = m.build_word_list(words)

    @settings(max_examples=150, deadline=None)
    @given(st.lists(_pieces(words), max_size=25).map("".join))
    def agree(text):
        scan = m.Scan(normalise(text))
        assert sorted(set(by_index.find(scan))) == sorted(set(by_regex.find(scan)))

    agree()


def test_apostrophes_are_optional_and_hyphens_literal():
    index = m.build_word_list(["can't stand", "co-worker*", "labour of love"])
    def marks(text):
        return [text[s:e] for s, e in index.find(m.Scan(text))]
    assert marks("I can't stand it, I cant stand it") == ["can't stand", "cant stand"]
    assert marks("my co-workers and co workers") == ["co-workers"]
    assert marks("a labour - of  love") == ["labour - of  love"]
