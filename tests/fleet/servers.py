"""Real server processes for the production tests: `postcheck serve --production` (gunicorn) on a free
port, with its output in a file the test can read."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.fleet.conftest import ROOT, free_port, terminate

BIN = Path(sys.executable).parent / "postcheck"
SECRET = "test-secret-0123456789abcdef0123456789"


class ServerProcess:
    def __init__(self, tmp_path: Path, name: str, *, port: int | None = None, **settings):
        self.port = port or free_port()  # a given port: a server started again where it was
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / f"{name}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTCHECK_", "PROMETHEUS_"))}
        env.update({"POSTCHECK_RULES_DIR": str(ROOT / "policy_rules"), "POSTCHECK_SECRET_KEY": SECRET,
                    "POSTCHECK_WORKERS": "1", "POSTCHECK_THREADS": "4",
                    "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / f"{name}-metrics")})
        env.update({f"POSTCHECK_{k}": str(v) for k, v in settings.items()})
        self.env = env
        self.handle = self.log.open("w")
        self.process = subprocess.Popen([str(BIN), "serve", "--production", "--port", str(self.port)], env=env,
                                        stdout=self.handle, stderr=subprocess.STDOUT, cwd=tmp_path)

    # A server that fails to start exits and is reported at once; the long wait is for a busy machine (the
    # whole suite on 2 cores), where a first start on a fresh database has taken over 30 s.
    def wait_ready(self, timeout: float = 120) -> "ServerProcess":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return self
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or a worker still compiling the rules (a second or two)
            time.sleep(0.2)
        raise AssertionError(f"the server was not ready within {timeout} s: {self.log.read_text()[-2000:]}")

    def stop(self):
        terminate(self.process)
        self.handle.close()
