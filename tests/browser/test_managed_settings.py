"""IT's managed settings (a Chromium policy file) win over the person's own, and show as locked."""
from __future__ import annotations

import pytest

from tests.browser.conftest import extension_id_from_manifest
from tests.browser.pages import BADGE, DIALOG, POST_ANYWAY, X_COMPOSER, X_POST, posted, type_draft, wait_for_badge

pytestmark = pytest.mark.browser


def test_managed_values_override_local_ones(fresh_browser, managed_policy, postcheck_url, dead_server_url):
    extension_id = extension_id_from_manifest()
    managed_policy(extension_id, {"serverUrl": postcheck_url, "postAnywayHigh": "off", "liveUnderlining": False,
                                  "organisationName": "Example Borough Council"})
    # The person's own settings point at a dead server; IT's server must be the one used.
    browser = fresh_browser(server_url=dead_server_url)
    assert browser.extension_id == extension_id
    page = browser.open("x-home")
    type_draft(page, X_COMPOSER, "What a pr!ck that bloke was")
    wait_for_badge(page, "warnings", timeout=15000)
    page.wait_for_timeout(500)
    underline_count = page.evaluate("""() => [...document.querySelectorAll('postcheck-ui[data-postcheck="underlines"]')]
        .reduce((n, h) => n + h.shadowRoot.querySelectorAll('.mark').length, 0)""")
    assert underline_count == 0, "live underlining is off by policy"

    page.click(X_POST)
    page.locator(DIALOG).wait_for()
    assert page.locator(POST_ANYWAY).count() == 0, "Post anyway is not offered for high warnings by policy"
    assert "change this post" in page.locator(DIALOG).inner_text()
    page.keyboard.press("Escape")
    assert posted(page) == []

    options = browser.context.new_page()
    options.goto(f"chrome-extension://{extension_id}/src/options/options.html")
    server = options.locator("#serverUrl")
    options.wait_for_function("() => document.querySelector('#serverUrl').disabled")
    assert server.input_value() == postcheck_url
    assert options.locator("#postAnywayHigh").is_disabled()
    assert options.locator("#postAnywayHigh").input_value() == "off"
    assert options.locator("#profileDisclaimer").is_enabled(), "keys IT did not set stay the person's"
    assert "Set by your organisation" in options.locator("#serverUrl").locator("xpath=..").inner_text()

    welcome = browser.context.new_page()
    welcome.goto(f"chrome-extension://{extension_id}/src/welcome/welcome.html")
    welcome.wait_for_function("() => document.querySelector('#intro').textContent.includes('Example Borough Council')")
    assert welcome.locator("#checklist li").count() == 12
