"""Mozilla's addons-linter on the Firefox build: no errors and no warnings for a self-hosted add-on
(IT hosts updates.json itself, so the build carries an update_url, which AMO-listed add-ons may not)."""
from __future__ import annotations

import json
import subprocess

from tests.firefox.conftest import NODE_MODULES


def run_linter(node, build):
    linter = NODE_MODULES / "addons-linter" / "bin" / "addons-linter"
    done = subprocess.run([node, str(linter), "--self-hosted", "--output", "json", str(build)],
                          capture_output=True, text=True, timeout=300)
    assert done.stdout.strip(), f"addons-linter printed nothing (exit {done.returncode}): {done.stderr}"
    return json.loads(done.stdout)


def describe(messages):
    return "\n".join(f"  {m['code']} {m.get('file') or ''}: {m['message']} {m.get('description') or ''}"
                     for m in messages)


def test_the_firefox_build_has_no_linter_errors_or_warnings(node, firefox_build):
    report = run_linter(node, firefox_build)
    problems = report["errors"] + report["warnings"]
    assert report["summary"]["errors"] == 0 and report["summary"]["warnings"] == 0, \
        "addons-linter --self-hosted on the Firefox build:\n" + describe(problems)


def test_the_build_declares_what_it_sends_and_the_firefox_that_understands_it(firefox_build):
    gecko = json.loads((firefox_build / "manifest.json").read_text())["browser_specific_settings"]["gecko"]
    # The draft goes to the organisation's server for the check: declared, so Firefox asks at install.
    assert gecko["data_collection_permissions"]["required"] == ["personalCommunications", "websiteContent"]
    assert gecko["data_collection_permissions"]["optional"] == ["technicalAndInteraction"]
    assert gecko["strict_min_version"] == "140.0"
    assert gecko["update_url"] == "https://postcheck.example.gov.uk/extension/updates.json"
