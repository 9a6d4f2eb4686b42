"""Focus and caret (issue 20, item 7): after Edit post or Esc the caret is exactly where it was, so the
next letter lands where the person left off; after "Send report" and after closing the review dialog,
focus stays in the extension's UI or goes back where it came from, never to the page body."""
from __future__ import annotations

import pytest

from tests.browser.pages import (BADGE, DIALOG, DIALOG_HOST, EDIT, FB_COMMENT_COMPOSER, X_COMPOSER,
                                 X_POST, click_at, composer_text, type_draft, wait_for_badge)

pytestmark = pytest.mark.browser

DRAFT = "Tottenham needs napalm, see you all later"


def close_dialog(page, how):
    if how == "edit":
        click_at(page, EDIT)
    else:
        page.keyboard.press("Escape")
    page.locator(f"{DIALOG_HOST} .dialog").wait_for(state="detached")


@pytest.mark.parametrize("opened_by", ["post-click", "ctrl-enter"])
@pytest.mark.parametrize("how", ["edit", "escape"])
def test_the_caret_comes_back_exactly_where_it_was_on_x(launch, opened_by, how):
    page = launch().open("x-home")
    type_draft(page, X_COMPOSER, DRAFT)
    wait_for_badge(page, "warnings")
    if opened_by == "post-click":
        click_at(page, X_POST)
    else:
        page.keyboard.press("Control+Enter")
    page.locator(DIALOG).wait_for()
    close_dialog(page, how)
    page.keyboard.type("!")
    page.wait_for_function("s => document.querySelector(s).innerText.includes('!')", arg=X_COMPOSER)
    assert composer_text(page, X_COMPOSER).strip() == DRAFT + "!"


def test_selecting_all_at_once_after_esc_is_not_undone_by_the_caret_restore(launch):
    # The caret is put back once more a frame after Esc (Draft.js may move it on focus); a selection
    # the person makes in that frame (Ctrl+A straight after Esc) is theirs and must stand, so what they
    # type replaces the draft rather than being added to its end.
    page = launch().open("x-home")
    type_draft(page, X_COMPOSER, DRAFT)
    wait_for_badge(page, "warnings")
    page.keyboard.press("Control+Enter")
    page.locator(DIALOG).wait_for()
    page.keyboard.press("Escape")
    page.keyboard.press("Control+a")
    page.keyboard.type("Lovely day")
    page.wait_for_function("s => document.querySelector(s).innerText.includes('day')", arg=X_COMPOSER)
    assert composer_text(page, X_COMPOSER).strip() == "Lovely day"


@pytest.mark.parametrize("how", ["edit", "escape"])
def test_a_caret_in_the_middle_of_the_draft_is_kept_too(launch, how):
    page = launch().open("x-home")
    type_draft(page, X_COMPOSER, DRAFT)
    wait_for_badge(page, "warnings")
    for _ in range(len(", see you all later")):
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Control+Enter")
    page.locator(DIALOG).wait_for()
    close_dialog(page, how)
    page.keyboard.type(" now")
    page.wait_for_function("s => document.querySelector(s).innerText.includes(' now')", arg=X_COMPOSER)
    assert composer_text(page, X_COMPOSER).strip() == "Tottenham needs napalm now, see you all later"


def test_the_caret_comes_back_in_a_facebook_comment(launch):
    page = launch().open("facebook-feed")
    type_draft(page, FB_COMMENT_COMPOSER, "What a pr!ck that bloke was")
    wait_for_badge(page, "warnings")
    page.keyboard.press("Enter")
    page.locator(DIALOG).wait_for()
    close_dialog(page, "edit")
    page.keyboard.type(" really")
    page.wait_for_function("s => document.querySelector(s).innerText.includes('really')", arg=FB_COMMENT_COMPOSER)
    assert composer_text(page, FB_COMMENT_COMPOSER).strip() == "What a pr!ck that bloke was really"


def focus_in_extension(page, kind):
    return page.evaluate("""kind => {
        const a = document.activeElement;
        if (!a || a.getAttribute('data-postcheck') !== kind) return {page: a ? a.nodeName : null, inside: null};
        const inner = a.shadowRoot.activeElement;
        return {page: 'postcheck-ui', inside: inner ? (inner.dataset.action || inner.className || inner.nodeName) : null};
    }""", kind)


def test_send_report_keeps_focus_inside_the_dialog(launch):
    page = launch().open("x-home")
    type_draft(page, X_COMPOSER, DRAFT)
    wait_for_badge(page, "warnings")
    click_at(page, X_POST)
    page.locator(DIALOG).wait_for()
    click_at(page, f'{DIALOG} [data-action="wrong"]')
    page.keyboard.type("It is about a film")
    click_at(page, f'{DIALOG} [data-action="wrong-send"]')
    page.locator(f'{DIALOG} [role="status"]').wait_for()
    where = focus_in_extension(page, "dialog")
    assert where["page"] == "postcheck-ui" and where["inside"], where
    # Tab and Esc still work from there.
    page.keyboard.press("Tab")
    assert focus_in_extension(page, "dialog")["inside"]
    page.keyboard.press("Escape")
    page.locator(f"{DIALOG_HOST} .dialog").wait_for(state="detached")
    assert page.evaluate("s => document.querySelector(s).contains(document.activeElement)", arg=X_COMPOSER)


@pytest.mark.parametrize("how", ["close", "escape"])
def test_closing_the_review_returns_focus_to_the_badge(launch, how):
    page = launch().open("x-home")
    type_draft(page, X_COMPOSER, DRAFT)
    wait_for_badge(page, "warnings")
    click_at(page, BADGE)
    page.locator(DIALOG).wait_for()
    if how == "close":
        click_at(page, EDIT)
    else:
        page.keyboard.press("Escape")
    page.locator(f"{DIALOG_HOST} .dialog").wait_for(state="detached")
    assert (focus_in_extension(page, "badge")["inside"] or "").startswith("badge")
    assert page.evaluate("() => document.activeElement !== document.body")


def test_closing_the_review_opened_by_keyboard_returns_to_the_badge(launch):
    page = launch().open("x-home")
    type_draft(page, X_COMPOSER, DRAFT)
    wait_for_badge(page, "warnings")
    # From the composer, Tab reaches the badge next (it follows the composer in reading order).
    page.keyboard.press("Tab")
    assert (focus_in_extension(page, "badge")["inside"] or "").startswith("badge")
    page.keyboard.press("Enter")
    page.locator(DIALOG).wait_for()
    page.keyboard.press("Escape")
    page.locator(f"{DIALOG_HOST} .dialog").wait_for(state="detached")
    assert (focus_in_extension(page, "badge")["inside"] or "").startswith("badge")
