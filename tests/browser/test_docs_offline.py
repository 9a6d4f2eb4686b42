"""/api/v1/docs in a real browser on a network that blocks CDNs: every request to another origin is
refused, and the page still renders every operation, with no CSP violation and no console error
(issue 17, item 12; the HTTP checks are in tests/hardening/test_docs_offline.py)."""
from __future__ import annotations

from urllib.parse import urljoin

import pytest

from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS

DOCS = "/api/v1/docs"

# The browser test: a real Chromium on a real server, with every request to any other origin refused, as on
# a council network that blocks CDNs.

@pytest.fixture(scope="module")
def chromium(playwright_session):
    """A plain Chromium without the extension, from the browser tests' one Playwright session (two sync
    Playwright sessions cannot run in one process)."""
    browser = playwright_session.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
    yield browser
    browser.close()


@pytest.mark.browser
def test_the_docs_page_renders_every_operation_with_no_other_origin_reachable(chromium, live_server_url, client):
    origin = live_server_url
    context = chromium.new_context()
    context.set_default_timeout(15_000)
    refused: list[str] = []

    def only_this_origin(route):
        if route.request.url.startswith(origin + "/"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", only_this_origin)
    # Through DevTools, not a <script> tag, so the page's own CSP stays as it is served.
    context.add_init_script("""window.__violations = [];
        document.addEventListener('securitypolicyviolation',
            e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));""")
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console_errors.append(str(e)))
    try:
        page.goto(urljoin(origin, DOCS))
        check = page.locator('.opblock-summary-path[data-path="/api/v1/check"]').first
        check.wait_for(state="visible")
        paths = client.get("/api/v1/openapi.json").get_json()["paths"]
        verbs = ("get", "post", "put", "patch", "delete")
        documented = sum(1 for methods in paths.values() for method in methods if method in verbs)
        assert page.locator(".opblock").count() == documented
        check.click()  # opens the operation: its description and schema render from the bundled files too
        page.locator(".opblock.is-open .opblock-body").first.wait_for(state="visible")
        violations = page.evaluate("() => window.__violations")
    finally:
        context.close()
    assert refused == [], "the page asked for something from another origin"
    assert violations == []
    assert console_errors == []
