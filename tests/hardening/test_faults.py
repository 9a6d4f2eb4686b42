"""Faults while the server runs. (a) The database goes away: every kind of write answers 503 JSON with
Retry-After while checks go on stale, and all recover without a restart (extends
tests/store/test_live_calendar.py, which covers elections). (b) A server process SIGKILLed in the
middle of a stream of writes loses no write it acknowledged. (c) A rules file broken while running is
tests/engine/test_loader.py::test_broken_edit_keeps_the_last_good_rules_and_reports."""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from postcheck.auth import create_token
from postcheck.store import Store
from tests.store.backends import bearer, make_app

BIN = Path(sys.executable).parent / "postcheck"
WRITES = {
    "person": ("/api/v1/roster/people", {"name": "Maria Okonjo"}),
    "party": ("/api/v1/roster/parties", {"name": "Haringey Independents"}),
    "role": ("/api/v1/roster/roles", {"name": "Chair of Scrutiny"}),
    "non-working day": ("/api/v1/non-working-days", {"day": "2027-01-04", "name": "Day of mourning"}),
    "outcome report": ("/api/v1/feedback", {"rule": "offensive.strong-language", "category": "offensive", "outcome": "edited"}),
}


def test_every_write_answers_503_while_the_database_is_gone_and_recovers(tmp_path):
    folder = tmp_path / "db"
    folder.mkdir()
    app = make_app(f"sqlite:///{folder / 'postcheck.sqlite3'}")
    client, token = app.test_client(), bearer(app)
    svc = app.extensions["postcheck"]
    try:
        folder.rename(tmp_path / "gone")
        svc.store.engine.dispose()  # the open connections die with the server, as in a real outage
        svc.calendar.refresh()
        check = client.post("/api/v1/check", json={"text": "Cllr Jones at the market"})
        assert check.status_code == 200 and check.get_json()["election"]["stale"] is True
        for what, (url, body) in WRITES.items():
            response = client.post(url, json=body, headers=token)
            assert response.status_code == 503, (what, response.get_data(as_text=True))
            assert response.get_json()["code"] == 503 and response.get_json()["message"], what
            assert int(response.headers["Retry-After"]) > 0, what
        (tmp_path / "gone").rename(folder)
        assert svc.calendar.refresh() is True
        for what, (url, body) in WRITES.items():
            assert client.post(url, json=body, headers=token).status_code in (201, 202), what
        assert client.post("/api/v1/check", json={"text": "hi"}).get_json()["election"]["stale"] is False
    finally:
        svc.store.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(database_url: str):
    port = _free_port()
    env = {**os.environ, "POSTCHECK_DATABASE_URL": database_url, "POSTCHECK_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([str(BIN), "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError("the server did not come up")
            time.sleep(0.1)


def _call(url, token, method="GET", body=None):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, json.loads(response.read() or b"null")


def test_a_server_killed_mid_stream_loses_no_acknowledged_write(database_url):
    store = Store(database_url)
    store.upgrade()
    token, _row = create_token(store, "Kill Test Comms", "comms", "tests")
    store.dispose()
    server, base = _serve(database_url)
    acknowledged, stop = [], threading.Event()

    def write_stream():
        for i in range(100_000):
            if stop.is_set():
                return
            name = f"Stream Person {i}"
            try:
                status, _body = _call(f"{base}/api/v1/roster/people", token, "POST", {"name": name})
            except (OSError, urllib.error.HTTPError):
                return  # the server is gone: this write was never acknowledged
            if 200 <= status < 300:
                acknowledged.append(name)

    writer = threading.Thread(target=write_stream, daemon=True)
    try:
        writer.start()
        while len(acknowledged) < 25 and writer.is_alive():
            time.sleep(0.01)
        server.send_signal(signal.SIGKILL)  # mid-stream: a request is most likely in flight
        server.wait(timeout=10)
    finally:
        stop.set()
        writer.join(timeout=10)
        if server.poll() is None:
            server.kill()
    assert len(acknowledged) >= 25, "the stream did not get going"

    server, base = _serve(database_url)
    try:
        _status, people = _call(f"{base}/api/v1/roster/people", token)
        stored = {p["name"] for p in people}
        missing = [name for name in acknowledged if name not in stored]
        assert not missing, f"{len(missing)} acknowledged writes were lost: {missing[:5]}"
        _status, audit = _call(f"{base}/api/v1/audit?entity=person&limit=1000", token)
        audited = {e["after"]["name"] for e in audit["entries"] if e["action"] == "create" and e["after"]}
        assert set(acknowledged) <= audited, "every acknowledged write has its audit entry"
    finally:
        server.kill()
        server.wait(timeout=10)
