"""The pattern gate (pattern_gate.py) skips the patterns Hyperscan says match nowhere in a text. It may
only ever skip a pattern that really matches nothing: these tests look for a text where a pattern
matches and the gate stays shut, with the real rule pack, Unicode that moves under case folding, and
every corpus post, and check that answers are the same with the gate, without it and without Hyperscan.
"""
import dataclasses
import json
import string
import threading

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postcheck.engine import Draft, check, load_rule_pack
from postcheck.engine import matchers as m
from postcheck.engine import pattern_gate
from postcheck.engine.hyperscan_support import CompiledCache
from postcheck.engine.pattern_gate import PatternGate, case_fold, superset_pattern
from tests.conftest import RULES_DIR
from tests.engine.test_windows import _pattern_matchers

needs_hyperscan = pytest.mark.skipif(pattern_gate.hyperscan is None, reason="no Hyperscan wheel on this platform")

CORPORA = sorted((RULES_DIR / "corpus").glob("*.jsonl"))
POSTS = [json.loads(line)["text"] for path in CORPORA
         for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def ruleset():
    ruleset = load_rule_pack(RULES_DIR)
    assert ruleset.gate.wait(60) or pattern_gate.hyperscan is None
    return ruleset


def _frozen(gate):
    gate.freeze()
    assert gate.wait(60)
    return gate


def _opened(ruleset, text):
    return ruleset.gate.open(text)


@needs_hyperscan
def test_nearly_every_pattern_of_the_pack_is_gated(ruleset):
    patterns = _pattern_matchers(ruleset)
    gated = [p for p in patterns if p.gate is not None]
    assert len(gated) >= 0.9 * len(patterns), [p.compiled.pattern[:60] for p in patterns if p.gate is None]


@needs_hyperscan
def test_every_corpus_post_opens_the_gate_of_every_pattern_it_matches(ruleset):
    patterns = [p for p in _pattern_matchers(ruleset) if p.gate is not None]
    matched = closed = 0
    for post in POSTS:
        opened = _opened(ruleset, post)
        assert opened is not None
        for pattern in patterns:
            if pattern.compiled.search(post, timeout=5):
                matched += 1
                assert pattern.gate_id in opened, (pattern.compiled.pattern[:120], post)
            elif pattern.gate_id not in opened:
                closed += 1
    assert matched > 500, "the corpus should match many patterns, or this proves nothing"
    # And the gate must be worth having: it shuts most patterns that match nothing.
    assert closed > 0.5 * (len(POSTS) * len(patterns) - matched)


# Characters that case folding moves (ß is "ss", K is the Kelvin sign, ſ a long s), white space that
# is not a space, accents, and scripts without case: what a wrong rewrite would trip on.
_SWAPS = {
    "s": ["S", "ſ"], "k": ["K", "\u212a"], "i": ["I", "İ", "ı"], "e": ["E", "é", "É"], "a": ["A", "à"],
    " ": ["\u00a0", "\u2003", "\t", "\n", "  ", " \u200d "], "ss": ["ß", "ẞ", "SS"], "'": ["\u2019", "ʼ"],
    "o": ["O", "ö", "Ö"], "c": ["C", "ç"],
}


@st.composite
def _variants(draw):
    text = draw(st.sampled_from(POSTS))
    for _ in range(draw(st.integers(0, 4))):
        target = draw(st.sampled_from(sorted(_SWAPS)))
        at = text.find(target, draw(st.integers(0, max(0, len(text) - 1))))
        if at >= 0:
            text = text[:at] + draw(st.sampled_from(_SWAPS[target])) + text[at + len(target):]
    if draw(st.booleans()):
        text = draw(st.sampled_from([text.upper(), text.title(), text.swapcase()]))
    return text + draw(st.sampled_from(["", " 😀", " مرحبا", " e\u0301", "\u202e!"]))


@needs_hyperscan
def test_the_gate_opens_for_every_match_whatever_the_case_and_the_characters(ruleset):
    patterns = [p for p in _pattern_matchers(ruleset) if p.gate is not None]
    seen = {"matches": 0}

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_variants())
    def sound(text):
        opened = _opened(ruleset, text)
        assert opened is not None
        for pattern in patterns:
            if pattern.compiled.search(text, timeout=5):
                seen["matches"] += 1
                assert pattern.gate_id in opened, (pattern.compiled.pattern[:120], text)

    sound()
    assert seen["matches"] > 100


