"""deploy/nginx.conf.example run for real in front of several postcheck servers on one database: the
topology the example describes, small enough for a test.

    with Topology(tmp_path, instances=3, database_url=url) as topology:
        requests.post(f"{topology.url}/api/v1/check", json=..., verify=False)   # nginx, a self-signed cert
        topology.freeze(0)    # optional: its kernel still accepts connections, nothing answers them
        topology.kill(0)      # SIGKILL, gunicorn's master and its workers
        topology.restart(0)   # a new server on the same port and database, ready

Everything started is stopped on leaving the block, also when the test failed."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import requests

from tests.fleet.conftest import free_port, terminate
from tests.fleet.nginx_config import EXAMPLE, make_certificate, nginx_or_skip, render
from tests.fleet.servers import ServerProcess


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (gunicorn's master and its workers), read from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # ended while being read
        # The command name, in parentheses, may hold spaces: the parent's pid is the second field after it.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(parent, []).append(int(entry))
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(parents.get(current, []))
    return found


def _signal_all(pids, signum) -> None:
    for pid in pids:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass


class Topology:
    def __init__(self, tmp_path: Path, instances: int = 3, *, database_url: str, example_text: str | None = None,
                 **settings):
        """`example_text`: the nginx config to serve instead of deploy/nginx.conf.example's own text (a
        test that shows what a changed example would break)."""
        self.tmp_path = tmp_path
        self.settings = {"DATABASE_URL": database_url, **settings}
        self.count = instances
        self.example_text = EXAMPLE.read_text() if example_text is None else example_text
        self.instances: list[ServerProcess] = []
        self.nginx: subprocess.Popen | None = None
        self.restarts = 0

    # -- starting and stopping -------------------------------------------------------------------------
    def __enter__(self) -> "Topology":
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _start(self) -> None:
        nginx = nginx_or_skip()
        # All started before any is waited for: each takes a second or two to compile the rules.
        for i in range(self.count):
            self.instances.append(ServerProcess(self.tmp_path, f"instance{i}", **self.settings))
        for instance in self.instances:
            instance.wait_ready()
        folder = self.tmp_path / "nginx"
        folder.mkdir()
        cert, key = make_certificate(folder)
        self.port = free_port()
        config = render(self.example_text, listen_port=self.port, redirect_port=free_port(),
                        upstream_ports=[instance.port for instance in self.instances], cert=cert, key=key,
                        folder=folder)
        self.nginx_log = folder / "stderr.log"
        with self.nginx_log.open("w") as log:
            # The rendered config says `daemon off;`: this process is nginx's master, stopped by close().
            self.nginx = subprocess.Popen([nginx, "-p", str(folder), "-e", "stderr", "-c", str(config)],
                                          stdout=log, stderr=subprocess.STDOUT)
        self.url = f"https://127.0.0.1:{self.port}"
        self._wait_for_nginx()

    def _wait_for_nginx(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.nginx.poll() is not None:
                raise AssertionError(f"nginx exited: {self.nginx_log.read_text()[-2000:]}")
            try:
                if requests.get(f"{self.url}/readyz", verify=False, timeout=2).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet
            time.sleep(0.1)
        raise AssertionError(f"nginx did not answer /readyz within {timeout} s: {self.nginx_log.read_text()[-2000:]}")

    def close(self) -> None:
        if self.nginx is not None:
            terminate(self.nginx, timeout=10)
        for instance in self.instances:
            self._end(instance)

    def _end(self, instance: ServerProcess) -> None:
        # A frozen server would never act on SIGTERM; a killed master may have left a worker behind.
        pids = process_tree(instance.process.pid) if instance.process.poll() is None else []
        _signal_all(pids, signal.SIGCONT)
        instance.stop()
        _signal_all(pids, signal.SIGKILL)

    # -- failures --------------------------------------------------------------------------------------
    def freeze(self, i: int) -> None:
        """SIGSTOP instance i, master and workers: its listening socket still accepts connections (the
        kernel does that), so nginx sends it requests that nothing reads or answers until it is killed."""
        _signal_all(process_tree(self.instances[i].process.pid), signal.SIGSTOP)

    def kill(self, i: int) -> None:
        """SIGKILL instance i, gunicorn's master first (so it starts no new worker), then its workers,
        which would otherwise keep the listening socket open."""
        instance = self.instances[i]
        if instance.process.poll() is not None:
            return  # already dead (and its pid perhaps someone else's by now)
        pids = process_tree(instance.process.pid)
        _signal_all(pids, signal.SIGKILL)
        instance.process.wait(timeout=10)
        instance.handle.close()

    def restart(self, i: int) -> ServerProcess:
        """A new server for instance i on the same port and database, ready; its own metrics folder and
        log, so that its /metrics counts only what it has answered itself."""
        old = self.instances[i]
        if old.process.poll() is None:
            self._end(old)
        self.restarts += 1
        # On its old port: nginx's upstream names it.
        new = ServerProcess(self.tmp_path, f"instance{i}-restart{self.restarts}", port=old.port, **self.settings)
        self.instances[i] = new
        return new.wait_ready()
