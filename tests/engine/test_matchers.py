"""Each kind of matcher, on its own, through a small rule pack written by the test."""
import textwrap

import pytest
import yaml

from postcheck.engine import Draft, ElectionState, check, load_rule_pack
from postcheck.engine.text import Utf16Offsets, utf16_length

ORG = """
name: Example Borough Council
short_name: Example
official_handles: ["@examplecouncil"]
phone_numbers: ["020 7946 0000"]
phone_prefixes: ["020 7946 1"]
email_domains: [example.gov.uk]
addresses: ["1 Town Hall Square, EX1 1AA"]
places: [Northtown]
disclaimer: "Views my own."
"""


def pack(tmp_path, match_yaml, extra=""):
    """A one-rule pack; `match_yaml` and `extra` are YAML, as a comms officer would write them."""
    (tmp_path / "rules").mkdir(exist_ok=True)
    (tmp_path / "organisation.yaml").write_text(ORG)
    rule = {"id": "test.rule", "category": "offensive", "severity": "high", "title": "t", "message": "m",
            "advice": "a", "policy": {"section": "s", "clause": "c", "quote": "q"},
            "match": yaml.safe_load(textwrap.dedent(match_yaml)),
            "examples": {"warn": ["x"], "pass": ["y"]}}
    rule.update(yaml.safe_load(textwrap.dedent(extra)) or {})
    (tmp_path / "rules" / "test.yaml").write_text(yaml.safe_dump({"rules": [rule]}))
    return load_rule_pack(tmp_path)


def marks(ruleset, text, **draft):
    found = [w for w in check(ruleset, Draft(text=text, **draft)) if w.rule == "test.rule"]
    if not found:
        return None
    units = text.encode("utf-16-le")
    return [units[s["start"] * 2:s["end"] * 2].decode("utf-16-le") for s in found[0].spans]


def test_words_match_whole_words_only(tmp_path):
    rs = pack(tmp_path, "words: [cunt, ass]")
    assert marks(rs, "Scunthorpe and Essex and a class act and assess") is None
    assert marks(rs, "what an ASS") == ["ASS"]


@pytest.mark.parametrize("text, expected", [
    ("f*ck", "f*ck"), ("f**k", "f**k"), ("fuuuck", "fuuuck"), ("FUCKING", "FUCKING"),
    ("f*cking", "f*cking"), ("phuck", None), ("sh1t", "sh1t"), ("sh!t", "sh!t"), ("$hit", "$hit"),
])
def test_obfuscated_words_and_prefixes(tmp_path, text, expected):
    rs = pack(tmp_path, "{words: ['fuck*', shit], obfuscated: true}")
    assert marks(rs, f"well {text} then") == (None if expected is None else [expected])


def test_first_letter_must_be_real(tmp_path):
    rs = pack(tmp_path, "{words: [shit], obfuscated: true}")
    assert marks(rs, "****") is None


def test_phrases_tolerate_spacing_hyphens_and_curly_apostrophes(tmp_path):
    rs = pack(tmp_path, "words: [labour of love, can't stand]")
    assert marks(rs, "a labour-of-love") == ["labour-of-love"]
    assert marks(rs, "I can’t stand it") == ["can’t stand"]


def test_pattern_is_case_insensitive_unless_asked(tmp_path):
    rs = pack(tmp_path, r"pattern: '\bcllr\b'")
    assert marks(rs, "CLLR Smith") == ["CLLR"]
    rs = pack(tmp_path, "{pattern: '\\bCllr\\b', case_sensitive: true}")
    assert marks(rs, "cllr smith") is None


def test_proximity_counts_words(tmp_path):
    rs = pack(tmp_path, "{near: [{words: [napalm]}, {lexicon: organisation.places}], within: 3}")
    assert marks(rs, "Northtown needs napalm") == ["Northtown", "napalm"]
    assert marks(rs, "Northtown is lovely in the spring and I watched a film about napalm") is None


