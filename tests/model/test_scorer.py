"""The shipped model's scorer on any text: spans inside the text and on word boundaries, never filler
alone, windows on long texts, a deadline that says what it left unread, and no network."""
import socket
import time

import numpy as np
from hypothesis import given, settings, strategies as st

from postcheck.engine import Draft, load_rule_pack
from postcheck.engine.evaluate import evaluate
from postcheck.model.features import WORD, Context, KeyedWords, words
from postcheck.model.scorer import WINDOW_STEP, WINDOW_WORDS, score
from tests.model.conftest import RULES_DIR

TEXTS = st.text(st.characters(codec="utf-8"), max_size=400) | st.lists(
    st.sampled_from(["you", "absolute", "muppet", "🔥", "the", "Cllr", "vote", "kill", "07700 900123", "é", "\u200b",
                     "don't", "council", "estate", "’", "ß", "İ", "\n"]), max_size=80).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, account=st.sampled_from(["personal", "council"]), reply=st.booleans(), election=st.booleans())
def test_evidence_is_whole_words_inside_the_text(shipped_layer, text, account, reply, election):
    scored = score(shipped_layer.model, text, Context(account, reply, election))
    starts = {m.start() for m in WORD.finditer(text)}
    ends = {m.end() for m in WORD.finditer(text)}
    for category in shipped_layer.model.categories:
        assert 0.0 <= scored.probabilities[category] <= 1.0
        for start, end in scored.evidence(category):
            assert 0 <= start < end <= len(text)
            assert start in starts and end in ends, (text, start, end)
            assert any(not w.filler for w in words(text[start:end])), "filler is never underlined alone"


@settings(max_examples=300, deadline=None)
@given(text=TEXTS)
def test_the_scorers_words_are_the_trainers_words(text):
    """The scorer keys words in one pass and places them only when asked: the same words, keys and
    places as `words()`, which the trainer reads."""
    keyed, listed = KeyedWords(text), words(text)
    assert keyed.keys == [w.key for w in listed]
    assert [keyed.span(i) for i in range(len(keyed))] == [(w.start, w.end) for w in listed]
    assert [keyed.filler(i) for i in range(len(keyed))] == [w.filler for w in listed]


def test_a_long_text_is_read_in_windows_each_scored_as_its_own_post(shipped_layer):
    model = shipped_layer.model
    text = " ".join(["Lovely day at the library with the reading group."] * 20) + \
        " I will find where you live and make you pay for that complaint, you muppet."
    found = words(text)
    assert len(found) > 4 * WINDOW_WORDS and WINDOW_STEP < WINDOW_WORDS
    scored = score(model, text, Context())
    assert scored.complete
    pieces = [text[found[first].start:found[min(first + WINDOW_WORDS, len(found)) - 1].end]
              for first in range(0, len(found) - WINDOW_WORDS + WINDOW_STEP, WINDOW_STEP)]
    assert found[-1].end == len(text) - 1 and pieces[-1].endswith("muppet"), "the last window reaches the end"
    for category in model.categories:
        best = max(score(model, piece, Context()).probabilities[category] for piece in pieces)
        assert abs(scored.probabilities[category] - best) < 1e-9, category


def _distinct_sentences(count: int) -> str:
    """`count` sentences that differ in a word (letters, since digits all read as 0): no window repeats."""
    name = lambda i: "".join("abcdefghij"[int(d)] for d in str(i))  # noqa: E731
    return " ".join(f"Lovely day at the library with reading group {name(i)}." for i in range(count))


def test_a_deadline_stops_between_windows_and_says_so(shipped_layer):
    text = _distinct_sentences(400)
    scored = score(shipped_layer.model, text, Context(), deadline=time.monotonic() - 1)
    assert not scored.complete  # the first window is always read; the rest were left
    assert score(shipped_layer.model, "short post", Context(), deadline=time.monotonic() - 1).complete


def test_a_window_that_repeats_an_earlier_one_is_read_once(shipped_layer, monkeypatch):
    """A text that repeats itself (padding, a hostile run of one word) costs what its distinct windows
    cost: 400 copies of one sentence are a handful of windows, not 180."""
    import postcheck.model.scorer as scorer
    read = []
    real = scorer._chunk_logits
    monkeypatch.setattr(scorer, "_chunk_logits", lambda model, text_words, starts, *rest: (
        read.extend(starts), real(model, text_words, starts, *rest))[1])
    repeated = " ".join(["Lovely day at the library with the reading group."] * 400) + " you absolute muppet"
    scored = score(shipped_layer.model, repeated, Context())
    assert scored.complete and len(read) <= 12, f"{len(read)} windows read"
    read.clear()
    score(shipped_layer.model, _distinct_sentences(400), Context())
    assert len(read) > 100, "distinct windows are each read"


def test_the_engine_names_the_model_when_the_budget_ran_out():
    ruleset = load_rule_pack(RULES_DIR)
    text = _distinct_sentences(400)
    verdict = evaluate(ruleset, Draft(text=text), model_deadline=time.monotonic() - 1)
    assert verdict.incomplete and verdict.not_checked == ("model",)
    assert not evaluate(ruleset, Draft(text=text)).incomplete


def test_loading_and_scoring_need_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the network was used")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    ruleset = load_rule_pack(RULES_DIR)
    assert ruleset.learned is not None
    verdict = evaluate(ruleset, Draft(text="Honestly the council's new bin rota is a shambles"))
    assert not verdict.incomplete
    # The guard works: a connection attempt is refused.
    try:
        socket.create_connection(("127.0.0.1", 9))
    except AssertionError:
        pass
    else:
        raise AssertionError("the network guard did not hold")


def test_many_windows_at_once_give_each_windows_own_logits(shipped_layer):
    from postcheck.model.scorer import _chunk_logits, _window
    model = shipped_layer.model
    rng = __import__("random").Random(16)
    vocabulary = ["council", "estate", "muppet", "bins", "Cllr", "vote", "napalm", "the", "and", "07700", "🔥", "lovely",
                  "restructure", "appeal", "decided", "address", "know", "where", "you", "live"]
    text = " ".join(rng.choice(vocabulary) for _ in range(1500))
    found = KeyedWords(text)
    context = Context("council", True, True)
    columns = [model.vocabulary[f] for f in context.features() if f in model.vocabulary]
    starts = list(range(0, len(found) - WINDOW_WORDS + WINDOW_STEP, WINDOW_STEP))
    together = _chunk_logits(model, found, starts, columns, {})
    alone = np.stack([_window(model, found, first, columns, {}).logits for first in starts])
    assert together.shape == (len(starts), len(model.categories)) and len(starts) > 64
    np.testing.assert_allclose(together, alone, atol=1e-9)
