"""`underline: false` on a part of a `near` or an `all`: the part is context the rule needs, and only the
other parts' words, the ones at fault, are underlined. Whether a rule fires never depends on it."""
import pytest

from postcheck.engine import RulePackError
from postcheck.engine.schema import validate_node
from tests.engine.test_matchers import marks, pack

NEAR = """
near:
  - words: [napalm, bulldozer]
  - {UNDERLINE}words: [estate, honestly, the people on]
within: 8
"""


def near_rule(tmp_path, context_underlined: bool):
    tmp_path.mkdir(parents=True, exist_ok=True)
    """A violent-joke rule, its context side underlined (as every `near` was) or not."""
    return pack(tmp_path, NEAR.replace("{UNDERLINE}", "" if context_underlined else "underline: false\n    "))


def test_a_near_underlines_only_the_side_at_fault(tmp_path):
    ruleset = near_rule(tmp_path, context_underlined=False)
    assert marks(ruleset, "Honestly, the people on that estate need napalm") == ["napalm"]


def test_without_the_key_a_near_still_underlines_both_sides(tmp_path):
    ruleset = near_rule(tmp_path, context_underlined=True)
    assert marks(ruleset, "Honestly, the people on that estate need napalm") == \
        ["Honestly", "the people on", "estate", "napalm"]


@pytest.mark.parametrize("text", [
    "Honestly, the people on that estate need napalm", "napalm", "the estate", "estate " + "word " * 10 + "napalm",
    "a bulldozer for the estate", "Apocalypse Now: the napalm scene",
])
def test_the_key_changes_what_is_underlined_never_whether_it_fires(tmp_path, text):
    shown = near_rule(tmp_path / "shown", context_underlined=True)
    hidden = near_rule(tmp_path / "hidden", context_underlined=False)
    assert (marks(shown, text) is None) == (marks(hidden, text) is None)


def test_an_all_underlines_only_its_parts_at_fault(tmp_path):
    ruleset = pack(tmp_path, r"""
        all:
          - pattern: '\bi can get you\b'
          - {words: [permit, council flat], underline: false}
          - pattern: '£\d+'
    """)
    assert marks(ruleset, "I can get you a permit for £30") == ["I can get you", "£30"]
    assert marks(ruleset, "I can get you a sandwich for £3") is None  # the context part is still needed


def test_context_stays_hidden_inside_a_nested_near_and_any(tmp_path):
    ruleset = pack(tmp_path, """
        any:
          - near:
              - near:
                  - words: [napalm]
                  - {words: [estate], underline: false}
                within: 3
              - {words: [honestly], underline: false}
            within: 10
          - words: [wrecking ball]
    """)
    assert marks(ruleset, "honestly the estate needs napalm and a wrecking ball") == ["napalm", "wrecking ball"]


def test_a_long_post_hides_the_context_too(tmp_path):
    """From 1,000 characters a rule's first underlines are found without reading every match."""
    ruleset = pack(tmp_path, """
        any:
          - near:
              - words: [napalm]
              - {words: [estate], underline: false}
            within: 3
          - words: [bulldozer]
    """)
    text = "A long day at work. " * 60 + "The estate needs napalm. " + "and a bulldozer " * 80
    assert len(text) > 1000
    assert marks(ruleset, text) == ["napalm"] + ["bulldozer"] * 49


def test_a_rule_that_fires_shows_words_even_when_context_alone_paired(tmp_path):
    """An outer `near` can pair with only the inner near's context word: the rule fires (as it always
    did), so it underlines what it found, as it did before the key, rather than nothing."""
    ruleset = pack(tmp_path, """
        near:
          - near:
              - words: [napalm]
              - {words: [estate], underline: false}
            within: 8
          - {words: [tonight], underline: false}
        within: 1
    """)
    assert marks(ruleset, "napalm for the whole estate tonight") == ["estate", "tonight"]


def test_underline_goes_only_on_a_part_of_a_near_or_an_all(tmp_path):
    for name in ("top", "any"):
        (tmp_path / name).mkdir()
    with pytest.raises(RulePackError, match="'underline' goes only on one of the parts of a 'near' or an 'all'"):
        pack(tmp_path / "top", "{words: [napalm], underline: false}")
    with pytest.raises(RulePackError, match=r"match\.any\[1\]: 'underline' goes only"):
        pack(tmp_path / "any", "any: [{words: [napalm]}, {words: [estate], underline: false}]")


def test_a_rule_must_leave_some_words_underlined(tmp_path):
    for name in ("near", "all", "yes"):
        (tmp_path / name).mkdir()
    with pytest.raises(RulePackError, match="every part says 'underline: false'"):
        pack(tmp_path / "near", """
            near: [{words: [napalm], underline: false}, {words: [estate], underline: false}]
            within: 3
        """)
    with pytest.raises(RulePackError, match="every part says 'underline: false'"):
        pack(tmp_path / "all", "all: [{not: {words: [film]}}, {words: [napalm], underline: false}]")
    with pytest.raises(RulePackError, match="must be true or false"):
        pack(tmp_path / "yes", "near: [{words: [napalm]}, {words: [estate], underline: 'no'}]\nwithin: 3")


def test_the_key_the_readme_names_is_the_schema_s():
    """The rules section of the README tells comms officers the key's name: it must be the one the rule
    files' schema reads."""
    from tests.conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rules_section = readme.split("## For comms: changing the rules", 1)[1].split("\n## ", 1)[0]
    assert "underline: false" in rules_section
    assert validate_node({"near": [{"words": ["a"]}, {"words": ["b"], "underline": False}], "within": 3})


def test_the_rule_pack_marks_its_context():
    """The shipped rules use the key: every `near` around the place of a violent joke hides the place."""
    from postcheck.engine import load_rule_pack
    from tests.conftest import RULES_DIR
    rule = load_rule_pack(RULES_DIR).rule("violent.destroying-a-place")
    assert rule.match.underline == (True, False)


def test_the_pack_fires_exactly_as_it_would_without_the_key(rules_copy):
    """The shipped rules' `underline: false` changes what staff see underlined, never which rules warn:
    the labelled posts get the same warnings from the pack with every `underline: false` taken out."""
    import dataclasses
    import json
    import re

    from postcheck.engine import Draft, check, load_rule_pack
    from tests.conftest import RULES_DIR
    for path in (rules_copy / "rules").glob("*.yaml"):
        path.write_text(re.sub(r"- underline: false[^\n]*\n *", "- ", path.read_text(encoding="utf-8")),
                        encoding="utf-8")
    assert "underline:" not in "".join(p.read_text(encoding="utf-8") for p in (rules_copy / "rules").glob("*.yaml"))
    shipped, plain = (dataclasses.replace(load_rule_pack(d), learned=None) for d in (RULES_DIR, rules_copy))
    posts = [json.loads(line) for line in (RULES_DIR / "corpus" / "posts.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    underlined_differently = 0
    for post in posts:
        draft = Draft(text=post["text"], account_type=post["account"], reply=post["reply"])
        ours, theirs = check(shipped, draft), check(plain, draft)
        # (Warnings of one severity come in the order of their first underline, which may move.)
        assert sorted(w.rule for w in ours) == sorted(w.rule for w in theirs), post["id"]
        underlined_differently += {w.rule: w.spans for w in ours} != {w.rule: w.spans for w in theirs}
    assert underlined_differently > 50  # the key is in use: the test would prove nothing otherwise
