"""Fixtures for the extension's end-to-end tests: a real Chromium with the unpacked extension, the
fixture pages (real Draft.js and Lexical editors) served for x.com and facebook.com by request
routing, and a real postcheck server on a loopback port."""
from __future__ import annotations

import json
import os
import socket
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from postcheck import create_app

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "extension"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGES = FIXTURES / "pages"
DIST = FIXTURES / "dist"
CHROMIUM = Path(os.environ.get("POSTCHECK_CHROMIUM", "/usr/bin/chromium"))
MANAGED_POLICY_DIR = Path("/etc/chromium/policies/managed")

# The fixture pages and the address each is served at.
FIXTURE_URLS = {
    "x-home": "https://x.com/home",
    "x-compose": "https://x.com/compose/post",
    "x-status": "https://x.com/someone/status/1850000000000000000",
    "facebook-feed": "https://www.facebook.com/",
    "generic-form": "https://forms.example.test/",
}
PAGE_FILES = {"x.com": "x.html", "www.facebook.com": "facebook.html", "forms.example.test": "generic-form.html"}

LAUNCH_ARGS = [
    f"--disable-extensions-except={EXTENSION}",
    f"--load-extension={EXTENSION}",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _missing(reason: str):
    # Locally a missing browser is a skip; in CI it means the suite did not run, which is a failure.
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright_session():
    if not CHROMIUM.exists():
        _missing(f"Chromium not found at {CHROMIUM}")
    if not (DIST / "x.js").exists() or not (DIST / "facebook.js").exists():
        _missing("fixture pages not built: run `make browser-fixtures`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        yield playwright


class _ServerThread(threading.Thread):
    def __init__(self, app):
        super().__init__(daemon=True)
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port

    def run(self):
        self.server.serve_forever()


@pytest.fixture(scope="session")
def postcheck_url():
    app = create_app({"TESTING": True, "RULES_DIR": str(ROOT / "policy_rules"), "RULES_RELOAD_SECONDS": 0})
    thread = _ServerThread(app)
    thread.start()
    yield f"http://127.0.0.1:{thread.port}"
    thread.server.shutdown()


@pytest.fixture()
def dead_server_url():
    """An address where nothing listens: the port is taken from the OS and released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _serve_fixture(route):
    url = route.request.url
    host = url.split("/")[2]
    path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
    if path.startswith("/__fixture__/"):
        name = path.split("/")[2].split("?")[0]
        route.fulfill(status=200, content_type="text/javascript", body=(DIST / name).read_text())
    elif path.startswith("/favicon"):
        route.fulfill(status=404, body="")
    else:
        route.fulfill(status=200, content_type="text/html", body=(PAGES / PAGE_FILES[host]).read_text())


class Browser:
    """One Chromium profile with the extension loaded, and what the tests need to drive it."""

    def __init__(self, context, worker, feedback):
        self.context = context
        self.worker = worker
        self.feedback = feedback  # the JSON bodies the extension sent to /api/v1/feedback
        self.feedback_raw = []
        self.extension_id = worker.url.split("/")[2]

    def set_local_settings(self, **values):
        self.worker.evaluate("values => chrome.storage.local.set(values)", values)

    def open(self, fixture: str, query: str = ""):
        page = self.context.new_page()
        page.goto(FIXTURE_URLS[fixture] + query)
        return page


@pytest.fixture()
def launch(playwright_session, tmp_path, postcheck_url):
    """launch(server_url=..., **local_settings) -> Browser. Feedback requests are caught and recorded."""
    contexts = []

    def _launch(server_url: str | None = None, **local_settings) -> Browser:
        context = playwright_session.chromium.launch_persistent_context(
            str(tmp_path / f"profile{len(contexts)}"), executable_path=str(CHROMIUM), headless=True,
            args=LAUNCH_ARGS, viewport={"width": 1200, "height": 900})
        contexts.append(context)
        for pattern in ("https://x.com/**", "https://www.facebook.com/**", "https://forms.example.test/**"):
            context.route(pattern, _serve_fixture)
        worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
        browser = Browser(context, worker, [])

        def record_feedback(route):
            browser.feedback_raw.append(route.request.post_data or "")
            browser.feedback.append(json.loads(route.request.post_data or "null"))
            route.fulfill(status=201, content_type="application/json", body="{}")

        context.route("http://127.0.0.1:*/api/v1/feedback", record_feedback)
        browser.set_local_settings(serverUrl=server_url or postcheck_url, **local_settings)
        # Chromium's first chrome.storage.managed read after launch takes seconds; a person's browser
        # has done it long before they post, so the tests let it happen before they start typing.
        worker.evaluate("() => chrome.storage.managed.get(null).catch(() => null)")
        return browser

    yield _launch
    for context in contexts:
        context.close()


@pytest.fixture()
def managed_policy():
    """write(extension_id, values): an IT policy for the extension, removed after the test."""
    written = []

    def _write(extension_id: str, values: dict) -> Path:
        if os.geteuid() != 0:
            _missing("managed policy tests need root to write /etc/chromium/policies/managed")
        MANAGED_POLICY_DIR.mkdir(parents=True, exist_ok=True)
        path = MANAGED_POLICY_DIR / "postcheck-browser-test.json"
        path.write_text(json.dumps({"3rdparty": {"extensions": {extension_id: values}}}))
        written.append(path)
        return path

    yield _write
    for path in written:
        path.unlink(missing_ok=True)


def extension_id_from_manifest() -> str:
    """The id Chromium derives from the manifest's public key: the first 128 bits of its SHA-256, as a-p."""
    import base64
    import hashlib

    key = json.loads((EXTENSION / "manifest.json").read_text())["key"]
    digest = hashlib.sha256(base64.b64decode(key)).hexdigest()[:32]
    return "".join(chr(ord("a") + int(c, 16)) for c in digest)

