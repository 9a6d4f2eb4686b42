"""Long texts are scanned only around the literals every match needs (windows.py, literal_scan.py), and
rules whose literals are absent are skipped. Both must change nothing but the time taken: these tests
compare every pattern of the real rule pack, and every rule, with and without them."""
import dataclasses
import json

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postcheck.engine import Draft, check, load_rule_pack
from postcheck.engine import matchers as m
from postcheck.engine import pattern_gate
from postcheck.engine.literal_scan import LiteralScanner
from postcheck.engine.text import normalise
from postcheck.engine import windows
from postcheck.engine.windows import Width, match_reach, merge_windows
from tests.conftest import RULES_DIR

CORPUS = RULES_DIR / "corpus" / "posts.jsonl"
POSTS = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def ruleset():
    ruleset = load_rule_pack(RULES_DIR)
    ruleset.gate.wait(60)  # its database compiles in the background
    return ruleset


def _pattern_matchers(ruleset):
    seen, out = set(), []

    def walk(node):
        if node is None or id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, m.RegexMatcher):
            out.append(node)
        for child in (getattr(node, "children", ()) or ()):
            walk(child)
        for name in ("first", "second", "child", "residual"):
            walk(getattr(node, name, None))

    for rule in ruleset.rules:
        for tree in (rule.match, rule.except_, rule.unless):
            walk(tree)
    return out


def _whole_text(matcher, text):
    spans = []
    for found in matcher.compiled.finditer(text, overlapped=False, timeout=5):
        start, end = found.span(matcher.group)
        if start < end:
            spans.append((start, end))
    return spans


# Long texts from real posts, joined by the separators and oddities windows must cope with.
_LONG_TEXTS = st.lists(
    st.one_of(st.sampled_from(POSTS), st.sampled_from([" ", "\n\n", " — ", "…", "ß", "İ", "😀", "a" * 60, "_ _ _", "-- --",
                                                    "f*ck", "sh!t", "@rse", "fuuuuck", "FUCKING", "İn the", "\u212a"])),
    min_size=30, max_size=80,
).map(" ".join).filter(lambda text: len(text) >= m.WINDOWED_FROM)


def test_every_pattern_finds_the_same_in_windows_as_in_the_whole_text(ruleset):
    matchers = _pattern_matchers(ruleset)
    windowed = [p for p in matchers if p.reach is not None]
    assert len(windowed) > len(matchers) // 2, "most patterns should be bounded, and so windowed"
    located = [p for p in windowed if p.gate is not None and p.gate_id in p.gate.located]
    if pattern_gate.hyperscan is not None:
        assert len(located) > len(windowed) // 2, "most bounded patterns should be located by the gate"
    used = {"windows": 0, "located": 0}

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(_LONG_TEXTS)
    def same(text):
        text = normalise(text)
        scan = m.Scan(text, timeout=5)
        for matcher in matchers:
            if matcher.reach is not None and matcher._regions(scan) is not None:
                used["windows"] += 1
                used["located"] += matcher in located
            assert matcher._scan(scan) == _whole_text(matcher, text), matcher.compiled.pattern[:120]

    same()
    assert used["windows"] > 0, "no pattern ever ran in windows: the test would prove nothing"
    if pattern_gate.hyperscan is not None:
        assert used["located"] > 0, "no pattern ever ran where the gate located it"


# Patterns whose assertions read past the end of their matches: a located window runs only a little
# beyond the last place a match can end (windows.Reach.beyond), and must still see what they read.
_PEEKING = [r"\bkeep\W+going\b", r"\bcat(?!\w)", r"\bdogs?\b", r"end$", r"(?m)end$", r"\bname(?= (?:mentions|thinks)\b)",
            r"\bzz\w{0,2}(?=xyz)", r"(?<!\w)ab(?=c(?!d))", r"\bfoo(?:bar)?(?=\W{2})"]


