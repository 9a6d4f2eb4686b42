"""The keyboard's way through the underlines (issue 20, item 9): Alt+Shift+Down, as LanguageTool's
shortcut, goes to the next underlined words and opens their card as a non-modal dialog with the focus
on it; pressed again it goes on to the next; Esc closes the card and gives the focus back to the
composer with the caret after those words; the card's buttons are reached with Tab. The card is a
labelled dialog, not a tooltip holding a button."""
from __future__ import annotations

import pytest

from tests.browser.pages import (CARD, CARD_DISMISS, MARK, NEXT_ISSUE_KEY, PREVIOUS_ISSUE_KEY, X_COMPOSER,
                                 composer_text, type_draft, wait_for_badge)

pytestmark = pytest.mark.browser

DRAFT = "Ha, what a clown. What a pr!ck. Ring 07700 900123"
RULES = ("picking-fights.call-out", "offensive.strong-language", "personal-data.phone-number")


def ready(launch):
    page = launch().open("x-home")
    page.set_viewport_size({"width": 1280, "height": 800})
    type_draft(page, X_COMPOSER, DRAFT)
    wait_for_badge(page, "warnings")
    for rule in RULES:
        page.locator(f'{MARK}[data-rule="{rule}"]').first.wait_for(state="attached")
    page.mouse.move(1200, 780)  # the pointer well away from every underline
    page.keyboard.press("Control+Home")
    return page


def card_words(page) -> str:
    return page.locator(f"{CARD} .words").inner_text()


def focus_in_card(page) -> bool:
    return page.evaluate("""() => {
        const host = document.activeElement;
        if (!host || host.dataset.postcheck !== 'underlines') return false;
        const inner = host.shadowRoot.activeElement;
        return !!inner && !!inner.closest('.tip');
    }""")


def card_title(page) -> str:
    return page.locator(f"{CARD} strong").inner_text()


def test_the_shortcut_walks_the_underlines_in_order_and_esc_returns_to_the_caret(launch):
    page = ready(launch)
    card = page.locator(CARD)

    page.keyboard.press(NEXT_ISSUE_KEY)
    card.wait_for(state="visible", timeout=2000)
    assert card_words(page) == "Underlined: “what a clown”"
    assert focus_in_card(page)
    first = card_title(page)

    page.keyboard.press(NEXT_ISSUE_KEY)
    assert card_words(page) == "Underlined: “pr!ck”"
    assert card_title(page) != first and "Strong language" in card_title(page)
    assert focus_in_card(page)

    page.keyboard.press(PREVIOUS_ISSUE_KEY)
    assert card_words(page) == "Underlined: “what a clown”"
    page.keyboard.press(NEXT_ISSUE_KEY)
    assert card_words(page) == "Underlined: “pr!ck”"

    page.keyboard.press("Escape")
    card.wait_for(state="hidden", timeout=2000)
    assert page.locator(X_COMPOSER).evaluate("el => el.contains(document.activeElement) || el === document.activeElement")
    page.wait_for_timeout(100)  # the editor settles its selection after taking the focus
    page.keyboard.type("Z")
    page.wait_for_function("s => document.querySelector(s).innerText.includes('pr!ckZ')", arg=X_COMPOSER, timeout=2000)
    assert "pr!ckZ." in composer_text(page, X_COMPOSER)


def test_the_card_is_a_labelled_dialog_whose_buttons_the_keyboard_reaches(launch):
    page = ready(launch)
    page.keyboard.press(NEXT_ISSUE_KEY)
    page.keyboard.press(NEXT_ISSUE_KEY)
    card = page.locator(CARD)
    card.wait_for(state="visible", timeout=2000)
    role = page.evaluate("""selector => {
        const tip = document.querySelector('postcheck-ui[data-postcheck="underlines"]').shadowRoot.querySelector('.tip');
        const label = tip.getAttribute('aria-labelledby');
        return {role: tip.getAttribute('role'), label: label && tip.getRootNode().getElementById(label).textContent};
    }""", CARD)
    assert role["role"] == "dialog", role
    assert "Strong language" in role["label"]
    assert "Alt+Shift+↓" in card.inner_text(), "the card says how to go on to the next problem"

    page.keyboard.press("Tab")
    assert page.evaluate("""() => document.activeElement.shadowRoot.activeElement.dataset.action""") == "dismiss"
    page.keyboard.press("Enter")
    card.wait_for(state="hidden", timeout=2000)
    page.wait_for_function(
        """() => ![...document.querySelectorAll('postcheck-ui[data-postcheck="underlines"]')]
             .some(h => h.shadowRoot.querySelector('.mark[data-rule="offensive.strong-language"]'))""", timeout=3000)
    assert page.locator(X_COMPOSER).evaluate("el => el.contains(document.activeElement) || el === document.activeElement")
    assert page.locator(CARD_DISMISS).count() >= 1
