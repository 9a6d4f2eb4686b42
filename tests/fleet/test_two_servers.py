"""Several servers behind a load balancer share one PostgreSQL: two real gunicorn servers, an election
added through one, and checks on the other apply it within the poll interval."""
from __future__ import annotations

import subprocess
import time

import pytest
import requests

from tests.fleet.servers import BIN, ServerProcess
from tests.store.backends import fresh_postgres_database

pytestmark = pytest.mark.postgres

INSIDE = "2027-01-20T12:00:00+00:00"
ELECTION = {"name": "Bruce Castle by-election", "kind": "local", "poll_date": "2027-02-04", "scope": ["Bruce Castle"]}


@pytest.fixture()
def shared_database():
    with fresh_postgres_database("postcheck_fleet") as url:
        yield url


def election(url: str) -> dict:
    response = requests.post(f"{url}/api/v1/check", json={"text": "Cllr Jones at the market", "at": INSIDE}, timeout=5)
    assert response.status_code == 200
    return response.json()["election"]


def test_an_election_added_through_one_server_applies_on_the_other(tmp_path, shared_database):
    settings = {"DATABASE_URL": shared_database, "CALENDAR_POLL_SECONDS": 1, "LOG_FORMAT": "json"}
    first = ServerProcess(tmp_path, "first", **settings)
    second = ServerProcess(tmp_path, "second", **settings)
    try:
        first.wait_ready()
        second.wait_ready()
        created = subprocess.run([str(BIN), "tokens", "create", "--role", "comms", "--name", "Fleet test"],
                                 env=first.env, capture_output=True, text=True, timeout=60)
        assert created.returncode == 0, created.stderr
        token = created.stdout.strip().splitlines()[-1]
        assert election(second.url)["active"] is False

        added = requests.post(f"{first.url}/api/v1/elections", json=ELECTION,
                              headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert added.status_code == 201, added.text
        started = time.monotonic()
        while not election(second.url)["active"] and time.monotonic() - started < 5:
            time.sleep(0.1)
        state = election(second.url)
        assert state["active"] is True, "the other server did not apply the election within the poll interval"
        assert state["period"]["name"] == ELECTION["name"]
        assert time.monotonic() - started < 5
    finally:
        first.stop()
        second.stop()
    assert token not in first.log.read_text(), "tokens never reach the logs"
