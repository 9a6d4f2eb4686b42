""""Dismiss for this post" in an underline's card (issue 20, item 8): clicked with the mouse, it
removes that warning's underline and keeps it out of the dialog at Post for this post (it comes back
when the words are gone and typed again), and it is reported as outcome "dismissed" with the
warning's rule, never the text."""
from __future__ import annotations

import pytest

from tests.browser.pages import (CARD, CARD_DISMISS, DIALOG, MARK, X_COMPOSER, X_POST, click_at, composer_text, marks,
                                 posted, type_draft, wait_for_badge, word_rects)
from tests.browser.test_typing import HeldChecks

pytestmark = pytest.mark.browser

STRONG = "offensive.strong-language"
PHONE = "personal-data.phone-number"


def open_x(launch):
    browser = launch()
    page = browser.open("x-home")
    page.set_viewport_size({"width": 1280, "height": 800})
    return browser, page


def hover_and_dismiss(page, words: str):
    rect = word_rects(page, X_COMPOSER, words)[-1]
    page.mouse.move(rect["left"] + rect["width"] / 2, rect["top"] + rect["height"] / 2)
    page.locator(CARD).wait_for(state="visible")
    click_at(page, CARD_DISMISS)


def test_dismiss_removes_the_warning_from_the_marks_and_the_dialog_and_reports_it(launch):
    browser, page = open_x(launch)
    type_draft(page, X_COMPOSER, "What a pr!ck. Ring 07700 900123")
    wait_for_badge(page, "warnings")
    for rule in (STRONG, PHONE):
        page.locator(f'{MARK}[data-rule="{rule}"]').first.wait_for(state="attached")
    hover_and_dismiss(page, "pr!ck")

    page.wait_for_function(
        """rule => ![...document.querySelectorAll('postcheck-ui[data-postcheck="underlines"]')]
             .some(h => h.shadowRoot.querySelector(`.mark[data-rule="${rule}"]`))""", arg=STRONG, timeout=3000)
    assert marks(page, PHONE), "the other warning keeps its underline"
    assert page.locator(CARD).is_hidden()

    click_at(page, X_POST)
    page.locator(DIALOG).wait_for()
    dialog = page.locator(DIALOG).inner_text()
    assert "Strong language" not in dialog
    assert "phone" in dialog.lower()

    page.wait_for_function("() => true")  # reports go in the background
    deadline = 50
    while deadline and not any(r.get("outcome") == "dismissed" for r in browser.feedback):
        page.wait_for_timeout(100)
        deadline -= 1
    dismissed = [r for r in browser.feedback if r.get("outcome") == "dismissed"]
    assert len(dismissed) == 1, browser.feedback
    assert dismissed[0]["rule"] == STRONG and dismissed[0]["category"] == "offensive"
    raw = [r for r in browser.feedback_raw if "dismissed" in r]
    assert raw and "pr!ck" not in raw[0] and "07700" not in raw[0]


def test_a_post_whose_only_warning_was_dismissed_goes_out_without_the_dialog(launch):
    browser, page = open_x(launch)
    type_draft(page, X_COMPOSER, "pr!ck of a marshal")
    wait_for_badge(page, "warnings")
    page.locator(f'{MARK}[data-rule="{STRONG}"]').first.wait_for(state="attached")
    hover_and_dismiss(page, "pr!ck")
    page.wait_for_function(
        """() => ![...document.querySelectorAll('postcheck-ui[data-postcheck="underlines"]')]
             .some(h => h.shadowRoot.querySelector('.mark'))""", timeout=3000)
    click_at(page, X_POST)
    page.wait_for_function("() => (window.__posted || []).length > 0", timeout=3000)
    assert page.locator(DIALOG).count() == 0
    assert "pr!ck of a marshal" in posted(page)[0]["text"]


def test_the_dismissal_ends_when_the_words_are_gone(launch):
    browser, page = open_x(launch)
    type_draft(page, X_COMPOSER, "pr!ck of a marshal")
    wait_for_badge(page, "warnings")
    page.locator(f'{MARK}[data-rule="{STRONG}"]').first.wait_for(state="attached")
    hover_and_dismiss(page, "pr!ck")
    wait_for_badge(page, "clean")
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    page.keyboard.type("what a pr!ck")
    page.locator(f'{MARK}[data-rule="{STRONG}"]').first.wait_for(state="attached", timeout=5000)
    wait_for_badge(page, "warnings")



def test_the_dismissal_ends_when_the_words_are_typed_over_even_if_no_answer_came_in_between(launch):
    # Select all and type a new post with the same word: the draft never empties and, with the answers
    # held back at the network, no answer comes for any text in between. The dismissal ends at the edit
    # that took the words away (it used to end only when an answer came, and so outlived the words).
    browser = launch()
    checks = HeldChecks()
    browser.route("http://127.0.0.1:*/api/v1/check", checks)
    page = browser.open("x-home")
    page.set_viewport_size({"width": 1280, "height": 800})
    type_draft(page, X_COMPOSER, "pr!ck of a marshal")
    wait_for_badge(page, "warnings")
    page.locator(f'{MARK}[data-rule="{STRONG}"]').first.wait_for(state="attached")
    hover_and_dismiss(page, "pr!ck")
    wait_for_badge(page, "clean")

    # Back into the draft, as a person would (the click on the card took the focus), then over it.
    click_at(page, X_COMPOSER)
    page.wait_for_function("s => document.querySelector(s).contains(document.activeElement)", arg=X_COMPOSER)
    checks.holding = True
    page.keyboard.press("Control+a")
    page.keyboard.type("what a pr!ck")
    page.wait_for_function("s => document.querySelector(s).innerText.includes('what a pr!ck')", arg=X_COMPOSER)
    assert composer_text(page, X_COMPOSER).strip() == "what a pr!ck"  # typed over, not added to
    page.wait_for_timeout(600)  # past the pause after the last key: its check is sent, and held
    checks.release()
    page.locator(f'{MARK}[data-rule="{STRONG}"]').first.wait_for(state="attached")
    wait_for_badge(page, "warnings")