@needs_hyperscan
@pytest.mark.parametrize("pattern, flags, text", [
    (r"straße", regex.I, "STRAẞE"),                 # the capital sharp s folds to ß, then to "ss"
    (r"\bkelvin\b", regex.I, "\u212aELVIN"),         # the Kelvin sign is a K
    (r"\blist\b", regex.I, "LIſT"),                   # a long s is an s
    (r"(?i:from|in|on|at) the", 0, "İn the"),          # regex takes a dotted capital I for an i...
    (r"\bcıty\b", regex.I, "CITY"),                   # ...and a dotless i for an I
    (r"\p{Lu}\p{Ll}+ is off", 0, "Émile is off"),
    (r"[A-Z]\w+ left", 0, "Zoë left"),
    (r"\w+ café", regex.I, "LE CAFÉ"),
    (r"caf[éè]", 0, "café"),
    (r"[É]cole", 0, "École"),
    (r"ǆ", regex.I, "ǅ"),                            # a title-case digraph
    (r"ς", regex.I, "Σ"),
    (r"ﬁne", 0, "ﬁne"),                             # a ligature folds to two letters
    (r"(?<!x)ab\b", 0, "ab"),
    (r"a{2,3}b", 0, "aaab"),
    (r"[^a]b", 0, "\nb"),
    (r"\s+x", 0, "\u2003x"),
    (r"(a)\1", 0, "aa"),
    (r"(?i:we) (?:did|do)(?=!)", 0, "WE did!"),
    (r"مرحبا", 0, "قال مرحبا"),
    (r"🤡", 0, "so 🤡"),
    (r"£\s?\d+", 0, "£\u00a0５"),                    # a full-width digit is a digit
    (r"\bviews(?: \w+){0,2} are mine", regex.I, "VIEWS ON ﬁSH ARE MINE"),  # a bound kept, letters folded
    (r"[a@4]{1,12}rse", regex.I, "@@@RSE"),
])
def test_the_rewrite_matches_wherever_the_pattern_does(pattern, flags, text):
    assert regex.search(pattern, text, flags), "the example must match, or it proves nothing"
    gate = PatternGate()
    gate_id = gate.add(pattern)
    _frozen(gate)
    assert gate_id is not None
    assert gate_id in gate.open(text)


def test_every_character_regex_takes_for_an_ascii_letter_folds_to_that_letter():
    """Rules are mostly written in ASCII: whatever `regex` matches to an ASCII letter when ignoring
    case, in the text or in a pattern, must fold to that letter, checked over every cased character."""
    cased = [chr(code) for code in range(0x20000) if chr(code).lower() != chr(code) or chr(code).upper() != chr(code)]
    checked = 0
    for letter in string.ascii_letters:
        for other in cased:
            if regex.fullmatch(regex.escape(other), letter, regex.I) or regex.fullmatch(letter, other, regex.I):
                checked += 1
                assert case_fold(other) == case_fold(letter), (letter, other, hex(ord(other)))
    assert checked > 60  # every letter in both cases, and the Kelvin sign, the long s, İ, ı...


@needs_hyperscan
def test_the_gate_shuts_when_the_words_are_not_there():
    gate = PatternGate()
    launched, mention = gate.add(r"\bwe(?:'ve| have)? (?:just )?launched\b"), gate.add(r"(?<![\w.])@\w+")
    _frozen(gate)
    assert gate.open("nothing to see here") == frozenset()
    assert gate.open("We have just LAUNCHED it, @Bob") == {launched, mention}


def test_what_cannot_be_widened_is_not_gated():
    assert superset_pattern(r"x{0,3}") is None             # matches the empty string: gates nothing
    assert superset_pattern(r"(?(1)a|b)") is None          # a conditional: the rewrite does not know it
    assert superset_pattern(r"\p{Greek}+") is None         # a script property: unknown to the rewrite
    assert superset_pattern(r"\bwe\b") == "we"


def test_small_repeat_bounds_are_kept_and_large_ones_lifted():
    # A kept bound: fewer places where a match may end, less work for Hyperscan reporting them.
    assert superset_pattern(r"a{2,3}b") == "(?:a){2,3}b"
    assert superset_pattern(r"\bviews(?: \w+){0,2}") == "views(?:\\ (?:[\\S])+){0,2}"
    assert superset_pattern(r"a{2,300}b") == "(?:a){2,}b"


@needs_hyperscan
def test_locate_reports_where_every_match_ends_in_characters_not_bytes():
    gate = PatternGate()
    cat, ship = gate.add(r"\bcat\b", locate=True), gate.add(r"ship", locate=True)
    anything = gate.add(r"cat.*", locate=True)  # ends everywhere after a "cat": not worth locating
    once = gate.add(r"\bdog\b")
    _frozen(gate)
    assert gate.located == {cat, ship}
    text = "é 😀 a Cat, a dog, and a CAT on the ship"
    ends = gate.locate(text)
    assert ends[cat] == [m.end() for m in regex.finditer(r"\bcat\b", text, regex.I)] == [9, 27]
    assert ends[ship] == [len(text)]
    assert set(ends) == {cat, ship, anything, once} == gate.open(text)
    assert gate.locate("no pets") == {}


