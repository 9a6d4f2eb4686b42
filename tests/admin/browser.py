"""Fixtures for the /admin browser tests: a real headless Chromium (Debian's /usr/bin/chromium, the
launch flags verified for tests/browser/), axe-core from tests/admin/axe/ (installed by `make admin-axe`),
and a real postcheck server on a loopback port. Missing pieces skip locally and fail under CI."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from postcheck import create_app
from postcheck.auth import create_token
from tests.conftest import missing_tool

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("POSTCHECK_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "artifacts" / "admin"
VIEWPORT = {"width": 1280, "height": 800}
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", "--disable-quic"]
TOKEN_NAME = "Sam Comms, Press Team"


missing = missing_tool


@pytest.fixture(scope="package")
def chromium(playwright):
    """One headless Chromium for the package, on the test process's one Playwright."""
    if not AXE.exists():
        missing("axe-core is not installed: run `make admin-axe`")
    if not CHROMIUM.exists():
        missing(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def admin_server(tmp_path_factory):
    """(base URL, app, comms token) of a real server on its own SQLite file."""
    folder = tmp_path_factory.mktemp("admin-server")
    app = create_app({"TESTING": True, "RULES_DIR": str(ROOT / "policy_rules"), "RULES_RELOAD_SECONDS": 0,
                      "DATABASE_URL": f"sqlite:///{folder / 'postcheck.sqlite3'}", "SECRET_KEY": "browser-tests",
                      "ADMIN_SIGNIN_FAILURE_DELAY_SECONDS": 0.2, "ADMIN_SIGNIN_RATE_LIMIT": "1000 per minute"})
    token, _row = create_token(app.extensions["postcheck"].store, TOKEN_NAME, "comms", "tests")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="admin-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app, token
    server.shutdown()
    app.extensions["postcheck"].store.dispose()


class AdminPage:
    """One browser context (its own cookies) on the admin pages, with axe and screenshots."""

    def __init__(self, context, base: str, token: str):
        self.context, self.base, self.token = context, base, token
        self.page = context.new_page()
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)

    def goto(self, path: str):
        response = self.page.goto(self.base + path)
        return response

    def sign_in(self, token: str | None = None):
        self.goto("/admin/sign-in")
        self.page.get_by_label("Your token").fill(token or self.token)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()

    def accessibility_problems(self) -> list[dict]:
        """axe-core's serious and critical violations on the page as it is now."""
        violations = self.page.evaluate("""async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                nodes: v.nodes.map(n => n.target.join(' '))}));
        }""")
        return [v for v in violations if v["impact"] in ("serious", "critical")]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        try:
            self.page.screenshot(path=str(path))
        except PlaywrightError as exc:
            # Chromium answers "Unable to capture screenshot" when its compositor gives no frame in time,
            # as on a machine busy with the rest of the suite (seen once in a CI run): the page is not at
            # fault, so that one error is given one more try.
            if "Unable to capture screenshot" not in str(exc):
                raise
            self.page.screenshot(path=str(path))
        return path


@pytest.fixture()
def admin(chromium, admin_server):
    base, _app, token = admin_server
    context = chromium.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="Europe/London")
    # Through DevTools, not a <script> tag, so the pages' CSP (no inline script) stays in force.
    context.add_init_script(path=str(AXE))
    context.set_default_timeout(10_000)
    page = AdminPage(context, base, token)
    yield page
    context.close()