@pytest.mark.skipif(pattern_gate.hyperscan is None, reason="no Hyperscan wheel on this platform")
def test_located_windows_see_what_assertions_read_past_a_match():
    gate = pattern_gate.PatternGate()
    matchers = []
    for pattern in _PEEKING:
        matcher = m.RegexMatcher(regex.compile(pattern, regex.IGNORECASE))
        assert matcher.reach is not None, pattern
        matcher.gate_id = gate.add(pattern, locate=True)
        matcher.gate = gate
        matchers.append(matcher)
    gate.freeze()
    assert gate.wait(60) and gate.located == {matcher.gate_id for matcher in matchers}
    # Mostly filler, so that matches are sparse and windows worth running.
    words = st.sampled_from(["keep", "going", "²", " ½ ", "cat", "cats", "dog", "dogs", "end", "\n", "name", " mentions", " thinks", "xyz",
                             "abc", "abcd", "foo", "foobar", "!!", "?", " ", "zz"])
    pieces = st.one_of(words, st.sampled_from(["lorem ipsum " * 12, "a" * 30 + " ", "q" * 150 + "\n"]))
    windowed = []

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(pieces, min_size=20, max_size=120).map("".join).filter(lambda t: len(t) >= m.WINDOWED_FROM))
    def same(text):
        scan = m.Scan(text, timeout=5)
        for matcher in matchers:
            windowed.append(matcher._regions(scan) is not None)
            assert matcher._scan(scan) == _whole_text(matcher, text), matcher.compiled.pattern

    same()
    assert sum(windowed) > len(windowed) // 4, "too few texts ran in located windows to prove anything"
    # And one text where every pattern runs in windows, "end" before a newline in the middle of it.
    # "²" is a number to `\p{N}` but not a word character to `\W`: the gap runs must count it.
    scan = m.Scan(("lorem ipsum " * 40 + "cat dogs end\nname mentions zzxyz abc foo!! keep !²!²! going ") * 5,
                  timeout=5)
    for matcher in matchers:
        assert matcher._regions(scan) is not None, matcher.compiled.pattern
        assert matcher._scan(scan) == _whole_text(matcher, scan.text), matcher.compiled.pattern


def test_skipping_rules_whose_literals_are_absent_changes_no_answer(ruleset):
    unskipped = dataclasses.replace(ruleset, rules=tuple(dataclasses.replace(r, needs=None) for r in ruleset.rules))
    skippable = [r for r in ruleset.rules if r.needs is not None]
    assert len(skippable) > len(ruleset.rules) // 2
    texts = POSTS + [" ".join(POSTS[i:i + 25]) for i in range(0, len(POSTS), 25)]
    for text in texts:
        for account in ("personal", "council"):
            draft = Draft(text=text, account_type=account)
            assert [w.as_dict() for w in check(ruleset, draft)] == [w.as_dict() for w in check(unskipped, draft)], text[:80]


def test_a_rule_is_skipped_when_none_of_its_literals_is_in_the_text(ruleset, monkeypatch):
    evaluated = []
    original = m.Matcher.find

    def counting(self, scan, excluded=()):
        evaluated.append(self)
        return original(self, scan, excluded)

    monkeypatch.setattr(m.Matcher, "find", counting)
    text = "Lovely sunny morning for the parkrun"
    present = m.Scan(text).literal_hits(ruleset.literals).keys()
    absent = [r for r in ruleset.rules if r.needs is not None and any(present.isdisjoint(c) for c in r.needs)]
    # A matcher a rule that does run also uses (one rule's match can be another's `except`, as the
    # own-number rule's is the phone-number rule's) is evaluated for that rule.
    others = {part for r in ruleset.rules if r not in absent for part in (r.match, r.except_, r.unless)}
    check(ruleset, Draft(text=text))
    roots = {r.match for r in absent} - others
    assert len(roots) > 5 and not roots & set(evaluated)


@pytest.mark.parametrize("pattern, expected", [
    (r"\bcash\b", Width(4)),
    (r"\bsend (?:me|us) (?:£\d{1,4}|cash)", Width(13)),
    (r"\b\p{Lu}\p{Ll}+ from (?:IT|HR)\b", Width(9, 1, 0)),
    (r"\bhe\s+said\b", Width(6, 0, 1)),
    (r"\bkeep talking\W+see what happens\b", Width(28, 0, 1)),
    (r"\bi (?:\w+ ){0,3}team\b", Width(9, 3, 0)),
])
def test_the_width_of_a_match_is_bounded_by_the_text_s_runs(pattern, expected):
    assert match_reach(pattern, True).width == expected


@pytest.mark.parametrize("pattern", [r"a.*b", r"(?:\w+ )+team", r"[\w ]+council", r"(a)\1", r"\S+@"])
def test_patterns_without_a_bound_are_scanned_whole(pattern):
    assert match_reach(pattern, True) is None


def test_lookaheads_widen_what_a_window_must_see():
    reach = match_reach(r"\bname(?= (?:mentions|thinks)\b)", False)
    assert reach.width == Width(4)
    assert reach.ahead.at(0, 0) >= 4 + len(" mentions") + 1


_EVERY_CHARACTER = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)


