"""The options page: the person's own settings are saved, and a bad server address is refused."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_saving_the_persons_settings(launch, postcheck_url):
    browser = launch()
    page = browser.context.new_page()
    page.goto(f"chrome-extension://{browser.extension_id}/src/options/options.html")
    page.wait_for_function(f"() => document.querySelector('#serverUrl').value === {postcheck_url!r}")
    assert page.locator("label[for=liveUnderlining]").inner_text() == "Underline the words at fault while I type"
    page.locator("#liveUnderlining").uncheck()
    page.locator("#profileDisclaimer").check()
    page.get_by_role("button", name="Save").click()
    page.locator("#status").filter(has_text="Saved").wait_for()
    stored = browser.worker.evaluate("() => chrome.storage.local.get(null)")
    assert stored["liveUnderlining"] is False
    assert stored["profileDisclaimer"] is True
    assert stored["serverUrl"] == postcheck_url


def test_a_bad_server_address_is_refused(launch, postcheck_url):
    browser = launch()
    page = browser.context.new_page()
    page.goto(f"chrome-extension://{browser.extension_id}/src/options/options.html")
    page.wait_for_function(f"() => document.querySelector('#serverUrl').value === {postcheck_url!r}")
    page.locator("#serverUrl").fill("postcheck.example")
    page.get_by_role("button", name="Save").click()
    assert page.locator("#serverUrl-error").inner_text() == "Enter an address starting with https:// or http://"
    assert browser.worker.evaluate("() => chrome.storage.local.get('serverUrl')")["serverUrl"] == postcheck_url
