"""The Rules page in words: where each rule applies as a comms officer would say it (rule_words.py, a
pure function tested here on every key and combination the rule pack uses), filters by category and
severity as a plain GET form, a count, and a clear message for a filter value that does not exist."""
from __future__ import annotations

import html as html_lib
import json
import re

import pytest

from postcheck.admin.rule_words import CATEGORY_NAMES, category_name, describe, severity_in_words, when_in_words
from postcheck.engine.schema import CATEGORIES

# Every `when` the rule pack and the learned cards use, and more, with what the page says.
WHEN = [
    ({}, "On every post, from any account, at any time"),
    ({"account": "personal"}, "Only on personal accounts"),
    ({"account": "council"}, "Only on council channels"),
    ({"reply": False}, "Not in replies"),
    ({"reply": True}, "Only in replies"),
    ({"election": True}, "Only during a pre-election period"),
    ({"election": False}, "Not during a pre-election period"),
    ({"profile_disclaimer": False}, "Only when the profile does not say views are the author's own"),
    ({"profile_disclaimer": True}, "Only when the profile says views are the author's own"),
    ({"account": "personal", "reply": True}, "Only in replies from personal accounts"),
    ({"account": "personal", "reply": False}, "Only on personal accounts, not in replies"),
    ({"account": "personal", "profile_disclaimer": False},
     "Only on personal accounts, when the profile does not say views are the author's own"),
    ({"account": "council", "election": True}, "Only on council channels, during a pre-election period"),
    ({"reply": False, "election": False}, "Not in replies or during a pre-election period"),
]


@pytest.mark.parametrize("when, words", WHEN, ids=[json.dumps(w, sort_keys=True) for w, _ in WHEN])
def test_where_a_rule_applies_in_words(when, words):
    assert when_in_words(when) == words


def test_every_condition_the_rule_pack_uses_has_its_words_tested(app):
    ruleset = app.extensions["postcheck"].rules.current
    pack = {json.dumps(dict(r.when), sort_keys=True) for r in ruleset.rules}
    if ruleset.learned is not None:
        pack |= {json.dumps(dict(c.when), sort_keys=True) for c in ruleset.learned.cards.values()}
    assert pack <= {json.dumps(w, sort_keys=True) for w, _ in WHEN}, "add the new combination's words to WHEN"


def test_severity_in_words():
    assert severity_in_words({"personal": "high", "council": "high"}) == "Serious"
    assert severity_in_words({"personal": "medium", "council": "medium"}) == "Moderate"
    assert severity_in_words({"personal": "low", "council": "low"}) == "Minor"
    assert severity_in_words({"council": "high", "personal": "medium"}) == \
        "Serious on council channels, moderate on personal accounts"
    parts = describe({}, {"council": "high", "personal": "medium"}).severity
    assert [(p.level, p.word, p.where) for p in parts] == [("high", "Serious", "on council channels"),
                                                           ("medium", "Moderate", "on personal accounts")]


def test_unless_except_and_whole_post_in_words():
    disclaimer = {"any": [{"pattern": r"\bviews are mine\b"},
                          {"words": ["views my own", "views are my own", "my views", "personal account"]}]}
    described = describe({"account": "personal"}, {"personal": "low", "council": "low"}, whole_post=True,
                         unless=disclaimer, except_={"words": ["bath bomb*", "the bomb"]})
    assert described.notes == (
        "Reads the post as a whole, so no words are underlined",
        "Not when the post says “views my own”, “views are my own” or “my views” or the like",
        "Except in phrases such as “bath bomb” and “the bomb”")
    assert describe({}, {"personal": "high", "council": "high"}, unless={"words": ["book club"]}).notes == \
        ("Not when the post says “book club”",)
    assert describe({}, {"personal": "high", "council": "high"}, except_={"pattern": "x"}).notes == \
        ("Except in some harmless phrases (see its file for the wording)",)
    assert describe({"reply": False}, {"personal": "high", "council": "high"}).text == "Serious · Not in replies"


def test_every_category_has_a_name():
    assert set(CATEGORY_NAMES) == set(CATEGORIES)
    assert category_name("violent") == "Violent language"


# The page over HTTP.

def _page(client, query=""):
    response = client.get("/admin/rules" + query)
    return response, html_lib.unescape(response.get_data(as_text=True))


def _shown(page, prefix):
    return set(re.findall(rf'<h3 id="{prefix}-([^"]+)"', page))


def _ruleset(client):
    return client.application.extensions["postcheck"].rules.current


