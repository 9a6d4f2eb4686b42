"""Faults under load (issue 19): three postcheck servers behind deploy/nginx.conf.example, one PostgreSQL,
rate limits shared in a Redis; wrk drives checks through nginx (/api/v1/check and /v2/check at once)
while one server is killed, or Redis is stopped. Each phase's figures (errors, throughput, p99) are
printed before, during and after the fault (`pytest -s` shows them).

test_topology_failover.py shows, request by request, that a killed server fails no check and that a
write is not sent twice; here the same fault is under wrk's load, with figures."""
from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.fleet.redis_server import RedisServer
from tests.fleet.topology import Topology, Writes, create_token, metric, reports_stored, \
    unverified_session, wait_until, wait_until_compiled
from tests.fleet.wrk import PEAK_FORM, PEAK_JSON, Load, LoadResult
from tests.store.backends import fresh_postgres_database

# nginx's certificate is made for the test and self-signed: the requests to it do not verify it.
pytestmark = [pytest.mark.postgres, pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]

UNLIMITED = "1000000 per minute"
LOW_LIMIT = 10  # checks a second, per client: far fewer than wrk sends, so that most are refused
KILLED = 1
WRITERS = 2
PHASE_SECONDS = 3
DRAFT = {"text": "Lovely morning at the Wood Green market, thanks to everyone who came"}


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    redis = RedisServer(folder).start()
    try:
        with fresh_postgres_database("postcheck_faults") as database_url, \
                Topology(folder, instances=3, database_url=database_url, RATELIMIT_STORAGE_URL=redis.url,
                         CHECK_RATE_LIMIT=UNLIMITED, FEEDBACK_RATE_LIMIT=UNLIMITED) as topology:
            yield topology, redis
    finally:
        redis.stop()


class Checks:
    """Two wrk loads through nginx at once, the extension's JSON and LanguageTool's form; started long
    and ended by finish(), so a phase lasts as long as the fault it accompanies."""

    def __init__(self, url: str, seconds: float = 120):
        self.loads = [Load(url, seconds=seconds, connections=4, rate=PEAK_JSON),
                      Load(url, seconds=seconds, connections=2, path="/v2/check", form=True, rate=PEAK_FORM)]

    def start(self) -> "Checks":
        for load in self.loads:
            load.start()
        return self

    def finish(self) -> list[LoadResult]:
        return [load.finish() for load in self.loads]

    def stop(self) -> None:
        for load in self.loads:
            load.stop()


def run_checks(url: str, seconds: float = PHASE_SECONDS) -> list[LoadResult]:
    checks = Checks(url).start()
    try:
        time.sleep(seconds)
        return checks.finish()
    finally:
        checks.stop()


def report(title: str, phases: dict[str, list[LoadResult]], *extra: str) -> None:
    print(f"\n{title}")
    for phase, results in phases.items():
        for result in results:
            print(f"  {phase:>6} {result}")
    for line in extra:
        print(f"  {line}")


def statuses_429(instance) -> float:
    """429 answers counted on the instance's own /metrics (postcheck_http_requests_total, any route)."""
    text = unverified_session().get(f"{instance.url}/metrics", timeout=10).text
    return sum(float(v) for v in re.findall(r'^postcheck_http_requests_total\{[^}]*status="429"[^}]*\} (\S+)$',
                                             text, re.MULTILINE))


def requests_in_flight(error_log: Path, start: int, port: int) -> Counter:
    """Requests nginx had sent to the server on `port` when it died, per path: its error log's lines for
    that server written after `start` (an offset), leaving out connections it could not make (those
    requests were not sent, and went to another server)."""
    text = error_log.read_text()[start:] if error_log.exists() else ""
    found = Counter()
    for line in text.splitlines():
        upstream = re.search(rf'upstream: "http://127\.0\.0\.1:{port}(/[^"]*)"', line)
        if upstream and "while connecting to upstream" not in line:
            found[upstream.group(1)] += 1
    return found


