"""The card an underline opens, on X's composer at 1280×800 (issue 20, items 1 and 4): it never takes
a click meant for the page, never covers the Post button, opens on hover or click of an underline
(not because the caret is in the word), closes on Esc or a click elsewhere, and says which words are
underlined; the underlines differ by severity in colour and in style."""
from __future__ import annotations

import json

import pytest

from tests.browser.pages import (CARD, DIALOG_HOST, FB_POST, FB_POST_COMPOSER, MARK, UNDERLINES_HOST, X_COMPOSER,
                                 X_POST, posted, type_draft, wait_for_badge, word_rects)

pytestmark = pytest.mark.browser

# The underlined word starts the last line, just above X's Post button.
LAST_LINE = "Lovely sunny day for the park run!\npr!ck of a marshal though"
SIX_LINES = "Stop it\nnow\nplease\nok\nfine\npr!ck of a marshal though"


def open_x(launch, fixture: str = "x-home"):
    """The fixture page at 1280×800, the size the issue was found at."""
    page = launch().open(fixture)
    page.set_viewport_size({"width": 1280, "height": 800})
    return page


def wait_for_marks(page, rule: str):
    page.locator(f'{MARK}[data-rule="{rule}"]').first.wait_for(state="attached")


def centre(rect: dict) -> tuple[float, float]:
    return rect["left"] + rect["width"] / 2, rect["top"] + rect["height"] / 2


def word_centre(page, words: str, composer: str = X_COMPOSER) -> tuple[float, float]:
    rects = word_rects(page, composer, words)
    assert rects, f"{words!r} is not in the composer"
    return centre(rects[-1])


def box(page, selector: str) -> dict:
    b = page.locator(selector).bounding_box()
    assert b, f"{selector} has no box"
    return {"left": b["x"], "top": b["y"], "width": b["width"], "height": b["height"]}


def overlaps(a: dict, b: dict) -> bool:
    return (a["left"] < b["left"] + b["width"] and b["left"] < a["left"] + a["width"]
            and a["top"] < b["top"] + b["height"] and b["top"] < a["top"] + a["height"])


def draft_with_caret_in(page, draft: str, rule: str = "offensive.strong-language"):
    """Types `draft`, waits for its underline, and with the keyboard puts the caret after the third
    character of the last line (the drafts here start their last line with the underlined word),
    the mouse well away."""
    type_draft(page, X_COMPOSER, draft)
    wait_for_badge(page, "warnings")
    wait_for_marks(page, rule)
    page.mouse.move(1200, 700)
    page.keyboard.press("Home")
    for _ in range(3):
        page.keyboard.press("ArrowRight")


def hover(page, words: str):
    x, y = word_centre(page, words)
    page.mouse.move(x, y)
    card = page.locator(CARD)
    card.wait_for(state="visible")
    return card


def test_a_real_click_on_post_reaches_the_page_while_the_card_is_open(launch):
    page = open_x(launch)
    draft_with_caret_in(page, LAST_LINE)
    hover(page, "pr!ck")
    card, post = box(page, CARD), box(page, X_POST)
    x, y = centre(post)
    page.mouse.click(x, y)
    # A high warning: the click reached X's Post, and the extension stood in front of it.
    page.locator(DIALOG_HOST).wait_for(state="attached", timeout=3000)
    assert posted(page) == []
    assert not overlaps(card, post), (card, post)


def test_nothing_the_card_draws_takes_a_click_but_its_buttons(launch):
    page = open_x(launch)
    type_draft(page, X_COMPOSER, LAST_LINE)
    wait_for_marks(page, "offensive.strong-language")
    x, y = word_centre(page, "pr!ck")
    page.mouse.click(x, y)  # a click on the underline opens the card
    card = page.locator(CARD)
    card.wait_for(state="visible")
    styles = page.evaluate("""selector => {
        const host = document.querySelector(selector);
        const card = host.shadowRoot.querySelector('.tip');
        const pe = el => getComputedStyle(el).pointerEvents;
        return {host: pe(host), card: pe(card), marks: [...host.shadowRoot.querySelectorAll('.mark')].map(pe),
                buttons: [...card.querySelectorAll('button')].map(pe)};
    }""", UNDERLINES_HOST)
    assert styles["host"] == "none" and styles["card"] == "none"
    assert styles["marks"] and set(styles["marks"]) == {"none"}
    assert styles["buttons"] and set(styles["buttons"]) == {"auto"}
    # What a click at the card's title would hit: the page beneath, not the extension.
    title = page.locator(f"{CARD} strong").bounding_box()
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).tagName",
                        [title["x"] + title["width"] / 2, title["y"] + title["height"] / 2])
    assert hit != "POSTCHECK-UI"


def test_the_caret_alone_does_not_open_the_card(launch):
    page = open_x(launch)
    draft_with_caret_in(page, LAST_LINE)
    caret_in_word = page.evaluate("""selector => {
        const s = getSelection();
        return document.querySelector(selector).contains(s.anchorNode) && s.anchorNode.data.slice(s.anchorOffset - 3, s.anchorOffset + 2) === 'pr!ck';
    }""", X_COMPOSER)
    assert caret_in_word
    page.wait_for_timeout(500)  # time for a selectionchange to have been handled
    assert page.locator(CARD).is_hidden()


