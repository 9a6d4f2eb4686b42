"""deploy/nginx.conf.example run for real in front of several postcheck servers on one database: the
topology the example describes, small enough for a test.

    with Topology(tmp_path, instances=3, database_url=url) as topology:
        requests.post(f"{topology.url}/api/v1/check", json=..., verify=False)   # nginx, a self-signed cert
        topology.freeze(0)    # optional: its kernel still accepts connections, nothing answers them
        topology.kill(0)      # SIGKILL, gunicorn's master and its workers
        topology.restart(0)   # a new server on the same port and database, ready
        topology.drain(1)     # nginx sends it nothing new (`down` in the upstream, nginx reloaded)
        topology.undrain(1)   # back in the upstream

Everything started is stopped on leaving the block, also when the test failed."""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import requests

from tests.fleet.conftest import free_port, terminate
from tests.fleet.nginx_config import EXAMPLE, make_certificate, nginx_or_skip, render
from tests.fleet.servers import BIN, ServerProcess


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
        self.drained: set[int] = set()

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
        # Kept for drain()/undrain(), which render the same example again over the same ports.
        self._render_arguments = dict(listen_port=self.port, redirect_port=free_port(), cert=cert, key=key,
                                      folder=folder)
        config = self._render()
        self.nginx_log = folder / "stderr.log"
        # The example's own error_log (at `error`): one line for each request a server failed to answer.
        self.error_log = folder / "postcheck-error.log"
        with self.nginx_log.open("w") as log:
            # The rendered config says `daemon off;`: this process is nginx's master, stopped by close().
            self.nginx = subprocess.Popen([nginx, "-p", str(folder), "-e", "stderr", "-c", str(config)],
                                          stdout=log, stderr=subprocess.STDOUT)
        self.url = f"https://127.0.0.1:{self.port}"
        self._wait_for_nginx()

    def _render(self) -> Path:
        config = render(self.example_text, upstream_ports=[instance.port for instance in self.instances],
                        **self._render_arguments)
        site = config.parent / "postcheck.conf"
        text = site.read_text()
        for i in self.drained:
            # `down`: nginx keeps the server in the upstream (its place in the round robin) but sends it
            # nothing; render() writes each server as `server 127.0.0.1:PORT;`.
            line = f"server 127.0.0.1:{self.instances[i].port};"
            assert text.count(line) == 1, f"instance {i}'s upstream line is not in the rendered config"
            text = text.replace(line, f"server 127.0.0.1:{self.instances[i].port} down;")
        site.write_text(text)
        return config

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
        # All told to stop before any is waited for: a server stopped soon after its start first finishes
        # compiling its pattern gate (seconds, more on a busy machine), and one after another those add up.
        trees = {id(instance): process_tree(instance.process.pid) if instance.process.poll() is None else []
                 for instance in self.instances}
        for instance in self.instances:
            _signal_all(trees[id(instance)], signal.SIGCONT)
            if instance.process.poll() is None:
                instance.process.terminate()
        for instance in self.instances:
            instance.stop()  # waits for it (SIGKILL after 30 s)
            _signal_all(trees[id(instance)], signal.SIGKILL)  # a worker its killed master left behind

    def _end(self, instance: ServerProcess) -> None:
        # A frozen server would never act on SIGTERM; a killed master may have left a worker behind.
        pids = process_tree(instance.process.pid) if instance.process.poll() is None else []
        _signal_all(pids, signal.SIGCONT)
        instance.stop()
        _signal_all(pids, signal.SIGKILL)

    # -- a rollout ------------------------------------------------------------------------------------
    def nginx_workers(self) -> set[int]:
        return set(process_tree(self.nginx.pid)) - {self.nginx.pid}

    def reload_nginx(self, timeout: float = 30) -> None:
        """SIGHUP: nginx's master reads the config again and starts new workers; the old ones finish the
        requests they hold and exit. Returns when they have all exited, so that from then on no request
        is handled by the old config (and none is in flight to a server the new one marks `down`)."""
        old = self.nginx_workers()
        self.nginx.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout
        while True:
            current = self.nginx_workers()
            if not current & old and current:
                return
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"nginx did not reload within {timeout} s (old workers still there: "
                                     f"{sorted(current & old)}): {self.nginx_log.read_text()[-2000:]}")
            time.sleep(0.05)

    def drain(self, i: int) -> None:
        """nginx sends instance i no new request (`down` in the upstream, nginx reloaded); returns once
        the old nginx workers, and so every request they had sent it, have finished."""
        self.drained.add(i)
        self._render()
        self.reload_nginx()

    def undrain(self, i: int) -> None:
        """Instance i back in nginx's upstream."""
        self.drained.discard(i)
        self._render()
        self.reload_nginx()

    def restart_all(self, **settings) -> None:
        """Every instance stopped (SIGTERM) and started again on its port with `settings` changed,
        all started before any is waited for. nginx stays as it is."""
        self.settings.update(settings)
        for i, old in enumerate(self.instances):
            self._end(old)
            self.restarts += 1
            self.instances[i] = ServerProcess(self.tmp_path, f"instance{i}-restart{self.restarts}", port=old.port,
                                              **self.settings)
        for instance in self.instances:
            instance.wait_ready()

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


