"""A rule underlines at most MAX_SPANS_PER_WARNING places, so on a text with thousands of matches its
patterns stop scanning once they have enough (Matcher.find_first). Stopping early must change no
answer: these tests compare it with finding every span, rule by rule and through `check`."""
import itertools
import json

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from postcheck.engine import Draft, check, evaluate, load_rule_pack
from postcheck.engine import matchers as m
from postcheck.engine.text import normalise
from tests.conftest import RULES_DIR

CORPUS = RULES_DIR / "corpus" / "posts.jsonl"
POSTS = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]

# Texts where rules match hundreds of times, some with matches that touch or overlap.
CROWDED = ["f*ck " * 400, "fuckfuck" * 300, "Cllr Smith " * 300, "shit, " * 300 + "views my own",
           " ".join(POSTS[:200]) * 3, "F U C K " * 300, "07700 900123 " * 200, "vote Labour " * 250]


@pytest.fixture(scope="module")
def ruleset():
    ruleset = load_rule_pack(RULES_DIR)
    ruleset.gate.wait(60)
    return ruleset


def _every_span(monkeypatch):
    """Makes every matcher find all its spans, as before find_first."""
    monkeypatch.setattr(m.Matcher, "find_first", lambda self, scan, excluded=(), limit=1: (self.find(scan, excluded), True))


def _answers(ruleset, texts):
    return [[w.as_dict() for w in check(ruleset, Draft(text=text, account_type=account))]
            for text in texts for account in ("personal", "council")]


def test_stopping_early_changes_no_answer(ruleset, monkeypatch):
    stopped = []
    original = m.RegexMatcher._find_first

    def noting(self, scan, excluded, limit):
        spans, complete = original(self, scan, excluded, limit)
        stopped.append(not complete)
        return spans, complete

    monkeypatch.setattr(m.RegexMatcher, "_find_first", noting)
    texts = CROWDED + POSTS[::5]
    early = _answers(ruleset, texts)
    assert any(stopped), "no pattern ever stopped early: the test would prove nothing"
    assert max(len(w["spans"]) for answer in early for w in answer) == evaluate.MAX_SPANS_PER_WARNING
    monkeypatch.undo()
    _every_span(monkeypatch)
    assert _answers(ruleset, texts) == early


def test_each_rule_underlines_the_same_from_its_first_spans(ruleset):
    for text in CROWDED:
        for rule in ruleset.rules:
            found = evaluate.evaluate_rule(rule, m.Scan(normalise(text), timeout=5))
            scan = m.Scan(normalise(text), timeout=5)
            excluded = tuple(rule.except_.find(scan)) if rule.except_ is not None else ()
            every = rule.match.find(scan, excluded)
            if rule.unless is not None and rule.unless.find(scan):
                every = []
            assert (found is None) == (not every), rule.id
            if found is not None:
                # What it underlines of all it finds: parts saying `underline: false` left out.
                underlined = rule.match.underlined(scan, excluded) or every
                assert evaluate._merge(found) == evaluate._merge(underlined), rule.id


_PATTERNS = [r"ab", r"b+", r"a\w", r"\bba", r"(?:ab){2}"]


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="ab -", max_size=80), limit=st.integers(1, 6), excluded=st.lists(
    st.tuples(st.integers(0, 80), st.integers(1, 6)).map(lambda p: (p[0], p[0] + p[1])), max_size=3).map(tuple))
def test_the_first_spans_are_a_prefix_of_every_span(text, limit, excluded):
    children = [m.RegexMatcher(regex.compile(p)) for p in _PATTERNS]
    anys = [m.AnyMatcher(children)] + [m.AnyMatcher(pair) for pair in itertools.combinations(children, 2)]
    for matcher in children + anys:
        every = matcher.find(m.Scan(text), excluded)
        first, complete = matcher.find_first(m.Scan(text), excluded, limit)
        assert first == every[:len(first)]
        assert first == every if complete else len(first) >= limit
