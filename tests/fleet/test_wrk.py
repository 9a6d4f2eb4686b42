"""tests/fleet/wrk.py against a real `postcheck serve --production`: the figures the load tests rely on
(every status counted, socket errors by kind) are what the server answered, not wrk's own summary."""
from __future__ import annotations

import os
import signal
import time

import pytest

from tests.fleet.conftest import free_port
from tests.fleet.servers import ServerProcess
from tests.fleet.topology import process_tree
from tests.fleet.wrk import Load, parse_output, run_wrk

LIMIT = 7


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory):
    server = ServerProcess(tmp_path_factory.mktemp("wrk"), "wrk-target", CHECK_RATE_LIMIT=f"{LIMIT} per minute")
    try:
        yield server.wait_ready()
    finally:
        server.stop()


def test_every_answer_is_counted_by_status(limited_server):
    # One client (wrk, from 127.0.0.1) and a limit of LIMIT a minute: exactly LIMIT 200s, the rest 429s,
    # on both check APIs, which share the budget.
    json_checks = run_wrk(limited_server.url, 2, connections=4, threads=2)
    form_checks = run_wrk(limited_server.url, 1, connections=2, path="/v2/check", form=True)
    assert json_checks.statuses.get(200, 0) == LIMIT, str(json_checks)
    assert form_checks.statuses.get(200, 0) == 0, str(form_checks)
    for result in (json_checks, form_checks):
        assert result.requests > LIMIT and sum(result.statuses.values()) == result.requests, str(result)
        assert set(result.statuses) <= {200, 429}, str(result)
        assert result.socket_errors == {"connect": 0, "read": 0, "write": 0, "timeout": 0}, str(result)
        assert result.errors == result.statuses.get(429, 0)
        assert result.p50_ms > 0 and result.p99_ms >= result.p50_ms and result.per_second > 0
    assert "errors" in str(json_checks) and "/v2/check" in str(form_checks)


def test_a_server_that_dies_under_load_gives_socket_errors(tmp_path):
    server = ServerProcess(tmp_path, "wrk-dies").wait_ready()
    try:
        load = Load(server.url, seconds=3, connections=2).start()
        time.sleep(1)
        for pid in process_tree(server.process.pid):  # gunicorn's master and its worker
            os.kill(pid, signal.SIGKILL)
        server.process.wait()
        result = load.wait()
    finally:
        server.stop()
    assert result.statuses.get(200, 0) > 0, str(result)
    assert sum(result.socket_errors.values()) > 0, str(result)
    assert result.errors == result.non_2xx + sum(result.socket_errors.values())


def test_wrk_that_cannot_start_is_an_error():
    # wrk refuses to run when its first connection is refused: a test must hear of it, not get zeros.
    with pytest.raises(AssertionError, match="wrk exited with 1"):
        run_wrk(f"http://127.0.0.1:{free_port()}", 1)


def test_a_load_stopped_early_leaves_nothing_running(limited_server):
    with Load(limited_server.url, seconds=30) as load:
        load.start()
    assert load.process.poll() is not None and not load.folder.exists()


def test_output_without_figures_is_an_error():
    with pytest.raises(AssertionError, match="wrk printed no figures"):
        parse_output("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_a_paced_load_sends_at_most_its_rate(limited_server):
    # Counted, not timed: a busy machine can only send fewer. Each connection waits connections/rate
    # seconds after each answer (the limited server's 429s are answers too), so 2 s at 20 a second is at
    # most 40, and one more per connection for the first request.
    paced = run_wrk(limited_server.url, 2, connections=2, rate=20)
    flat = run_wrk(limited_server.url, 1, connections=2)
    assert 1 <= paced.requests <= 42, str(paced)
    assert flat.requests > 2 * paced.requests, f"{flat} against {paced}"
    with pytest.raises(ValueError):
        Load(limited_server.url, seconds=1, rate=0)