# -- what the fault tests drive through a topology, besides wrk's checks ----------------------------------
def unverified_session() -> requests.Session:
    """A session for nginx's self-signed certificate, which it does not verify."""
    result = requests.Session()
    result.verify = False
    # Otherwise REQUESTS_CA_BUNDLE, where set, overrides `verify = False`, and a proxy could be used.
    result.trust_env = False
    return result


def create_token(instance: ServerProcess, role: str = "comms", name: str = "Fleet test") -> dict[str, str]:
    """A new API token (`postcheck tokens create`, run with the instance's settings: its database), as
    the Authorization header that carries it."""
    created = subprocess.run([str(BIN), "tokens", "create", "--role", role, "--name", name], env=instance.env,
                             capture_output=True, text=True, timeout=60)
    assert created.returncode == 0, created.stderr
    return {"Authorization": f"Bearer {created.stdout.strip().splitlines()[-1]}"}


def wait_until(condition, timeout: float, what: str, pause: float = 0.05) -> None:
    """Calls `condition` until it is true; fails with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(pause)


def wait_until_compiled(instances, timeout: float = 120) -> None:
    """Each server's worker compiles its pattern gate in the background once it is ready; until then it
    answers checks slower. Figures measured before and after a fault are compared only once every server
    says, twenty times in a row, that it is done (/healthz)."""
    for instance in instances:
        deadline, in_a_row = time.monotonic() + timeout, 0
        while in_a_row < 20:
            state = requests.get(f"{instance.url}/healthz", timeout=10).json().get("pattern_gate")
            in_a_row = in_a_row + 1 if state != "compiling" else 0
            assert time.monotonic() < deadline, f"{instance.url}: still compiling its pattern gate after {timeout} s"
            time.sleep(0.02 if in_a_row else 0.2)


def metric(url: str, name: str) -> float | None:
    """A metric on one server's own /metrics (its own port, not nginx's), all its labels added up."""
    total = None
    for line in requests.get(f"{url}/metrics", timeout=10).text.splitlines():
        if line.startswith((name + " ", name + "{")):
            total = (total or 0.0) + float(line.rsplit(" ", 1)[1])
    return total


def connections_to(port: int) -> int:
    """Established TCP connections to a loopback port (nginx's to one server), from /proc/net/tcp."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        if state == "01" and int(local.split(":")[1], 16) == port:  # 01: ESTABLISHED
            count += 1
    return count


class Writes:
    """A thread sending writes through nginx, one after another, until stopped: outcome reports
    (POST /api/v1/feedback, `unchecked`, each a count stored in the database). Not roster writes: each of
    those makes the server that takes it compile its rules again (the roster feeds them), a second of
    CPU that would weigh on the checks the tests measure. nginx never sends a POST that reached one
    server to another, so these show what a fault does to writes; every answer's status is kept."""

    REPORT = {"outcome": "unchecked", "platform": "twitter"}

    def __init__(self, url: str, pause: float = 0.02):
        self.url, self.pause = url, pause
        self.answers: list[int | str] = []  # each write's status, or the exception's name
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        session = unverified_session()
        while not self._stop.is_set():
            try:
                self.answers.append(session.post(f"{self.url}/api/v1/feedback", json=self.REPORT,
                                                  timeout=30).status_code)
            except requests.RequestException as error:
                self.answers.append(type(error).__name__)
            self._stop.wait(self.pause)

    def start(self) -> "Writes":
        self._thread.start()
        return self

    def stop(self) -> "Writes":
        self._stop.set()
        self._thread.join(timeout=60)
        return self

    @property
    def statuses(self) -> Counter:
        return Counter(self.answers)

    @property
    def counted(self) -> int:
        return self.statuses[202]

    @property
    def failed(self) -> int:
        return len(self.answers) - self.counted

    def __str__(self) -> str:
        return f"writes (outcome reports): {len(self.answers)} sent, statuses {dict(self.statuses)}"


def reports_stored(url: str, token: dict[str, str]) -> int:
    """How many `unchecked` outcome reports the database holds (the summary, read from one server)."""
    answer = requests.get(f"{url}/api/v1/feedback/summary", headers=token, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["unchecked"]["total"]
