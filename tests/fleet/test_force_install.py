"""The fleet path end to end, in a real Chromium: `make package`'s CRX, hosted by postcheck's own
update manifest, force-installed by a managed policy file, configured by the same policy's
3rdparty.extensions.<id>, and warning before a post on a fixture page."""
from __future__ import annotations

import json
import os
import time

import pytest

from tests.browser.conftest import CHROMIUM, MANAGED_POLICY_DIR, _serve_fixture
from tests.browser.pages import DIALOG, POST_ANYWAY, X_COMPOSER, X_POST, posted, type_draft, wait_for_badge
from tests.fleet.conftest import run_packager

pytestmark = pytest.mark.browser

POLICY_FILE = MANAGED_POLICY_DIR / "postcheck-fleet-test.json"


@pytest.fixture()
def fleet_policy():
    """write(policy): a whole Chromium policy file (forcelist and 3rdparty), removed after the test."""
    if os.geteuid() != 0:
        from tests.browser.conftest import _missing
        _missing("the fleet test needs root to write /etc/chromium/policies/managed")
    MANAGED_POLICY_DIR.mkdir(parents=True, exist_ok=True)

    def _write(policy: dict):
        POLICY_FILE.write_text(json.dumps(policy))

    yield _write
    POLICY_FILE.unlink(missing_ok=True)


def test_policy_force_installs_the_packaged_crx_from_the_servers_update_manifest(
        playwright_session, hosting_server, signing_key, fleet_policy, tmp_path):
    # The package IT builds, for this server's address, copied into the folder the server hosts.
    dist = tmp_path / "dist"
    result = run_packager("--out", str(dist), "--public-url", hosting_server.url, "--key", str(signing_key),
                          "--organisation-name", "Example Borough Council")
    assert result.returncode == 0, result.stderr
    extension_id = (dist / "extension-id.txt").read_text().strip()
    crx_file = next(dist.glob("postcheck-*.crx"))
    (hosting_server.folder / crx_file.name).write_bytes(crx_file.read_bytes())

    # The Linux policy template `make package` wrote, edited as IT would: stricter Post anyway.
    policy = json.loads((dist / "policies/linux/postcheck.json").read_text())
    assert policy["ExtensionInstallForcelist"] == [f"{extension_id};{hosting_server.url}/extension/updates.xml"]
    policy["3rdparty"]["extensions"][extension_id]["postAnywayHigh"] = "off"
    fleet_policy(policy)

    # No --load-extension: the only way in is the policy. Background networking must stay on, or
    # Chromium never fetches the update manifest.
    context = playwright_session.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
        args=["--no-sandbox", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        ignore_default_args=["--disable-extensions", "--disable-background-networking",
                             "--disable-component-extensions-with-background-pages"],
        viewport={"width": 1200, "height": 900})
    try:
        for pattern in ("https://x.com/**",):
            context.route(pattern, _serve_fixture)
        assert hosting_server.wait_for("/extension/updates.xml", 30), "Chromium never asked for the update manifest"
        assert hosting_server.wait_for(f"/extension/{crx_file.name}", 30), (
            f"Chromium did not download the CRX; it asked for {hosting_server.requests}")

        # Content scripts reach pages opened after the install finishes: open the page until they do.
        page, deadline = None, time.monotonic() + 30
        while time.monotonic() < deadline:
            page = context.new_page()
            page.goto("https://x.com/home")
            type_draft(page, X_COMPOSER, "x")
            page.wait_for_timeout(700)
            if page.locator("postcheck-ui").count():
                break
            page.close()
            page = None
        assert page is not None, "the force-installed extension never ran on the page"

        # Chromium reads a new extension's 3rdparty policy a few seconds after installing it; until then
        # the extension uses its default server (127.0.0.1:8080). Retype until a check reaches this server.
        deadline = time.monotonic() + 30
        attempt = 0
        while not any(p == "/api/v1/check" for p in hosting_server.requests):
            assert time.monotonic() < deadline, \
                "no check reached the server named by the policy's serverUrl: the managed settings never applied"
            attempt += 1
            page.click(X_COMPOSER)
            page.keyboard.press("Control+A")
            page.keyboard.press("Backspace")
            type_draft(page, X_COMPOSER, f"What a pr!ck that bloke was{'!' * attempt}")
            page.wait_for_timeout(1500)
        wait_for_badge(page, "warnings", timeout=15000)
        page.click(X_POST)
        page.locator(DIALOG).wait_for()
        # postAnywayHigh "off" came from 3rdparty.extensions.<id>: the managed settings are in force.
        assert page.locator(POST_ANYWAY).count() == 0
        page.keyboard.press("Escape")
        assert posted(page) == []

    finally:
        context.close()