@needs_hyperscan
def test_a_pattern_hyperscan_refuses_stays_open():
    gate = PatternGate()
    needle, huge = gate.add("needle"), gate.add(r"\w{30000,}")  # "Bounded repeat is too large"
    _frozen(gate)  # one expression refused: the others still make a database
    assert gate.open("hay") == {huge}
    assert gate.open("needle") == {needle, huge}
    located = PatternGate()
    needle, huge = located.add("needle", locate=True), located.add(r"\w{30000,}", locate=True)
    _frozen(located)
    assert located.located == {needle}
    assert located.locate("a needle") == {needle: [8], huge: []}


@needs_hyperscan
def test_while_the_gate_compiles_checks_run_ungated_and_answer_the_same(ruleset, monkeypatch):
    release = threading.Event()
    compile_for_real = pattern_gate._compile

    def slow_compile(*args):
        release.wait(60)
        return compile_for_real(*args)

    monkeypatch.setattr(pattern_gate, "_compile", slow_compile)
    monkeypatch.setattr(pattern_gate, "_cache", CompiledCache())  # nothing compiled yet
    fresh = load_rule_pack(RULES_DIR)  # returns at once: the compile waits in the background
    assert not fresh.gate.wait(0.2)
    assert fresh.gate.locate("we have just launched") is None
    assert _answers(fresh, _TEXTS[::8]) == _answers(ruleset, _TEXTS[::8])
    release.set()
    assert fresh.gate.wait(60)
    assert fresh.gate.open("we have just launched") is not None


@needs_hyperscan
def test_a_text_hyperscan_cannot_read_opens_every_pattern(ruleset):
    assert ruleset.gate.open("f*ck \ud800") is None  # a lone surrogate is not UTF-8
    # Only the disguised-spelling pattern (a gated one) finds "f*ck": it must still run.
    assert "offensive.strong-language" in {w.rule for w in check(ruleset, Draft(text="what the f*ck \ud800"))}


def _answers(ruleset, texts, timeout=m.DEFAULT_TIMEOUT):
    return [[w.as_dict() for w in check(ruleset, Draft(text=text, account_type=account), timeout=timeout)]
            for text in texts for account in ("personal", "council")]


_TEXTS = POSTS[::3] + [" ".join(POSTS[i:i + 40]) for i in range(0, len(POSTS), 400)]


@needs_hyperscan
def test_checks_answer_the_same_with_the_gate_and_without_it(ruleset, monkeypatch):
    gated = _answers(ruleset, _TEXTS)
    monkeypatch.setattr(PatternGate, "locate", lambda self, text, folded=None: None)  # every pattern open
    assert _answers(ruleset, _TEXTS) == gated
    assert sum(bool(a) for a in gated) > len(gated) // 4, "the texts should raise warnings"


@needs_hyperscan
def test_without_hyperscan_rules_load_ungated_and_answer_the_same(ruleset, monkeypatch):
    gated = _answers(ruleset, _TEXTS[::4])
    monkeypatch.setattr(pattern_gate, "hyperscan", None)
    plain = load_rule_pack(RULES_DIR)
    assert not plain.gate.wait()
    assert not [p for p in _pattern_matchers(plain) if p.gate is not None]
    assert _answers(plain, _TEXTS[::4]) == gated


@needs_hyperscan
def test_checks_on_many_threads_at_once_answer_as_one_thread_does(ruleset):
    texts = POSTS[:120]
    # A pattern's timeout is wall-clock time, and six threads on two cores can wait longer than 50 ms
    # for one: a skipped rule would then look like a wrong answer. This test is about sharing.
    expected = _answers(ruleset, texts, timeout=10)
    results, errors = {}, []

    def work(k):
        try:
            results[k] = _answers(ruleset, texts, timeout=10)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(results[k] == expected for k in range(6))


@needs_hyperscan
def test_rules_whose_patterns_match_nowhere_are_skipped_without_changing_answers(ruleset):
    ungated = dataclasses.replace(ruleset, rules=tuple(dataclasses.replace(r, gates=None) for r in ruleset.rules))
    assert sum(r.gates is not None for r in ruleset.rules) >= 3  # rules made of patterns only
    assert _answers(ungated, _TEXTS[::2]) == _answers(ruleset, _TEXTS[::2])
