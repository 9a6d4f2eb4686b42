"""A throwaway Redis (Debian's redis-server) on a loopback port, for the shared rate-limit tests: no
snapshot, no append-only file, its files in the test's folder. It can be stopped and started again on
the same port, as a Redis that goes down and comes back."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from tests.fleet.conftest import free_port, terminate
from tests.fleet.programs import missing

UNSKIP = "To run it: install Debian's redis-server (sudo apt-get install redis-server); its service need not run"


def redis_server_or_skip() -> str:
    found = shutil.which("redis-server")
    if not found:
        missing("redis-server is not installed", UNSKIP)
    return found


class RedisServer:
    def __init__(self, folder: Path):
        self.program = redis_server_or_skip()
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.started = False

    def start(self) -> "RedisServer":
        """Started (again, after stop(), on the same port). A first start whose port was taken between
        free_port() and redis-server's bind tries another: a PONG from someone else's Redis, which may
        stop at any time, is never taken for this one's."""
        for _attempt in range(5):
            if self._started_here():
                return self
            if self.started:
                break  # a restart must keep its port: the servers' settings name it
            self.port = free_port()
            self.url = f"redis://127.0.0.1:{self.port}/0"
        raise AssertionError(f"redis-server did not start on port {self.port} (exit code {self.process.poll()})")

    def _started_here(self) -> bool:
        self.process = subprocess.Popen(
            [self.program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG") and self.process.poll() is None:
                        self.started = True
                        return True
            except OSError:
                time.sleep(0.05)
        terminate(self.process, timeout=10)
        return False

    def stop(self) -> None:
        if self.process:
            terminate(self.process, timeout=10)
