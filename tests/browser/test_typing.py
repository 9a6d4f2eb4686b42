"""Typing on X's composer (issue 20, item 6): the underlines stay and move with the edit instead of
vanishing at every key, the badge keeps its last count until the new answer, and while typing goes
on the draft is checked at most once every 1.5 s (and at each pause), not at every key nor only at
the end. The check requests are counted at the network, on their way to the real server."""
from __future__ import annotations

import re
import time

import pytest

from tests.browser.pages import BADGE, MARK, X_COMPOSER, marks, type_draft, wait_for_badge, word_rects

pytestmark = pytest.mark.browser

CHECK = "http://127.0.0.1:*/api/v1/check"
RULE = "offensive.strong-language"
DRAFT = "What a pr!ck of a marshal"


class HeldChecks:
    """Counts the extension's check requests; while `holding`, keeps their answers back so the test
    can look at the page between an edit and the answer to it."""

    def __init__(self):
        self.holding = False
        self.held = []
        self.count = 0

    def __call__(self, route):
        self.count += 1
        if self.holding:
            self.held.append(route)
        else:
            route.continue_()

    def release(self):
        self.holding = False
        held, self.held = self.held, []
        for route in held:
            route.continue_()


def open_x(launch):
    browser = launch()
    checks = HeldChecks()
    browser.route(CHECK, checks)
    page = browser.open("x-home")
    page.set_viewport_size({"width": 1280, "height": 800})
    return page, checks


def badge_number(page) -> str:
    label = page.locator(BADGE).inner_text()
    numbers = re.findall(r"\d+", label)
    assert numbers, label
    return numbers[0]


def test_marks_stay_and_move_with_the_edit_while_the_answer_is_awaited(launch):
    page, checks = open_x(launch)
    type_draft(page, X_COMPOSER, DRAFT)
    wait_for_badge(page, "warnings")
    page.locator(f'{MARK}[data-rule="{RULE}"]').first.wait_for(state="attached")
    before = marks(page, RULE)
    count = badge_number(page)

    checks.holding = True  # the answers to what follows are kept back
    page.keyboard.press("Home")
    page.keyboard.type("Oh, ")
    page.wait_for_timeout(600)  # past the pause: the check for the new text is on its way, unanswered

    after = marks(page, RULE)
    word = word_rects(page, X_COMPOSER, "pr!ck")
    assert len(after) == len(before) == 1, (before, after)
    assert after[0]["left"] > before[0]["left"] + 10, "the mark moved right with the words"
    assert abs(after[0]["left"] - word[0]["left"]) < 1.5 and abs(after[0]["width"] - word[0]["width"]) < 1.5
    assert page.locator(BADGE).get_attribute("data-state") == "warnings", "not back to Checking…"
    assert badge_number(page) == count, "the badge keeps the last count until the new answer"
    assert checks.held, "the new text's check was asked for and is held"

    checks.release()
    page.wait_for_function(
        """([selector, left]) => [...document.querySelectorAll(selector)].some(h =>
             [...h.shadowRoot.querySelectorAll('.mark')].some(m => Math.abs(m.getBoundingClientRect().left - left) < 1.5))""",
        arg=['postcheck-ui[data-postcheck="underlines"]', word[0]["left"]], timeout=5000)


def test_an_edit_inside_the_underlined_words_drops_their_mark_until_the_answer(launch):
    page, checks = open_x(launch)
    type_draft(page, X_COMPOSER, "Hello there, pr!ck")
    wait_for_badge(page, "warnings")
    page.locator(f'{MARK}[data-rule="{RULE}"]').first.wait_for(state="attached")
    checks.holding = True
    page.keyboard.press("Backspace")  # "pr!c": the words at fault changed
    page.wait_for_timeout(100)
    assert marks(page, RULE) == []
    assert page.locator(BADGE).get_attribute("data-state") == "warnings"
    checks.release()


def test_continuous_typing_is_checked_while_it_goes_on_but_at_most_once_every_1_5_s(launch):
    page, checks = open_x(launch)
    page.click(X_COMPOSER)
    text = "Lovely sunny morning for the park run at the common today, well done to every marshal and runner "
    started = time.monotonic()
    page.keyboard.type(text * 2, delay=35)  # no pause of 400 ms anywhere: typing goes on throughout
    typed_for = time.monotonic() - started
    during = checks.count
    wait_for_badge(page, "clean")
    # While typing went on the draft was checked (today: only at the end)...
    assert during >= 1, f"no check in {typed_for:.1f} s of typing"
    # ...and no more often than the throttle allows: one every 1.5 s, plus the bucket's 3 and the pause.
    assert checks.count <= typed_for / 1.5 + 4, f"{checks.count} checks in {typed_for:.1f} s"
