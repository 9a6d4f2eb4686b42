"""Outcome reports while the server cannot take them (issue 19: PostgreSQL stopped, so
/api/v1/feedback answers 503 while checks go on). The extension keeps the outcomes as counts (never
text) and sends them once the server takes reports again: when the next check is answered, or when
its service worker starts. Each kept count arrives once, with no comment and no draft."""
from __future__ import annotations

import json
import time

import pytest

from tests.browser.pages import DIALOG, EDIT, X_COMPOSER, X_POST, type_draft, wait_for_badge

pytestmark = pytest.mark.browser

FEEDBACK = "http://127.0.0.1:*/api/v1/feedback"
DRAFT = "ring 07700 900123 now"
COMMENT = "It is our published office number"
PHONE = "personal-data.phone-number"
RETRY_AFTER_S = 1


class FeedbackOutage:
    """While `down`, answers every outcome report as a server with its database stopped does (503 with
    Retry-After), held back at the network so the real server never sees it; after, the reports go on
    to conftest's recorder and the real server."""

    def __init__(self):
        self.down = True
        self.refused: list[str] = []  # the bodies answered 503

    def __call__(self, route):
        if not self.down:
            route.fallback()
            return
        self.refused.append(route.request.post_data or "")
        route.fulfill(status=503, headers={"Retry-After": str(RETRY_AFTER_S)}, content_type="application/json",
                      body=json.dumps({"code": 503, "status": "Service Unavailable",
                                       "message": "The calendar database cannot be reached"}))


def kept(browser) -> dict:
    """What the extension keeps in chrome.storage.local for later, as stored."""
    return browser.worker.evaluate("async () => (await chrome.storage.local.get('unsentOutcomes')).unsentOutcomes || null")


def wait_until(page, condition, what: str, timeout_s: float = 10):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        page.wait_for_timeout(100)


def outcomes_during_an_outage(launch):
    """Two rounds of Post then Edit on a draft with a phone number, the first with "This warning is wrong"
    and a comment: shown x2, reported_wrong x1, edited x2, every report answered 503."""
    browser = launch()
    outage = FeedbackOutage()
    browser.route(FEEDBACK, outage)
    page = browser.open("x-status")
    type_draft(page, X_COMPOSER, DRAFT)
    wait_for_badge(page, "warnings")
    page.click(X_POST)
    page.locator(DIALOG).wait_for()
    page.locator(f'{DIALOG} [data-action="wrong"]').first.click()
    page.locator(f'{DIALOG} [data-action="wrong-comment"]').first.fill(COMMENT)
    page.locator(f'{DIALOG} [data-action="wrong-send"]').first.click()
    page.locator(f'{DIALOG} [role="status"]').wait_for()
    page.locator(EDIT).click()
    page.locator(DIALOG).wait_for(state="detached")
    page.click(X_POST)
    page.locator(DIALOG).wait_for()
    page.locator(EDIT).click()

    def total():
        state = kept(browser)
        return sum(entry["count"] for entry in state["entries"]) if state else 0
    wait_until(page, lambda: total() == 5, "five outcomes kept")
    return browser, outage, page


def counts(reports: list[dict]) -> dict:
    return {report["outcome"]: report.get("count", 1) for report in reports}


def assert_kept_as_counts_only(browser, outage):
    assert len(outage.refused) == 5, outage.refused
    assert browser.feedback == [], "nothing reached the server while it answered 503"
    state = kept(browser)
    assert {(e["report"]["outcome"], e["count"]) for e in state["entries"]} == \
        {("shown", 2), ("reported_wrong", 1), ("edited", 2)}
    stored = json.dumps(state)
    assert COMMENT not in stored and "07700" not in stored and "comment" not in stored, stored
    assert COMMENT in "".join(outage.refused), "the comment went with the report when it was sent, not kept"


def assert_sent_once_without_text(browser):
    assert counts(browser.feedback) == {"shown": 2, "reported_wrong": 1, "edited": 2}, browser.feedback
    assert len(browser.feedback) == 3, "one request per kept entry"
    assert browser.feedback_status == [202, 202, 202], "the real server counted each"
    for report in browser.feedback:
        assert report["rule"] == PHONE and "comment" not in report
    for raw in browser.feedback_raw:
        assert COMMENT not in raw and "07700" not in raw and "900123" not in raw
    assert kept(browser) is None, "nothing left in storage once the server took it"


def test_outcomes_kept_during_a_503_arrive_once_without_text_when_a_check_is_next_answered(launch):
    browser, outage, page = outcomes_during_an_outage(launch)
    assert_kept_as_counts_only(browser, outage)

    outage.down = False
    page.wait_for_timeout(RETRY_AFTER_S * 1000 + 300)  # the kept counts are not sent before Retry-After
    page.click(X_COMPOSER)
    page.keyboard.press("End")
    page.keyboard.type(" today")  # a new check: its answer says the server is back
    wait_until(page, lambda: len(browser.feedback) >= 3, "the kept counts to arrive")
    page.wait_for_timeout(300)
    assert_sent_once_without_text(browser)

    page.keyboard.type(" please")  # another check answered: nothing is left to send again
    wait_for_badge(page, "warnings")
    page.wait_for_timeout(1000)
    assert len(browser.feedback) == 3, browser.feedback


def test_outcomes_kept_during_a_503_arrive_when_the_service_worker_starts(launch):
    browser, outage, page = outcomes_during_an_outage(launch)
    assert_kept_as_counts_only(browser, outage)

    outage.down = False
    page.wait_for_timeout(RETRY_AFTER_S * 1000 + 300)
    browser.stop_worker(page)  # as Chromium stops an idle worker
    browser.open("x-home")  # its content script's first message starts the worker again
    wait_until(page, lambda: len(browser.feedback) >= 3, "the kept counts to arrive")
    page.wait_for_timeout(300)
    assert_sent_once_without_text(browser)
