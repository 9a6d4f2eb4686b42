"""Rate limits in a shared Redis (issue 19): a real `postcheck serve --production` on a real
redis-server. While Redis answers, the limit is counted there; when it stops, checks go on with the
same limit counted in the server's own memory (never a 500, never unlimited), with a log line and a
metric; when Redis is back, the counts are shared again."""
from __future__ import annotations

import time

import pytest
import requests

from tests.fleet.redis_server import RedisServer
from tests.fleet.servers import ServerProcess

LIMIT = 5
DRAFT = {"text": "Lovely sunny day for the park run!"}


def check(server) -> requests.Response:
    return requests.post(f"{server.url}/api/v1/check", json=DRAFT, timeout=10)


def metric(server, name: str) -> float | None:
    for line in requests.get(f"{server.url}/metrics", timeout=10).text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return None


def keys_in(redis: RedisServer) -> int:
    import redis as client  # the `redis` extra, installed with the test extra
    return client.Redis(port=redis.port).dbsize()


@pytest.fixture()
def redis_and_server(tmp_path):
    redis = RedisServer(tmp_path).start()
    server = ServerProcess(tmp_path, "redis-limited", RATELIMIT_STORAGE_URL=redis.url,
                           CHECK_RATE_LIMIT=f"{LIMIT} per minute")
    try:
        server.wait_ready()
        yield redis, server
    finally:
        server.stop()
        redis.stop()


def test_limits_are_counted_in_redis_and_kept_in_memory_while_it_is_down(redis_and_server):
    redis, server = redis_and_server
    assert [check(server).status_code for _ in range(LIMIT)] == [200] * LIMIT
    refused = check(server)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert keys_in(redis) > 0, "the counts were not kept in Redis"
    assert metric(server, "postcheck_ratelimit_shared") == 1

    redis.stop()
    # Counted in the server's memory from zero: the same limit, never a 500 and never unlimited.
    answers = [check(server).status_code for _ in range(LIMIT + 2)]
    assert answers == [200] * LIMIT + [429, 429], answers
    assert metric(server, "postcheck_ratelimit_shared") == 0
    assert metric(server, "postcheck_ratelimit_fallbacks_total") == 1
    log = server.log.read_text()
    assert "the shared store does not answer" in log and redis.url not in log

    redis.start()  # the same port, empty: a Redis that came back after a restart
    deadline = time.monotonic() + 40  # flask-limiter tries the store again after 1, 2, 4, 8... s
    while metric(server, "postcheck_ratelimit_shared") != 1:
        assert time.monotonic() < deadline, "the server did not go back to Redis"
        check(server)
        time.sleep(0.5)
    assert "limits are shared again" in server.log.read_text()
    assert check(server).status_code == 200  # Redis's new, empty counts
    assert keys_in(redis) > 0, "the counts are not back in Redis"
