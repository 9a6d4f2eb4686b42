"""Outcome reports go to /api/v1/feedback with the rule and what the person did, never the draft or
the handle; every warning can be reported as wrong."""
from __future__ import annotations

import pytest

from tests.browser.pages import DIALOG, EDIT, X_COMPOSER, X_POST, type_draft, wait_for_badge

pytestmark = pytest.mark.browser

ALLOWED = {"rule", "category", "outcome", "platform", "account_type", "extension_version", "source", "comment"}
DRAFT = "ring 07700 900123 now"


def test_reports_carry_outcomes_and_no_text(launch):
    browser = launch()
    page = browser.open("x-status")
    type_draft(page, X_COMPOSER, DRAFT)
    wait_for_badge(page, "warnings")
    page.click(X_POST)
    page.locator(DIALOG).wait_for()
    page.locator(f'{DIALOG} [data-action="wrong"]').first.click()
    page.locator(f'{DIALOG} [data-action="wrong-comment"]').first.fill("It is our published office number")
    page.locator(f'{DIALOG} [data-action="wrong-send"]').first.click()
    page.locator(f'{DIALOG} [role="status"]').wait_for()
    page.locator(EDIT).click()
    page.wait_for_timeout(500)  # reports are sent in the background

    outcomes = [r["outcome"] for r in browser.feedback]
    assert outcomes == ["shown", "reported_wrong", "edited"]
    wrong = browser.feedback[1]
    assert wrong["rule"] == "personal-data.phone-number"
    assert wrong["category"] == "personal-data"
    assert wrong["comment"] == "It is our published office number"
    for report in browser.feedback:
        assert set(report) <= ALLOWED
        assert report["platform"] == "twitter"
        assert report["extension_version"] == "0.1.0"
        assert report.get("account_type", "personal") in {"personal", "council"}
    assert browser.feedback_status == [202, 202, 202], "the server's feedback endpoint accepts every report"
    for raw in browser.feedback_raw:
        assert DRAFT not in raw and "07700" not in raw and "900123" not in raw
        assert "jo_bloggs" not in raw


def test_nothing_is_kept_in_extension_storage(launch):
    browser = launch()
    page = browser.open("x-home")
    type_draft(page, X_COMPOSER, DRAFT)
    wait_for_badge(page, "warnings")
    stored = browser.worker.evaluate("""async () => JSON.stringify([
        await chrome.storage.local.get(null), await chrome.storage.session.get(null).catch(() => ({}))])""")
    assert "07700" not in stored
