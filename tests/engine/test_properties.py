"""Property tests: whatever Unicode staff type, the engine answers, and its spans are sound."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postcheck.engine import Draft, ElectionState, check, load_rule_pack
from postcheck.engine.text import utf16_length
from tests.conftest import RULES_DIR

RULESET = load_rule_pack(RULES_DIR)
IN_PERIOD = ElectionState(True, {"id": "test"})

# Pieces people really type, mixed with anything at all: words that trigger rules, emoji with
# skin tones and zero-width joiners, combining marks, right-to-left text, NUL and other controls.
PIECES = st.sampled_from([
    "fuck", "f*ck", "pr!ck", "Cllr Smith", "napalm", "Tottenham", "07700 900123", "943 476 5919",
    "QQ 12 34 56 C", "jo@gmail.com", "14 Philip Lane", "vote Labour", "views my own", "@haringeycouncil",
    "👩‍👩‍👧‍👦", "👍🏽", "🏳️‍🌈", "😀", "e\u0301", "\u200d", "\u200f", "مرحبا", "שלום", "\x00", "\t", "\n", "𝒶𝒷𝒸",
    "'", "’", "*", "#", "—", " ", ".", "!",
])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join)
CONTEXT = st.fixed_dictionaries({
    "account_type": st.sampled_from([None, "personal", "council"]),
    "reply": st.booleans(),
    "profile_disclaimer": st.booleans(),
})


def _units(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, context=CONTEXT, in_period=st.booleans())
def test_any_text_gets_sound_spans_and_the_same_answer_twice(text, context, in_period):
    draft = Draft(text=text, **context)
    election = IN_PERIOD if in_period else ElectionState()
    first = check(RULESET, draft, election)
    second = check(RULESET, draft, election)
    assert [w.as_dict() for w in first] == [w.as_dict() for w in second]
    length = utf16_length(text)
    units = _units(text)
    for warning in first:
        # A whole-post warning has no spans; every other warning marks at least one word.
        rule = RULESET.rule(warning.rule)
        if rule is None:  # a learned warning: it always underlines the words that drove it
            assert warning.source == "model" and warning.rule == f"model.{warning.category}" and warning.spans
        else:
            assert bool(warning.spans) != rule.whole_post
        previous_end = -1
        for span in warning.spans:
            start, end = span["start"], span["end"]
            assert 0 <= start < end <= length
            assert start >= previous_end  # sorted and not overlapping
            previous_end = end
            # On code-point boundaries: the slice decodes strictly, never half an emoji.
            units[start * 2:end * 2].decode("utf-16-le")


@settings(max_examples=60, deadline=None)
@given(text=TEXT)
def test_the_http_answer_matches_the_engine(app, text):
    body = app.test_client().post("/api/v1/check", json={"text": text, "at": "2026-09-15T12:00:00+01:00"}).get_json()
    engine = [w.as_dict() for w in check(RULESET, Draft(text=text))]
    assert body["warnings"] == engine