def test_the_jargon_is_gone_and_the_words_are_there(signed_in):
    response, page = _page(signed_in)
    assert response.status_code == 200
    assert not re.search(r"\b(?:reply|election|account|profile_disclaimer)=(?:true|false|personal|council)\b", page)
    assert "only reply" not in page and "severity high" not in page
    main = page.split("<main", 1)[1]
    for words in ("Only on personal accounts", "Not in replies", "Only in replies from personal accounts",
                  "Only during a pre-election period", "Not during a pre-election period",
                  "Serious</span> on council channels", "Moderate</span> on personal accounts",
                  "Only on personal accounts, when the profile does not say views are the author's own",
                  "Not when the post says “views my own”", "Reads the post as a whole",
                  "Except in phrases such as “bath bomb”", "Showing all"):
        assert words in main, words
    ruleset = _ruleset(signed_in)
    for rule in ruleset.rules:  # each rule's own line, in words
        article = page[page.index(f'<h3 id="rule-{rule.id}"'):]
        article = re.sub(r"<[^>]+>|\s+", " ", article[:article.index("</article>")])
        conditions = describe(rule.when, rule.severity, whole_post=rule.whole_post,
                              unless=rule.written.get("unless"), except_=rule.written.get("except"))
        assert re.sub(r"\s+", " ", conditions.applies) in article and category_name(rule.category) in article
        assert all(note in article for note in conditions.notes)


def test_the_default_page_folds_each_rule(signed_in):
    _response, page = _page(signed_in)
    ruleset = _ruleset(signed_in)
    assert _shown(page, "rule") == {r.id for r in ruleset.rules}
    # What a rule says, its policy words and examples are behind a <details>, one per rule and card.
    cards = len(ruleset.learned.cards) if ruleset.learned is not None else 0
    assert page.count("<summary>What it says, the policy and examples") == len(ruleset.rules) + cards
    assert "<details open" not in page


@pytest.mark.parametrize("category, severity", [("violent", "high"), ("personal-data", ""), ("", "low"),
                                                ("election", "medium"), ("disclaimer", "high")])
def test_the_filters_select_exactly_the_matching_rules(signed_in, category, severity):
    query = "?" + "&".join(f"{k}={v}" for k, v in (("category", category), ("severity", severity)) if v)
    response, page = _page(signed_in, query)
    assert response.status_code == 200
    ruleset = _ruleset(signed_in)

    def matches(item_category, levels):
        return (not category or item_category == category) and (not severity or severity in levels.values())

    expected = {r.id for r in ruleset.rules if matches(r.category, r.severity)}
    assert _shown(page, "rule") == expected
    assert f"Showing {len(expected)} of {len(ruleset.rules)} rules" in page
    if ruleset.learned is not None:
        cards = {c.category for c in ruleset.learned.cards.values() if matches(c.category, c.severity)}
        assert _shown(page, "card") == cards
        assert f"{len(cards)} of {len(ruleset.learned.cards)} learned warnings" in page
    assert '<a href="/admin/rules">Show all</a>' in page
    # The form keeps the choice, so the filter can be changed from where it is.
    if category:
        assert f'<option value="{category}" selected>' in page
    if severity:
        assert f'<option value="{severity}" selected>' in page
    if not expected:
        assert "No rule matches these filters." in page


def test_the_filters_are_a_get_form_that_works_without_script(signed_in):
    _response, page = _page(signed_in)
    form = re.search(r'<form method="get" action="/admin/rules"[^>]*>(.*?)</form>', page, re.S)
    assert form, "a GET form to /admin/rules"
    assert 'name="category"' in form.group(1) and 'name="severity"' in form.group(1)
    assert '<option value="high"' in form.group(1) and ">Serious<" in form.group(1)


@pytest.mark.parametrize("query, field, words", [
    ("?category=not-a-category", "category", "There is no category “not-a-category”"),
    ("?severity=urgent", "severity", "There is no severity “urgent”"),
    ("?severity=HIGH&category=violent", "severity", "There is no severity “HIGH”"),
])
def test_a_filter_value_that_does_not_exist_is_explained(signed_in, query, field, words):
    response, page = _page(signed_in, query)
    assert response.status_code == 422
    assert "There is a problem" in page and words in page
    assert re.search(rf'<p class="field-error" id="error-{field}" role="alert">', page)
    assert f'id="f-{field}"' in page and 'aria-invalid="true"' in page
    assert "Show all rules" in page and not _shown(page, "rule")


def test_anchors_other_pages_link_to_still_work(signed_in):
    _response, page = _page(signed_in)
    ruleset = _ruleset(signed_in)
    for rule in ruleset.rules:
        assert f'id="rule-{rule.id}"' in page
    if ruleset.learned is not None:
        for category in ruleset.learned.cards:
            assert f'id="card-{category}"' in page and f'href="#card-{category}"' in page
    for anchor in re.findall(r'href="#([^"]+)"', page.split("<main", 1)[1]):
        assert f'id="{anchor}"' in page, anchor
