"""deploy/nginx.conf.example in front of three postcheck servers on one PostgreSQL (issue 19): one server
dies under a stream of checks and no check fails, because nginx sends a check whose server died to
another; a write whose server died is answered 502 and never sent to a second server; the server
restarted on its port gets checks again."""
from __future__ import annotations

import re
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.fleet.servers import BIN
from tests.fleet.topology import Topology, unverified_session, wait_until
from tests.store.backends import fresh_postgres_database

# nginx's certificate is made for the test and self-signed: the requests to it do not verify it.
pytestmark = [pytest.mark.postgres, pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]

CHECKS = 300
KILL_AFTER = 100   # about a third of the stream
KILLED = 0         # the instance that dies
THREADS = 3
DRAFT = "Lovely morning at the Wood Green market, thanks to everyone who came"
ROLE_PREFIX = "Topology test role"


@pytest.fixture()
def shared_database():
    with fresh_postgres_database("postcheck_topology") as url:
        yield url


_sessions = threading.local()


def session() -> requests.Session:
    """One session per thread (a Session is not shared between threads): kept TLS connections to nginx."""
    if not hasattr(_sessions, "session"):
        _sessions.session = unverified_session()
    return _sessions.session


def check(url: str, n: int) -> int:
    if n % 5 == 4:  # every fifth through the LanguageTool protocol, a form
        response = session().post(f"{url}/v2/check", data={"text": DRAFT, "language": "en-GB"}, timeout=30)
    else:
        response = session().post(f"{url}/api/v1/check", json={"text": DRAFT}, timeout=30)
    return response.status_code


def checks_counted(instance) -> float:
    """postcheck_checks_total on the instance's own port, all its `api` labels added up."""
    text = requests.get(f"{instance.url}/metrics", timeout=5).text
    return sum(float(value) for value in re.findall(r"^postcheck_checks_total\{[^}]*\} (\S+)$", text, re.MULTILINE))


def stream_is_waiting(stream, quiet: float = 0.5) -> bool:
    """No check of the stream finished within `quiet` seconds, while some are left."""
    done = sum(future.done() for future in stream)
    time.sleep(quiet)
    return done == sum(future.done() for future in stream) < len(stream)


def test_a_server_killed_under_a_stream_of_checks_fails_no_check_and_no_write_twice(tmp_path, shared_database):
    with Topology(tmp_path, instances=3, database_url=shared_database) as topology:
        created = subprocess.run([str(BIN), "tokens", "create", "--role", "comms", "--name", "Topology test"],
                                 env=topology.instances[1].env, capture_output=True, text=True, timeout=60)
        assert created.returncode == 0, created.stderr
        token = {"Authorization": f"Bearer {created.stdout.strip().splitlines()[-1]}"}

        def add_role(name: str) -> int:
            return session().post(f"{topology.url}/api/v1/roster/roles", json={"name": name}, headers=token,
                                  timeout=30).status_code

        with ThreadPoolExecutor(THREADS) as pool, ThreadPoolExecutor(3) as writers:
            stream = [pool.submit(check, topology.url, n) for n in range(CHECKS)]
            wait_until(lambda: sum(f.done() for f in stream) >= KILL_AFTER, 60, "the first checks did not finish")

            # Frozen, the server's kernel still accepts nginx's connections and requests: nginx goes on
            # sending it every third request, which waits. So when it is killed, requests are certainly
            # in flight on it: sent, and not answered.
            try:
                topology.freeze(KILLED)
                # Each thread goes on until one of its checks is sent to the frozen server: a few checks.
                wait_until(lambda: stream_is_waiting(stream), 10,
                           "the stream threads did not all wait on the frozen server")

                # With the checks all waiting, only these writes move nginx's round robin, which takes the
                # servers in turn: of three writes sent at once, one goes to the frozen server and waits.
                writes = {name: writers.submit(add_role, name) for name in (f"{ROLE_PREFIX} {k}" for k in range(3))}
                wait_until(lambda: sum(future.done() for future in writes.values()) >= 2, 30,
                           "the writes to the living servers were not answered")
            finally:
                # Also when an assertion above failed: the waiting requests end now, not at nginx's timeout.
                topology.kill(KILLED)
            statuses = [f.result() for f in stream]
            answered = {name: future.result() for name, future in writes.items()}

        failed = [(n, status) for n, status in enumerate(statuses) if status != 200]
        assert not failed, f"{len(failed)} of {CHECKS} checks failed (check number, status): {failed[:10]}"

        assert set(answered.values()) <= {201, 502}, answered
        # The write sent to the server that died was not sent to another: nginx answered it 502.
        assert list(answered.values()).count(502) == 1, answered
        roles = requests.get(f"{topology.instances[1].url}/api/v1/roster/roles", headers=token, timeout=10).json()
        stored = sorted(role["name"] for role in roles if role["name"].startswith(ROLE_PREFIX))
        assert stored == sorted(name for name, status in answered.items() if status == 201)

        restarted = topology.restart(KILLED)
        assert checks_counted(restarted) == 0
        # nginx leaves a failed server out for its fail_timeout (10 s by default), then tries it again.
        sender = unverified_session()

        def restarted_got_checks() -> bool:
            assert sender.post(f"{topology.url}/api/v1/check", json={"text": DRAFT}, timeout=30).status_code == 200
            return checks_counted(restarted) > 0

        wait_until(restarted_got_checks, 30, "the restarted server got no checks through nginx within 30 s")
