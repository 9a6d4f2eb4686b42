"""Which literals occur in a text: Hyperscan's answer (one report per literal) must be the automaton's
(every occurrence), on real posts and on any Unicode, or the engine would skip a rule it should run."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postcheck.engine import literal_scan, load_rule_pack
from postcheck.engine.literal_scan import LiteralScanner
from tests.conftest import RULES_DIR
from tests.engine.test_pattern_gate import POSTS, needs_hyperscan  # every corpus post; Hyperscan or skip


@pytest.fixture(scope="module")
def scanner():
    return load_rule_pack(RULES_DIR).literals


def _by_automaton(scanner, folded):
    return set(scanner.find(folded))  # with positions: always the automaton


@needs_hyperscan
def test_the_pack_s_literals_are_found_by_hyperscan(scanner):
    assert scanner._presence is not None


@needs_hyperscan
def test_presence_agrees_with_every_occurrence_on_every_corpus_post(scanner):
    texts = POSTS + [" ".join(POSTS[i:i + 200]) for i in range(0, len(POSTS), 200)]
    found = 0
    for text in texts:
        folded = text.casefold()
        present = scanner._presence.find(folded)  # Hyperscan's answer, whatever the length
        assert set(present) == _by_automaton(scanner, folded), text[:80]
        assert set(scanner.find(folded, positions=False)) == set(present)
        assert all(value is None for value in present.values())
        found += len(present)
    assert found > len(texts), "the posts should contain literals"


@needs_hyperscan
@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["council", "£", "ß", "ss", "İ", "i̇", "😀", "f*ck", "é", "e\u0301", "\x00"]),
                          st.text(max_size=8)), max_size=30).map("".join))
def test_presence_agrees_with_every_occurrence_on_any_unicode(scanner, text):
    folded = text.casefold()
    assert set(scanner._presence.find(folded)) == _by_automaton(scanner, folded)


@needs_hyperscan
def test_hyperscan_answers_for_long_texts_and_the_automaton_for_short(scanner, monkeypatch):
    asked = []
    original = scanner._presence.find
    monkeypatch.setattr(scanner._presence, "find", lambda folded: asked.append(len(folded)) or original(folded))
    scanner.find("cash " * 500, positions=False)
    scanner.find("cash", positions=False)
    assert asked == [2500]


def test_a_text_hyperscan_cannot_read_is_answered_by_the_automaton(scanner):
    folded = "cash in a brown envelope \ud800" * 50  # long enough for Hyperscan, but not UTF-8
    assert set(scanner.find(folded, positions=False)) == _by_automaton(scanner, folded) >= {"cash"}


def test_without_hyperscan_the_automaton_answers_alone(monkeypatch):
    monkeypatch.setattr(literal_scan, "hyperscan", None)
    plain = LiteralScanner()
    plain.add(["cash", "bung", "ß", "£"])
    plain.freeze()
    assert plain._presence is None
    assert plain.find("no cash, no bung", positions=False) == {"cash": None, "bung": None}