def test_ordered_proximity(tmp_path):
    rs = pack(tmp_path, "{near: [{words: [vote]}, {words: [labour]}], within: 2, ordered: true}")
    assert marks(rs, "vote labour") == ["vote", "labour"]
    assert marks(rs, "labour vote") is None


def test_all_needs_every_part_and_not_inverts(tmp_path):
    rs = pack(tmp_path, "all: [{words: [budget]}, {words: [leaked]}, {not: {words: [film]}}]")
    assert marks(rs, "the budget leaked") == ["budget", "leaked"]
    assert marks(rs, "the budget") is None
    assert marks(rs, "the budget leaked in the film") is None


def test_exceptions_remove_matches_they_overlap(tmp_path):
    rs = pack(tmp_path, "words: [labour, conservative]", extra="except: {words: [labour of love, conservative estimate]}")
    assert marks(rs, "a labour of love, a conservative estimate") is None
    assert marks(rs, "a labour of love, vote labour") == ["labour"]


def test_unless_silences_the_whole_rule(tmp_path):
    rs = pack(tmp_path, "words: [council]", extra="unless: {words: [views my own]}")
    assert marks(rs, "the council. Views my own") is None
    assert marks(rs, "the council") == ["council"]


def test_detectors_skip_the_organisations_published_contacts(tmp_path):
    rs = pack(tmp_path, "any: [{detector: phone-number}, {detector: email-address}, {detector: street-address}]")
    assert marks(rs, "Call 020 7946 0000 or email help@example.gov.uk, 1 Town Hall Square") is None
    assert marks(rs, "Call 020 7946 0123 or email jo@gmail.com, she lives at 14 Philip Lane") == [
        "020 7946 0123", "jo@gmail.com", "14 Philip Lane"]


def test_nhs_number_needs_a_valid_check_digit(tmp_path):
    rs = pack(tmp_path, "detector: nhs-number")
    assert marks(rs, "943 476 5919") == ["943 476 5919"]
    assert marks(rs, "943 476 5918") is None
    assert marks(rs, "9434765919") == ["9434765919"]


def test_when_limits_where_a_rule_applies(tmp_path):
    rs = pack(tmp_path, "words: [vote]", extra="when: {account: council, election: true, reply: false}")
    assert marks(rs, "vote", account_type="council") is None  # no election
    ruleset_check = check(rs, Draft(text="vote", account_type="council"), ElectionState(True, {}))
    assert [w.rule for w in ruleset_check] == ["test.rule"]
    assert not check(rs, Draft(text="vote", account_type="personal"), ElectionState(True, {}))
    assert not check(rs, Draft(text="vote", account_type="council", reply=True), ElectionState(True, {}))


def test_utf16_offsets():
    text = "a😀b"
    to16 = Utf16Offsets(text)
    assert [to16(i) for i in range(4)] == [0, 1, 3, 4]
    assert utf16_length(text) == 4


def test_a_pattern_that_times_out_skips_only_its_rule(tmp_path):
    rs = pack(tmp_path, r"pattern: '(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)(?:x|xx)y'")
    assert check(rs, Draft(text="x" * 5000), timeout=0.001) == []


def test_an_excepted_phrase_does_not_count_as_one_side_of_a_near(tmp_path):
    rs = pack(tmp_path, "{near: [{words: [secret]}, {words: [leaving]}], within: 5}",
              extra="except: {words: [leaving drinks]}")
    assert marks(rs, "secret: the director is leaving") == ["secret", "leaving"]
    assert marks(rs, "secret: the leaving drinks are on Friday") is None


def test_numbers_in_a_published_range_and_helplines_are_not_personal_data(tmp_path):
    rs = pack(tmp_path, "detector: phone-number")
    assert marks(rs, "Safeguarding hub on 020 7946 1470, or the helpline on 0808 2000 247") is None
    assert marks(rs, "she's on 020 7946 0123") == ["020 7946 0123"]
