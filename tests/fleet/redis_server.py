"""A throwaway Redis (Debian's redis-server) on a loopback port, for the shared rate-limit tests: no
snapshot, no append-only file, its files in the test's folder. It can be stopped and started again on
the same port, as a Redis that goes down and comes back."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.fleet.conftest import free_port, terminate

UNSKIP = "To run it: install Debian's redis-server (sudo apt-get install redis-server); its service need not run"


def redis_server_or_skip() -> str:
    found = shutil.which("redis-server")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("CI is set but redis-server is not installed")
        pytest.skip(f"redis-server is not installed. {UNSKIP}")
    return found


class RedisServer:
    def __init__(self, folder: Path):
        self.program = redis_server_or_skip()
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [self.program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not answer within 10 s")

    def stop(self) -> None:
        if self.process:
            terminate(self.process, timeout=10)
