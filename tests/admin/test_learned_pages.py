"""The learned layer on the comms pages: "Try a post" says which words drove a learned warning, the
Rules page shows each category's model and its first-sight figures, and "How the warnings land"
counts learned warnings apart."""
import datetime as dt
import html as html_lib
import re

from postcheck.outcomes import record
from tests.admin.helpers import post_form
from tests.conftest import utf16_slice


def _learned_example(client):
    """A card's own warn example that the API answers with a learned warning (source model)."""
    layer = client.application.extensions["postcheck"].rules.current.learned
    for card in layer.cards.values():
        for example in card.examples["warn"]:
            body = {"text": example["text"], "account": {"type": example.get("account", card.when.get("account", "personal"))},
                    "at": "2026-04-20T12:00:00+01:00" if card.when.get("election") else "2026-09-15T12:00:00+01:00"}
            answer = client.post("/api/v1/check", json=body).get_json()
            learned = [w for w in answer["warnings"] if w["source"] == "model"]
            if learned:
                return body, learned[0]
    raise AssertionError("no card example gives a learned warning: the cards' examples should show the model's own")


def test_try_a_post_says_a_warning_is_learned_and_which_words_drove_it(signed_in):
    body, warning = _learned_example(signed_in)
    at = "20 April 2026" if body["at"].startswith("2026-04") else "15 September 2026"
    page = post_form(signed_in, "/admin/try", {"text": body["text"], "account": body["account"]["type"],
                                                 "platform": "other", "at": at}).get_data(as_text=True)
    item = page[page.index(f'data-rule="{warning["rule"]}"'):]
    item = html_lib.unescape(item[:item.index("</li>")])
    assert "Learned warning" in item and f'{round(warning["confidence"] * 100)}% sure' in item
    words = [utf16_slice(body["text"], s["start"], s["end"]) for s in warning["spans"]]
    assert re.findall(r"<q>(.*?)</q>", item)[:len(words)] == words


def test_the_rules_page_shows_each_categorys_model_and_first_sight(signed_in):
    page = html_lib.unescape(signed_in.get("/admin/rules").get_data(as_text=True))
    layer = signed_in.application.extensions["postcheck"].rules.current.learned
    assert 'id="learned"' in page and f"trained on {layer.meta['about']['trained_on']['posts']} labelled posts" in page
    for category in layer.model.categories:
        assert f'href="#card-{category}"' in page and f"model.{category}" in page
    assert "not measured" not in page, "every category has first-sight figures"


def test_how_the_warnings_land_counts_learned_warnings_apart(signed_in):
    store = signed_in.application.extensions["postcheck"].store
    today = dt.datetime.now(dt.timezone.utc).date()
    report = {"platform": "twitter", "account_type": "personal", "extension_version": "0.9.0"}
    for _ in range(3):
        record(store, {**report, "rule": "model.violent", "category": "violent", "outcome": "shown", "source": "model"}, today)
    record(store, {**report, "rule": "violent.threat-to-harm", "category": "violent", "outcome": "edited", "source": "both"}, today)
    record(store, {**report, "rule": "model.violent", "category": "violent", "outcome": "dismissed", "source": "model"}, today)
    page = signed_in.get("/admin/outcomes").get_data(as_text=True)
    table = page[page.index('id="learned-counts"'):]
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th>((?:<td>\d+</td>)+)</tr>", table)
    cells = {label: re.findall(r"<td>(\d+)</td>", tds) for label, tds in rows}
    # Shown, edited, posted anyway, reported wrong, found in a silent pilot, dismissed.
    assert cells["The model alone"] == ["3", "0", "0", "0", "0", "1"]
    assert cells["A rule, and the model agreed"] == ["0", "1", "0", "0", "0", "0"]
