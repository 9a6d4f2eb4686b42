"""Fixtures for the fleet tests: a signing key made for the session, `make package`'s script run for
real, and a real postcheck server hosting the packages it built."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from postcheck import create_app, crx
# The browser tests' fixtures, reused as they are: Chromium, fixture pages, managed policy files.
from tests.browser.conftest import (CHROMIUM, ROOT, _missing, fresh_browser, managed_policy,  # noqa: F401
                                    playwright_session, postcheck_url)

PACKAGER = ROOT / "tools" / "package_extension.py"
PYTHON = Path(sys.executable)


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory) -> Path:
    """IT's key, stood in for by one made for this test session (never a file in the repository)."""
    path = tmp_path_factory.mktemp("key") / "postcheck-extension.pem"
    path.write_bytes(crx.generate_key_pem())
    return path


def run_packager(*args, env=None, timeout=60) -> subprocess.CompletedProcess:
    return subprocess.run([str(PYTHON), str(PACKAGER), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


class HostingServer:
    """A real postcheck server on a loopback port whose extension folder starts empty; it records the
    paths it was asked for, so a test can see a browser fetch the update manifest and the package."""

    def __init__(self, folder: Path, **settings):
        self.folder = folder
        self.requests: list[str] = []
        self.app = create_app({"TESTING": True, "RULES_DIR": str(ROOT / "policy_rules"), "RULES_RELOAD_SECONDS": 0,
                               "EXTENSION_DIR": str(folder), "FEEDBACK_RATE_LIMIT": "10000 per minute", **settings})
        inner = self.app.wsgi_app

        def recording(environ, start_response):
            self.requests.append(environ.get("PATH_INFO", ""))
            return inner(environ, start_response)

        self.app.wsgi_app = recording
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, path_suffix: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(p.endswith(path_suffix) for p in self.requests):
                return True
            time.sleep(0.1)
        return False

    def stop(self):
        self.server.shutdown()
        self.app.extensions["postcheck"].store.dispose()


@pytest.fixture()
def hosting_server(tmp_path):
    folder = tmp_path / "extension-packages"
    folder.mkdir()
    server = HostingServer(folder)
    yield server
    server.stop()


def terminate(process: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM, then SIGKILL if the process has not ended within `timeout` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
