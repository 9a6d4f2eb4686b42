"""One weight per severity (issue 20, item 8): by default a low warning is a tip in place (underline,
card, badge) that does not stop Post; medium and high warnings stop Post with the dialog, which lists
only them. IT changes the mapping with the managed key `presentation`."""
from __future__ import annotations

import pytest

from tests.browser.conftest import extension_id_from_manifest
from tests.browser.pages import (composer_text, BADGE, DIALOG, DIALOG_HOST, DIALOG_SUMMARY, X_COMPOSER, X_POST, click_at, posted,
                                 type_draft, wait_for_badge)

pytestmark = pytest.mark.browser

LOW_ONLY = "so proud of the work we do at @haringeycouncil!"  # disclaimer.missing, low
LOW_AND_HIGH = "so proud of the work we do at @haringeycouncil! Tottenham needs napalm though"


def test_a_low_warning_is_a_tip_and_post_goes_through(launch):
    browser = launch()
    page = browser.open("x-home")
    type_draft(page, X_COMPOSER, LOW_ONLY)
    badge = wait_for_badge(page, "warnings")
    assert badge.get_attribute("data-severity") == "low"
    assert badge.inner_text() == "1 problem"
    click_at(page, X_POST)
    import sys; page.wait_for_timeout(2000); print("DEBUG", repr(composer_text(page, X_COMPOSER)), page.locator(f"{DIALOG} li[data-rule]").evaluate_all("items => items.map(i => i.dataset.rule + ' ' + i.dataset.severity)"), file=sys.stderr)
    page.wait_for_function("() => (window.__posted || []).length > 0")
    assert posted(page) == [{"where": "inline", "text": LOW_ONLY}]
    assert page.locator(DIALOG_HOST).count() == 0


def test_the_dialog_lists_only_the_warnings_that_stop_post(launch):
    page = launch().open("x-home")
    type_draft(page, X_COMPOSER, LOW_AND_HIGH)
    wait_for_badge(page, "warnings")
    assert page.locator(BADGE).inner_text() == "2 problems, 1 serious"
    click_at(page, X_POST)
    page.locator(DIALOG).wait_for()
    rules = page.locator(f"{DIALOG} li[data-rule]").evaluate_all("items => items.map(i => i.dataset.rule)")
    assert rules == ["violent.destroying-a-place"]
    assert page.locator(DIALOG_SUMMARY).inner_text() == "1 serious problem"
    page.keyboard.press("Escape")
    # The badge still opens the whole list, the tip included, with its one-click fix.
    click_at(page, BADGE)
    page.locator(DIALOG).wait_for()
    rules = page.locator(f"{DIALOG} li[data-rule]").evaluate_all("items => items.map(i => i.dataset.rule)")
    assert rules == ["violent.destroying-a-place", "disclaimer.missing"]
    assert page.locator(f'{DIALOG} li[data-rule="disclaimer.missing"] [data-action="fix"]').count() == 1
    assert posted(page) == []


def test_it_can_make_low_warnings_stop_post_and_high_ones_tips(fresh_browser, managed_policy, postcheck_url):
    extension_id = extension_id_from_manifest()
    managed_policy(extension_id, {"serverUrl": postcheck_url,
                                  "presentation": {"low": "dialog", "medium": "dialog", "high": "tip"}})
    browser = fresh_browser()
    page = browser.open("x-home")
    type_draft(page, X_COMPOSER, LOW_ONLY)
    wait_for_badge(page, "warnings", timeout=15000)
    click_at(page, X_POST)
    page.locator(DIALOG).wait_for()
    rules = page.locator(f"{DIALOG} li[data-rule]").evaluate_all("items => items.map(i => i.dataset.rule)")
    assert rules == ["disclaimer.missing"]
    page.keyboard.press("Escape")
    page.keyboard.press("Control+a")
    page.keyboard.type("Tottenham needs napalm")
    page.locator(f'{BADGE}[data-severity="high"][data-pending="false"]').wait_for()
    click_at(page, X_POST)
    page.wait_for_function("s => (window.__posted || []).length > 0 || document.querySelector(s)", arg=DIALOG_HOST)
    stopped_by = page.locator(f"{DIALOG} li[data-rule]").evaluate_all("items => items.map(i => i.dataset.rule)")
    assert stopped_by == [], f"Post was stopped by {stopped_by} on {composer_text(page, X_COMPOSER)!r}"
    assert posted(page)[-1]["text"] == "Tottenham needs napalm"
