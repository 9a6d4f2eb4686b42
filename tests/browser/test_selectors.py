"""Every selector in extension/src/sites/selectors.js matches its fixture pages exactly as often as
it says: when X or Facebook change their markup, this is the test that says which selector broke."""
from __future__ import annotations

import pytest

from tests.browser.conftest import EXTENSION, FIXTURE_URLS

pytestmark = pytest.mark.browser

SELECTORS_JS = (EXTENSION / "src" / "sites" / "selectors.js").read_text()


def test_every_selector_matches_its_fixture_pages(launch):
    browser = launch()
    page = browser.context.new_page()
    page.goto(FIXTURE_URLS["x-home"])
    page.add_script_tag(content=SELECTORS_JS)
    selectors = page.evaluate("() => window.postcheck.SELECTORS")
    expectations = [(site, name, spec["css"], fixture, count)
                    for site, entries in selectors.items()
                    for name, spec in entries.items()
                    for fixture, count in spec["fixtures"].items()]
    assert len(expectations) >= 10

    by_fixture: dict[str, list] = {}
    for expectation in expectations:
        by_fixture.setdefault(expectation[3], []).append(expectation)
    assert set(by_fixture) <= set(FIXTURE_URLS), "a selector names a fixture page that does not exist"

    failures = []
    for fixture, items in by_fixture.items():
        page.goto(FIXTURE_URLS[fixture])
        # The editors render after load; the composer is what every page has.
        page.wait_for_selector('[contenteditable="true"], textarea')
        for site, name, css, _, count in items:
            # Counted as the extension's adapters count: document.querySelectorAll, which (unlike a
            # Playwright locator) does not look inside shadow roots, where the extension draws its card.
            found = page.evaluate("css => document.querySelectorAll(css).length", css)
            if found != count:
                failures.append(f"{site}.{name} on {fixture}: expected {count}, found {found} ({css})")
    assert failures == []
