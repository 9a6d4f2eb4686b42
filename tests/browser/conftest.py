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
from tests.conftest import missing_tool

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


_missing = missing_tool  # the name tests/fleet imports


@pytest.fixture(scope="session")
def playwright_session(playwright):
    if not CHROMIUM.exists():
        _missing(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    if not (DIST / "x.js").exists() or not (DIST / "facebook.js").exists():
        _missing("fixture pages not built: run `make browser-fixtures`")
    return playwright


class _ServerThread(threading.Thread):
    def __init__(self, app):
        super().__init__(daemon=True)
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port

    def run(self):
        self.server.serve_forever()


@pytest.fixture(scope="session")
def postcheck_url():
    # Every report in the session comes from one loopback client; rate limiting is the API's tests' business.
    app = create_app({"TESTING": True, "RULES_DIR": str(ROOT / "policy_rules"), "RULES_RELOAD_SECONDS": 0,
                      "FEEDBACK_RATE_LIMIT": "10000 per minute"})
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

    def __init__(self, context, worker, settle_policy: bool = True):
        self.context = context
        self.worker = worker
        self.extension_id = worker.url.split("/")[2]
        self.feedback = []  # the JSON bodies the extension sent to /api/v1/feedback
        self.feedback_raw = []
        self.feedback_status = []  # the server's answer to each report
        self._worker_stopped = False
        self._routes = []
        self._listeners = []
        for pattern in ("https://x.com/**", "https://www.facebook.com/**", "https://forms.example.test/**"):
            context.route(pattern, _serve_fixture)
        context.route("http://127.0.0.1:*/api/v1/feedback", self._record_feedback)
        # Chromium's first chrome.storage.managed read after launch takes seconds; a person's browser
        # has usually done it long before they post, so the tests let it happen before they start
        # typing, except those about the first moments after the browser starts (settle_policy=False).
        if settle_policy:
            worker.evaluate("() => chrome.storage.managed.get(null).catch(() => null)")

    def _service_workers(self, page, command: str, params: dict | None = None) -> None:
        cdp = self.context.new_cdp_session(page)
        try:
            cdp.send("ServiceWorker.enable")
            cdp.send(command, params or {})
        finally:
            cdp.detach()

    def stop_worker(self, page) -> None:
        """Stops the extension's service worker as Chromium stops an idle one, through the DevTools
        protocol; a message to the extension starts it again. (Its DevTools target, and so
        self.worker, stays the same; an evaluate waits while it is stopped.)"""
        self._service_workers(page, "ServiceWorker.stopAllWorkers")
        self._worker_stopped = True

    def _start_worker(self) -> None:
        page = self.context.new_page()
        try:
            self._service_workers(page, "ServiceWorker.startWorker",
                                  {"scopeURL": f"chrome-extension://{self.extension_id}/"})
        finally:
            page.close()
        self._worker_stopped = False

    def _record_feedback(self, route):
        """Records each report, then passes it to the real server so the tests prove it is accepted."""
        self.feedback_raw.append(route.request.post_data or "")
        self.feedback.append(json.loads(route.request.post_data or "null"))
        try:
            response = route.fetch()
        except Exception:  # the server is down in the fail-open tests
            self.feedback_status.append(None)
            route.abort()
            return
        self.feedback_status.append(response.status)
        from playwright.sync_api import Error as PlaywrightError

        try:
            route.fulfill(response=response)
        except PlaywrightError as error:
            # The page that sent it closed meanwhile (the test ended and reset() closed its pages): there is
            # no one left to answer. Raised here, the error would fail whichever test makes the next call.
            if "disposed" not in str(error) and "closed" not in str(error):
                raise

    def set_local_settings(self, **values):
        self.worker.evaluate("async values => { await chrome.storage.local.clear(); await chrome.storage.local.set(values); }", values)

    def route(self, pattern, handler):
        """A route for one test only: undone by reset()."""
        self.context.route(pattern, handler)
        self._routes.append((pattern, handler))

    def on_request(self, handler):
        self.context.on("request", handler)
        self._listeners.append(handler)

    def reset(self):
        for page in self.context.pages:
            page.close()
        for pattern, handler in self._routes:
            self.context.unroute(pattern, handler)
        for handler in self._listeners:
            self.context.remove_listener("request", handler)
        self._routes, self._listeners = [], []
        if self._worker_stopped:  # a test stopped it and nothing woke it: the next test needs it
            self._start_worker()
        self.feedback.clear()
        self.feedback_raw.clear()
        self.feedback_status.clear()

    def open(self, fixture: str, query: str = ""):
        page = self.context.new_page()
        page.goto(FIXTURE_URLS[fixture] + query)
        return page


def _start_browser(playwright, profile_dir: Path, settle_policy: bool = True) -> Browser:
    context = playwright.chromium.launch_persistent_context(
        str(profile_dir), executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS,
        viewport={"width": 1200, "height": 900})
    worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
    return Browser(context, worker, settle_policy)


@pytest.fixture(scope="session")
def shared_browser(playwright_session, tmp_path_factory):
    browser = _start_browser(playwright_session, tmp_path_factory.mktemp("chromium-profile"))
    yield browser
    browser.context.close()


@pytest.fixture()
def launch(shared_browser, postcheck_url):
    """launch(server_url=..., **local_settings) -> the session's browser, with those settings and no pages
    left from earlier tests. Feedback requests are caught and recorded on it."""
    def _launch(server_url: str | None = None, **local_settings) -> Browser:
        shared_browser.set_local_settings(serverUrl=server_url or postcheck_url, **local_settings)
        return shared_browser

    yield _launch
    shared_browser.reset()


@pytest.fixture()
def fresh_browser(playwright_session, tmp_path, postcheck_url):
    """A browser of its own, started by the test (after it has written a managed policy, say). With
    settle_policy=False the test starts in the browser's first seconds, when Chromium is still reading
    IT's policy and the extension's settings are not known yet."""
    started = []

    def _start(server_url: str | None = None, settle_policy: bool = True, **local_settings) -> Browser:
        browser = _start_browser(playwright_session, tmp_path / "profile", settle_policy)
        started.append(browser)
        browser.set_local_settings(serverUrl=server_url or postcheck_url, **local_settings)
        return browser

    yield _start
    for browser in started:
        browser.context.close()


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

