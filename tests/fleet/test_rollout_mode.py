"""The rollout mode IT sets by policy, in a real Chromium: silent checks and counts but shows nothing
and never holds a post; off sends nothing at all."""
from __future__ import annotations

import pytest

from tests.browser.conftest import extension_id_from_manifest
from tests.browser.pages import X_COMPOSER, X_POST, posted, type_draft

pytestmark = pytest.mark.browser

DRAFT = "What a pr!ck that bloke was"


def _checks_sent(browser):
    sent = []
    browser.on_request(lambda request: sent.append(request) if request.url.endswith("/api/v1/check") else None)
    return sent


def test_silent_mode_checks_and_counts_but_shows_nothing(fresh_browser, managed_policy, postcheck_url):
    managed_policy(extension_id_from_manifest(), {"serverUrl": postcheck_url, "rolloutMode": "silent"})
    browser = fresh_browser(rolloutMode="warn")  # the person's own value must not matter
    checks = _checks_sent(browser)
    page = browser.open("x-home")
    type_draft(page, X_COMPOSER, DRAFT)
    deadline = 15000
    while not checks and deadline > 0:
        page.wait_for_timeout(250)
        deadline -= 250
    assert checks, "a silent pilot still checks drafts"
    page.wait_for_timeout(1000)  # the answer is in: the verdict is known before Post
    assert page.locator("postcheck-ui").count() == 0, "no badge, underline or dialog in a silent pilot"

    page.click(X_POST)
    page.wait_for_timeout(1500)
    assert [p["text"] for p in posted(page)] == [DRAFT], "the post went ahead untouched"
    assert page.locator("postcheck-ui").count() == 0
    reports = [r for r in browser.feedback if r]
    assert reports and {r["outcome"] for r in reports} == {"silent"}
    assert {r["rule"] for r in reports} == {"offensive.strong-language"}
    assert set(browser.feedback_status) == {202}, "the server counts the silent outcome"
    assert all(DRAFT not in raw for raw in browser.feedback_raw)


def test_off_mode_sends_nothing_and_never_holds_a_post(fresh_browser, managed_policy, postcheck_url):
    managed_policy(extension_id_from_manifest(), {"serverUrl": postcheck_url, "rolloutMode": "off"})
    browser = fresh_browser()
    checks = _checks_sent(browser)
    page = browser.open("x-home")
    type_draft(page, X_COMPOSER, DRAFT)
    page.wait_for_timeout(3000)
    page.click(X_POST)
    page.wait_for_timeout(1000)
    assert checks == [], "with the checks off no draft leaves the browser"
    assert page.locator("postcheck-ui").count() == 0
    assert [p["text"] for p in posted(page)] == [DRAFT]
    assert browser.feedback == []