def test_a_server_killed_under_load_fails_no_check(faulty):
    topology, _redis = faulty
    if topology.settings["CHECK_RATE_LIMIT"] != UNLIMITED:  # the Redis test ran first
        topology.restart_all(CHECK_RATE_LIMIT=UNLIMITED)
    token = create_token(topology.instances[0])
    wait_until_compiled(topology.instances)
    phases = {"before": run_checks(topology.url)}

    checks = Checks(topology.url).start()
    writers = [Writes(topology.url).start() for _ in range(WRITERS)]
    try:
        time.sleep(1)
        error_log_seen = topology.error_log.stat().st_size if topology.error_log.exists() else 0
        topology.kill(KILLED)
        time.sleep(PHASE_SECONDS)
    finally:
        for writer in writers:
            writer.stop()
        phases["during"] = checks.finish()
        checks.stop()
    in_flight = requests_in_flight(topology.error_log, error_log_seen, topology.instances[KILLED].port)

    restarted = topology.restart(KILLED)
    # nginx leaves a failed server out for its fail_timeout (10 s by default), then tries it again.
    sender = unverified_session()

    def restarted_gets_checks() -> bool:
        assert sender.post(f"{topology.url}/api/v1/check", json=DRAFT, timeout=30).status_code == 200
        return (metric(restarted.url, "postcheck_checks_total") or 0) > 0

    wait_until(restarted_gets_checks, 30, "the restarted server got no checks through nginx within 30 s", pause=0.1)
    wait_until_compiled([restarted])
    phases["after"] = run_checks(topology.url)
    sent = sum(len(w.answers) for w in writers)
    counted, failed = sum(w.counted for w in writers), sum(w.failed for w in writers)
    stored = reports_stored(topology.instances[0].url, token)
    report(f"instance {KILLED} of 3 killed (SIGKILL) under wrk, then restarted:", phases,
           f"writes during: {sent} sent, {counted} answered 202, failed {failed} "
           f"({[dict(w.statuses) for w in writers]}); {stored} stored",
           f"in flight on the killed server (nginx's error log): {dict(in_flight)}")

    for phase, results in phases.items():
        for result in results:
            assert result.errors == 0 and result.requests > 0, f"{phase}: {result}"
    assert all(set(w.statuses) <= {202, 502} for w in writers), [dict(w.statuses) for w in writers]
    # Only the writes nginx had sent to the server that died failed (each writer waits for its answer
    # before the next, so at most one each); the checks it had were sent to another server.
    assert failed <= in_flight["/api/v1/feedback"] <= WRITERS, (failed, in_flight)
    # None counted twice, none answered 202 lost; a write answered 502 may have been stored just before
    # its server died.
    assert counted <= stored <= counted + failed
    assert (metric(restarted.url, "postcheck_checks_total") or 0) > 0


def test_redis_stopped_under_load_keeps_checks_going_with_limits_per_process(faulty):
    topology, redis = faulty
    topology.restart_all(CHECK_RATE_LIMIT=f"{LOW_LIMIT} per second")
    wait_until_compiled(topology.instances)
    # One client (everything comes from nginx, 127.0.0.1): a shared budget of LOW_LIMIT checks in each
    # 1-second window, across both APIs and all three servers; per process while Redis is down.
    def allowed(results: list[LoadResult], processes: int) -> int:
        return processes * LOW_LIMIT * (int(max(r.seconds for r in results)) + 2)  # windows a phase touches

    def answered(results: list[LoadResult]) -> int:
        return sum(r.statuses.get(200, 0) for r in results)

    phases = {"before": run_checks(topology.url)}
    refused_before = [statuses_429(instance) for instance in topology.instances]
    redis.stop()
    phases["during"] = run_checks(topology.url)
    refused_during = [statuses_429(instance) - n for instance, n in zip(topology.instances, refused_before)]
    shared_during = [metric(instance.url, "postcheck_ratelimit_shared") for instance in topology.instances]
    fallbacks = [metric(instance.url, "postcheck_ratelimit_fallbacks_total") for instance in topology.instances]
    logged = ["the shared store does not answer" in instance.log.read_text() for instance in topology.instances]

    redis.start()  # the same port, empty: a Redis that came back
    sender = unverified_session()
    started = time.monotonic()

    def all_shared_again() -> bool:
        # flask-limiter tries the store again after 1, 2, 4... s, on a request: keep sending some.
        for _ in range(6):
            assert sender.post(f"{topology.url}/api/v1/check", json=DRAFT, timeout=30).status_code in (200, 429)
        return all(metric(instance.url, "postcheck_ratelimit_shared") == 1 for instance in topology.instances)

    wait_until(all_shared_again, 40, "the servers did not go back to Redis within 40 s", pause=0.1)
    back_after = time.monotonic() - started
    phases["after"] = run_checks(topology.url)
    report(f"Redis stopped under wrk, limit {LOW_LIMIT} checks/s per client (both APIs):", phases,
           f"200s: before {answered(phases['before'])}, during {answered(phases['during'])}, after "
           f"{answered(phases['after'])}; 429s during, per server: {refused_during}; shared again "
           f"{back_after:.1f} s after Redis started")

    for phase, results in phases.items():
        for result in results:
            # Checks go on: answered 200 or refused 429, never a 500, never a socket error.
            assert set(result.statuses) <= {200, 429} and sum(result.socket_errors.values()) == 0, f"{phase}: {result}"
            assert result.statuses.get(200, 0) > 0, f"{phase}: {result}"
    # Shared: one budget for the three servers. Redis down: each server its own budget, the same limit.
    assert answered(phases["before"]) <= allowed(phases["before"], 1)
    assert allowed(phases["during"], 1) < answered(phases["during"]) <= allowed(phases["during"], 3)
    assert answered(phases["after"]) <= allowed(phases["after"], 1)
    # Not unlimited: every server refused some checks on its own count.
    assert all(n > 0 for n in refused_during), refused_during
    assert shared_during == [0, 0, 0] and all(n and n >= 1 for n in fallbacks) and all(logged), \
        (shared_during, fallbacks, logged)
    assert all("limits are shared again" in instance.log.read_text() for instance in topology.instances)
    assert all(redis.url not in instance.log.read_text() for instance in topology.instances)
