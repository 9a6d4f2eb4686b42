"""The extension in a real Firefox (Debian's firefox-esr, driven by puppeteer-core over WebDriver BiDi;
journey.mjs): the Chromium suite's core journey on X's composer. A warning at Post, Edit (nothing
posted), Post anyway (posted once), and fail open with the server down (posted, no dialog)."""
from __future__ import annotations

import json
import subprocess

import pytest

from tests.browser.conftest import DIST, PAGES, ROOT, _ServerThread, create_app, dead_server_url  # noqa: F401
from tests.firefox.conftest import FIREFOX, HERE, missing

pytestmark = pytest.mark.browser

DRAFT = "What a pr!ck that bloke was"


@pytest.fixture()
def server():
    """A real postcheck server on loopback that also notes the path of every request it is sent."""
    app = create_app({"TESTING": True, "RULES_DIR": str(ROOT / "policy_rules"), "RULES_RELOAD_SECONDS": 0})
    paths = []
    wsgi = app.wsgi_app

    def noting(environ, start_response):
        paths.append(environ.get("PATH_INFO"))
        return wsgi(environ, start_response)

    app.wsgi_app = noting
    thread = _ServerThread(app)
    thread.start()
    yield f"http://127.0.0.1:{thread.port}", paths
    thread.server.shutdown()


@pytest.fixture()
def firefox():
    if not FIREFOX.exists():
        missing(f"Firefox not found at {FIREFOX}: apt-get install firefox-esr (or set POSTCHECK_FIREFOX)")
    if not (DIST / "x.js").exists():
        missing("fixture pages not built: run `make browser-fixtures`")
    return FIREFOX


def run_journey(node, config: dict, tmp_path) -> dict:
    path = tmp_path / "journey.json"
    path.write_text(json.dumps(config))
    done = subprocess.run([node, str(HERE / "journey.mjs"), str(path)], capture_output=True, text=True,
                          timeout=240, cwd=HERE)
    lines = done.stdout.strip().splitlines()
    assert lines, f"journey.mjs printed nothing (exit {done.returncode}): {done.stderr[-3000:]}"
    return json.loads(lines[-1])


def test_core_journey_in_firefox(node, firefox, firefox_build, server, dead_server_url, tmp_path):  # noqa: F811
    server_url, paths = server
    gecko_id = json.loads((firefox_build / "manifest.json").read_text())["browser_specific_settings"]["gecko"]["id"]
    result = run_journey(node, {
        "firefox": str(firefox), "extensionDir": str(firefox_build), "geckoId": gecko_id,
        "pagesDir": str(PAGES), "distDir": str(DIST), "serverUrl": server_url,
        "deadServerUrl": dead_server_url, "profileDir": str(tmp_path / "profile"),
    }, tmp_path)
    steps = result.get("steps", {})
    assert "error" not in result, f"the journey stopped: {result['error']}\nsteps so far: {json.dumps(steps, indent=1)}"
    assert steps["installed"]["id"] == gecko_id

    # A warning at Post: the dialog names the rule and nothing is posted.
    assert steps["warning"]["dialog"] is True
    assert "Strong language" in steps["warning"]["text"]
    assert steps["warning"]["posted"] == []
    # Edit: back to the composer, the draft kept, still nothing posted.
    assert steps["edit"]["dialog"] is False
    assert steps["edit"]["posted"] == []
    assert steps["edit"]["composer"].strip() == DRAFT
    # Post anyway: the post goes through, once, as typed.
    assert steps["postAnyway"]["dialog"] is False
    assert steps["postAnyway"]["posted"] == [{"where": "inline", "text": DRAFT}]
    # Fail open: the server is down, the badge says so, and Post goes straight through.
    assert steps["failOpenBadge"].startswith("Checks unavailable")
    assert steps["failOpen"]["dialog"] is False
    assert steps["failOpen"]["posted"] == [{"where": "inline", "text": DRAFT}]

    # Firefox asked consent for what the manifest declares: the draft goes to the check (required); the
    # outcome reports (optional in Firefox) were not agreed to here, so none was sent.
    assert steps["dataCollection"] == ["personalCommunications", "websiteContent"]
    assert "/api/v1/check" in paths
    assert "/api/v1/feedback" not in paths
