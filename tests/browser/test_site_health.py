"""Know when the sites change (issue 20). The extension finds X's and Facebook's composers by their
markup; when a site renames it, the extension would fail open in silence. So a page view where the
composer was expected and none appeared once the page settled is counted as `no_composer`, and a submit
it could not intercept as `submit_missed`: outcomes with no rule and no text, each sent at most once per
page view (per page), and only when IT has not turned reports off. The fixture's ?variant=renamed is X
with its composer renamed."""
from __future__ import annotations

import json

import pytest

from tests.browser.conftest import EXTENSION
from tests.browser.pages import (FB_POST_COMPOSER, X_COMPOSER, X_POST, X_RENAMED, X_RENAMED_COMPOSER, click_at,
                                 posted, type_draft)
from tests.browser.test_unchecked import wait_until

pytestmark = pytest.mark.browser

VERSION = json.loads((EXTENSION / "manifest.json").read_text())["version"]
NO_COMPOSER = {"outcome": "no_composer", "platform": "twitter", "extension_version": VERSION}
SUBMIT_MISSED = {"outcome": "submit_missed", "platform": "twitter", "extension_version": VERSION}
DRAFT = "Tottenham needs napalm"
SETTLED_MS = 12000  # the extension waits some seconds with no composer; this only bounds the test


def site_changes(browser) -> list[dict]:
    return [r for r in browser.feedback if r and r.get("outcome") in ("no_composer", "submit_missed")]


def test_a_renamed_composer_is_counted_as_no_composer_at_the_server(launch):
    browser = launch()
    page = browser.open("x-home", X_RENAMED)
    page.locator(X_RENAMED_COMPOSER).wait_for()
    assert page.locator(X_COMPOSER).count() == 0, "the variant's composer is one the extension cannot find"
    wait_until(page, lambda: browser.feedback_status, "the server's answer to the no_composer report",
               timeout_ms=SETTLED_MS)
    assert site_changes(browser) == [NO_COMPOSER], "no rule, no category, no address, no text"
    assert browser.feedback_status == [202], "the server counts it"


def test_a_post_click_the_extension_cannot_intercept_is_counted_as_submit_missed(launch):
    browser = launch()
    page = browser.open("x-home", X_RENAMED)
    type_draft(page, X_RENAMED_COMPOSER, DRAFT)
    click_at(page, X_POST)
    page.wait_for_function("() => (window.__posted || []).length > 0", timeout=5000)
    assert posted(page) == [{"where": "inline", "text": DRAFT}], "posting is never blocked"
    wait_until(page, lambda: [r for r in site_changes(browser) if r["outcome"] == "submit_missed"],
               "the submit_missed report")
    # A second missed submit on the same page is not counted again; the page view's no_composer is.
    type_draft(page, X_RENAMED_COMPOSER, DRAFT)
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => (window.__posted || []).length > 1", timeout=5000)
    wait_until(page, lambda: len(site_changes(browser)) >= 2, "the page view's no_composer report",
               timeout_ms=SETTLED_MS)
    assert sorted(site_changes(browser), key=lambda r: r["outcome"]) == [NO_COMPOSER, SUBMIT_MISSED]
    wait_until(page, lambda: len(browser.feedback_status) >= 2, "the server's answers")
    assert browser.feedback_status == [202, 202]
    assert "napalm" not in "".join(browser.feedback_raw) and "x.com" not in "".join(browser.feedback_raw)


def test_ctrl_enter_in_what_looks_like_the_composer_is_counted_as_submit_missed(launch):
    browser = launch()
    page = browser.open("x-home", X_RENAMED)
    type_draft(page, X_RENAMED_COMPOSER, DRAFT)
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => (window.__posted || []).length > 0", timeout=5000)
    wait_until(page, lambda: [r for r in site_changes(browser) if r["outcome"] == "submit_missed"],
               "the submit_missed report")
    assert [r for r in site_changes(browser) if r["outcome"] == "submit_missed"] == [SUBMIT_MISSED]


def test_nothing_is_counted_when_it_turned_reports_off(launch):
    browser = launch(reportOutcomes=False)
    page = browser.open("x-home", X_RENAMED)
    type_draft(page, X_RENAMED_COMPOSER, DRAFT)
    click_at(page, X_POST)
    page.wait_for_function("() => (window.__posted || []).length > 0", timeout=5000)
    page.wait_for_timeout(SETTLED_MS // 2)  # past the settling time: a report would have been sent by now
    assert browser.feedback == []


def test_pages_whose_composers_are_found_report_nothing(launch):
    browser = launch()
    x = browser.open("x-home")
    facebook = browser.open("facebook-feed")
    for page, composer in ((x, X_COMPOSER), (facebook, FB_POST_COMPOSER)):
        page.locator(composer).wait_for()
    type_draft(x, X_COMPOSER, "Lovely day at the park")
    click_at(x, X_POST)
    x.wait_for_function("() => (window.__posted || []).length > 0", timeout=8000)
    x.wait_for_timeout(SETTLED_MS // 2)
    assert site_changes(browser) == []