def test_the_runs_measured_hold_every_character_their_classes_can_match():
    # A "gap" class (\s, \W, symbols) matches only characters Scan.runs counts in gap runs ...
    assert m.Scan("a ²_ b").runs()[1] == 4  # Scan.runs measures runs of windows.GAP (test_scan.py: on any text)
    assert set(regex.findall(r"[\W\s]", _EVERY_CHARACTER)) <= set(regex.findall(windows.GAP, _EVERY_CHARACTER))
    # ... and a "word" class (\w, \d) none that str.split() breaks at.
    assert not [c for c in regex.findall(r"[\w\d]", _EVERY_CHARACTER) if c.isspace()]


def test_windows_merge_and_stay_inside_the_text():
    lengths = {"cash": 4, "bung": 4}
    assert merge_windows([(10, "cash"), (12, "bung"), (500, "cash")], lengths, 20, 1000) == [(0, 12), (484, 500)]


def test_the_literal_scanner_finds_every_occurrence_even_overlapping():
    scanner = LiteralScanner()
    scanner.add(["ab", "b", "abab"])
    with pytest.raises(RuntimeError):
        scanner.find("abab")  # not frozen yet: the automaton must be built before threads share it
    scanner.freeze()
    assert scanner.find("xabab") == {"ab": [1, 3], "b": [2, 4], "abab": [1]}
    with pytest.raises(RuntimeError):
        scanner.add(["late"])


@pytest.mark.parametrize("text", ["@" * 100_000, "$" * 100_000, "a" + "*" * 99_998 + "x", ("a" + "*" * 12 + "x ") * 7000])
def test_disguised_words_cannot_be_made_to_backtrack_for_ever(ruleset, text):
    """Runs of stand-in characters used to be tried from every position (time growing with the square
    of the run) and hit the timeout, skipping the rule. A generous timeout must now be enough."""
    strong = ruleset.rule("offensive.strong-language")
    check(ruleset, Draft(text=text), timeout=2.0)  # raises nothing; a timeout would only be logged
    disguised = [p for p in _pattern_matchers(ruleset) if p.literals is None and "@" in p.compiled.pattern]
    assert strong is not None and disguised
    for matcher in disguised:
        matcher._scan(m.Scan(text, timeout=2.0))  # TimeoutError would fail the test


@pytest.mark.parametrize("text", ["what the f*ck", "#fuck this", "sh1t happens", "fuuuuuuck", "what an @rsehole", "f**king hell"])
def test_disguised_words_are_still_found(ruleset, text):
    assert "offensive.strong-language" in [w.rule for w in check(ruleset, Draft(text=text))]


def test_the_chosen_requirements_do_not_depend_on_the_hash_seed():
    """Every worker process has its own hash seed; the literal sets chosen for each pattern (and so the
    work a check does) must not change with it."""
    import os
    import subprocess
    import sys

    # Without the gate's Hyperscan database, which each process would otherwise wait for at exit (3 s of
    # CPU each) though the clauses are chosen without it.
    program = ("import json, sys; sys.path.insert(0, 'server'); from postcheck.engine import load_rule_pack; "
               "from postcheck.engine import pattern_gate; pattern_gate.COMPILE_IN_BACKGROUND = False; "
               "from tests.engine.test_windows import _pattern_matchers; rs = load_rule_pack('policy_rules'); "
               "print(json.dumps(sorted([p.compiled.pattern, [sorted(c) for c in p.clauses or ()]] "
               "for p in _pattern_matchers(rs))))")
    outputs = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120,
                              cwd=RULES_DIR.parent, env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr[-2000:]
        outputs.add(done.stdout)
    assert len(outputs) == 1


_SPANS = st.lists(st.tuples(st.integers(0, 200), st.integers(1, 30)).map(lambda t: (t[0], t[0] + t[1])), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_SPANS, _SPANS)
def test_excluded_phrases_remove_exactly_the_overlapping_spans(spans, excluded):
    expected = [s for s in spans if not any(s[0] < e and b < s[1] for b, e in excluded)]
    assert m._outside(spans, tuple(excluded)) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab é\u0301😀👩\u200d🍳\U0001F3FD"), max_size=60))
def test_utf16_offsets_count_two_units_for_each_astral_character(text):
    from postcheck.engine.text import Utf16Offsets, utf16_length

    to_utf16 = Utf16Offsets(text)
    for i in range(len(text) + 1):
        assert to_utf16(i) == len(text[:i].encode("utf-16-le")) // 2
    assert utf16_length(text) == len(text.encode("utf-16-le")) // 2