def test_hovering_an_underline_opens_the_card_and_names_the_underlined_words(launch):
    page = open_x(launch)
    draft_with_caret_in(page, LAST_LINE)
    card = hover(page, "pr!ck")
    text = card.inner_text()
    assert "Strong language" in text
    assert "Underlined: “pr!ck”" in text
    assert card.get_attribute("data-severity") == "high"


def test_the_card_gives_the_rule_packs_straight_quotes_typographic_ones(launch):
    # Rule files are written with straight quotes ('Violent "joke" about a place'); the dialog showed
    # them typographic, the card did not (issue 20, item 10).
    page = open_x(launch)
    draft_with_caret_in(page, "Tottenham needs napalm", rule="violent.destroying-a-place")
    text = hover(page, "napalm").inner_text()
    assert "Violent \u201cjoke\u201d about a place" in text
    assert '"' not in text


def test_escape_closes_the_card(launch):
    page = open_x(launch)
    draft_with_caret_in(page, LAST_LINE)
    card = hover(page, "pr!ck")
    page.keyboard.press("Escape")
    card.wait_for(state="hidden", timeout=2000)
    assert page.locator(X_COMPOSER).evaluate("el => el.contains(document.activeElement) || el === document.activeElement")


def test_a_click_on_an_underline_keeps_the_card_until_a_click_elsewhere(launch):
    page = open_x(launch)
    type_draft(page, X_COMPOSER, LAST_LINE)
    wait_for_marks(page, "offensive.strong-language")
    x, y = word_centre(page, "pr!ck")
    page.mouse.click(x, y)
    card = page.locator(CARD)
    card.wait_for(state="visible")
    page.mouse.move(1200, 700)  # moving away does not close a card opened by a click
    page.wait_for_timeout(600)
    assert card.is_visible()
    page.mouse.click(1200, 700)
    card.wait_for(state="hidden", timeout=2000)
    assert posted(page) == []


X_MODAL_POST = 'button[data-testid="tweetButton"]'
OPEN_CARD = f"{CARD}:visible"  # Facebook's page has two composers, so two layers


@pytest.mark.parametrize("fixture,composer,draft,post", [
    ("x-home", X_COMPOSER, "pr!ck of a marshal", X_POST),  # one line: no room above, so below the toolbar
    ("x-home", X_COMPOSER, LAST_LINE, X_POST),
    ("x-home", X_COMPOSER, SIX_LINES, X_POST),  # room above the last line: the card flips
    ("x-home", X_COMPOSER, "pr!ck of a marshal\nok\nfine\nnow\nplease\nstop", X_POST),  # first line: below it
    ("x-compose", X_COMPOSER, LAST_LINE, X_MODAL_POST),
    ("facebook-feed", FB_POST_COMPOSER, LAST_LINE, FB_POST),
], ids=["x-one-line", "x-last-line", "x-six-lines", "x-first-line", "x-modal", "facebook-post"])
def test_the_card_never_covers_the_post_button(launch, fixture, composer, draft, post):
    page = open_x(launch, fixture)
    type_draft(page, composer, draft)
    wait_for_marks(page, "offensive.strong-language")
    x, y = word_centre(page, "pr!ck", composer)
    page.mouse.move(x, y)
    page.locator(OPEN_CARD).wait_for(state="visible")
    card, button = box(page, OPEN_CARD), box(page, post)
    assert not overlaps(card, button), (card, button)
    assert card["top"] >= 0 and card["top"] + card["height"] <= 800


SEVERITIES = "Ha, what a clown. What a pr!ck. Ring 07700 900123"


def test_marks_differ_by_severity_in_colour_and_style(launch):
    browser = launch()

    def phone_as_low(route):
        # No rule in the pack gives a low warning with words to underline, so one is made low here.
        response = route.fetch()
        body = response.json()
        for warning in body.get("warnings", []):
            if warning["rule"] == "personal-data.phone-number":
                warning["severity"] = "low"
        route.fulfill(response=response, body=json.dumps(body))

    browser.route("http://127.0.0.1:*/api/v1/check", phone_as_low)
    page = browser.open("x-home")
    page.set_viewport_size({"width": 1280, "height": 800})
    type_draft(page, X_COMPOSER, SEVERITIES)
    for rule in ("offensive.strong-language", "picking-fights.call-out", "personal-data.phone-number"):
        wait_for_marks(page, rule)
    looks = page.evaluate("""selector => {
        const out = {};
        for (const m of document.querySelector(selector).shadowRoot.querySelectorAll('.mark')) {
          const after = getComputedStyle(m, '::after');
          out[m.dataset.severity] = {cls: m.className, colour: after.backgroundColor, mask: after.maskImage || after.webkitMaskImage};
        }
        return out;
    }""", UNDERLINES_HOST)
    assert set(looks) == {"high", "medium", "low"}
    for severity, look in looks.items():
        assert f"mark-{severity}" in look["cls"].split()
    assert len({look["colour"] for look in looks.values()}) == 3, looks
    # Not colour alone: high is wavy (a wave mask), medium a solid line, low a dotted one (a mask of dots).
    assert "svg" in looks["high"]["mask"]
    assert looks["medium"]["mask"] == "none"
    assert "radial-gradient" in looks["low"]["mask"]
    card = hover(page, "what a clown")
    assert "Underlined: “what a clown”" in card.inner_text()
    assert card.get_attribute("data-severity") == "medium"
