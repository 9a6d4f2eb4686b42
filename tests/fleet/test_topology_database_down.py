"""PostgreSQL stopped under load and started again (issue 19): deploy/nginx.conf.example in front of three
postcheck servers on one PostgreSQL of the test's own, wrk driving checks through nginx the whole time.

    before   wrk on /api/v1/check and /v2/check; writes, outcome reports and sign-ins work
    during   `pg_ctl stop -m fast` under wrk: checks still 200 (on the last calendar, marked stale);
             writes, token reads, reports, sign-ins and signed-in pages answer 503 with Retry-After,
             within the database timeout, on every instance and through nginx; /readyz says 503
    after    `pg_ctl start` under wrk: every instance, on its own port, takes writes, reports and
             sign-ins again, keeps the session from before, is ready and drops `stale`, with no restart

One scenario runs once for the module (one topology); each test asserts one part of what it recorded.
The wrk figures (errors, throughput, p50 and p99 per phase) and every probe are printed: run with -s."""
from __future__ import annotations

import datetime as dt
import itertools
import re
import time
from dataclasses import dataclass, field

import pytest
import requests

from postcheck.auth import create_token
from postcheck.store import Store
from tests.fleet.postgres_server import PostgresServer
from tests.fleet.topology import Topology, unverified_session
from tests.fleet.wrk import PEAK_FORM, PEAK_JSON, Load, LoadResult

# nginx's certificate is made for the test and self-signed: the requests to it do not verify it.
pytestmark = [pytest.mark.postgres, pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]

DATABASE_TIMEOUT_SECONDS = 3
# A request the database outage keeps waiting longer than this hangs: the database timeout, and a margin
# for a loaded machine.
ANSWERED_WITHIN = DATABASE_TIMEOUT_SECONDS + 2
POLL_SECONDS = 1
PHASE_SECONDS = {"before": 3, "during": 5, "after": 5}
SETTINGS = {
    "CALENDAR_POLL_SECONDS": POLL_SECONDS,
    "DATABASE_TIMEOUT_SECONDS": DATABASE_TIMEOUT_SECONDS,
    # wrk comes from one address: the per-client limits would answer 429 long before the servers tire.
    "CHECK_RATE_LIMIT": "1000000 per minute",
    "FEEDBACK_RATE_LIMIT": "100000 per minute",
    "ADMIN_SIGNIN_RATE_LIMIT": "100000 per minute",
}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SIGN_IN_REFUSED = "The database cannot be reached, so nobody can sign in just now"


@dataclass
class Probe:
    """One request of the scenario and what came back (status None: no answer, `error` says why)."""
    phase: str
    where: str
    what: str
    status: int | None
    seconds: float
    retry_after: str | None = None
    text: str = ""
    error: str = ""

    def __str__(self) -> str:
        answer = self.status if self.status is not None else f"no answer ({self.error})"
        retry = f", Retry-After {self.retry_after}" if self.retry_after else ""
        return f"{self.phase:6} {self.where:10} {self.what:22} {answer}{retry} in {self.seconds:.2f} s"


@dataclass
class Recorded:
    loads: dict[str, list[LoadResult]] = field(default_factory=dict)
    probes: list[Probe] = field(default_factory=list)
    stale: dict[str, dict[str, bool | None]] = field(default_factory=dict)  # phase -> instance -> stale
    logs: dict[str, str] = field(default_factory=dict)
    pids_before: list[int] = field(default_factory=list)
    pids_after: list[int] = field(default_factory=list)

    def report(self) -> str:
        lines = [str(result) for results in self.loads.values() for result in results]  # labelled by phase
        return "\n".join(lines + [str(probe) for probe in self.probes])

    def probed(self, phase: str, what: str | None = None) -> list[Probe]:
        return [p for p in self.probes if p.phase == phase and (what is None or p.what == what)]


class Scenario:
    def __init__(self, topology: Topology, postgres: PostgresServer, token: str):
        self.topology, self.postgres, self.token = topology, postgres, token
        self.recorded = Recorded()
        self.days = (dt.date(2031, 1, 1) + dt.timedelta(days=n) for n in itertools.count())
        self.sessions: dict[str, requests.Session] = {}  # instance -> signed in before the outage

    def places(self) -> dict[str, str]:
        """Each instance on its own port, and nginx."""
        found = {f"instance{i}": instance.url for i, instance in enumerate(self.topology.instances)}
        found["nginx"] = self.topology.url
        return found

    # -- the requests --------------------------------------------------------------------------------
    def _write(self, url, session):
        return session.post(f"{url}/api/v1/non-working-days", json={"day": next(self.days).isoformat(),
                            "name": "Database outage test"}, headers=self._bearer(), timeout=ANSWERED_WITHIN)

    def _token_read(self, url, session):
        return session.get(f"{url}/api/v1/elections", headers=self._bearer(), timeout=ANSWERED_WITHIN)

    def _report(self, url, session):
        return session.post(f"{url}/api/v1/feedback", json={"outcome": "unchecked", "platform": "other"},
                            timeout=ANSWERED_WITHIN)

    def _sign_in(self, url, session):
        page = session.get(f"{url}/admin/sign-in", timeout=ANSWERED_WITHIN)
        found = _CSRF.search(page.text)
        assert found, f"no CSRF token on the sign-in page of {url} ({page.status_code})"
        return session.post(f"{url}/admin/sign-in", data={"csrf_token": found.group(1), "token": self.token},
                            allow_redirects=False, timeout=ANSWERED_WITHIN)

    def _signed_in_page(self, url, session):
        return session.get(f"{url}/admin/now", allow_redirects=False, timeout=ANSWERED_WITHIN)

    def _ready(self, url, session):
        return session.get(f"{url}/readyz", timeout=ANSWERED_WITHIN)

    def _bearer(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def probe(self, phase: str, where: str, what: str, call, session: requests.Session | None = None) -> Probe:
        started = time.monotonic()
        try:
            response = call(self.places()[where], session or unverified_session())
        except requests.RequestException as exc:
            result = Probe(phase, where, what, None, time.monotonic() - started, error=type(exc).__name__)
        else:
            result = Probe(phase, where, what, response.status_code, time.monotonic() - started,
                           response.headers.get("Retry-After"), response.text[:2000])
        self.recorded.probes.append(result)
        return result

    def probe_everything(self, phase: str) -> None:
        for where in self.places():
            self.probe(phase, where, "write", self._write)
            self.probe(phase, where, "token read", self._token_read)
            self.probe(phase, where, "outcome report", self._report)
            fresh = unverified_session()
            signed = self.probe(phase, where, "sign-in", self._sign_in, fresh)
            if signed.status == 302:  # the session works: the page behind the sign-in opens
                self.probe(phase, where, "page after sign-in", self._signed_in_page, fresh)
            if where in self.sessions:
                self.probe(phase, where, "earlier session", self._signed_in_page, self.sessions[where])
            self.probe(phase, where, "readyz", self._ready)

    def stale(self) -> dict[str, bool | None]:
        """Each instance's `election.stale` in a check's answer, on its own port."""
        found = {}
        for i, instance in enumerate(self.topology.instances):
            response = requests.post(f"{instance.url}/api/v1/check", json={"text": "Good morning"}, timeout=10)
            found[f"instance{i}"] = response.json()["election"]["stale"] if response.status_code == 200 else None
        return found

    def wait_for_stale(self, wanted: bool, timeout: float) -> dict[str, bool | None]:
        deadline = time.monotonic() + timeout
        while True:
            found = self.stale()
            if all(value is wanted for value in found.values()) or time.monotonic() > deadline:
                return found
            time.sleep(0.2)

    # -- the phases ----------------------------------------------------------------------------------
    def loads(self, phase: str) -> list[Load]:
        seconds = PHASE_SECONDS[phase]
        return [Load(self.topology.url, seconds=seconds, connections=6, rate=PEAK_JSON,
                     label=f"{phase} /api/v1/check").start(),
                Load(self.topology.url, seconds=seconds, connections=3, path="/v2/check", form=True, rate=PEAK_FORM,
                     label=f"{phase} /v2/check").start()]

    def run(self) -> Recorded:
        recorded = self.recorded
        recorded.pids_before = [instance.process.pid for instance in self.topology.instances]
        for where in self.places():
            if where != "nginx":
                self.sessions[where] = unverified_session()
                assert self._sign_in(self.places()[where], self.sessions[where]).status_code == 302

        loads = self.loads("before")
        try:
            self.probe_everything("before")
        finally:
            recorded.loads["before"] = [load.wait() for load in loads]

        loads = self.loads("during")
        try:
            time.sleep(0.5)  # wrk under way
            self.postgres.stop()
            self.probe_everything("during")
            # Each process's calendar poll has met the outage: checks go on, on the calendar they had.
            recorded.stale["during"] = self.wait_for_stale(True, timeout=POLL_SECONDS * 5)
        finally:
            recorded.loads["during"] = [load.wait() for load in loads]

        loads = self.loads("after")
        try:
            time.sleep(0.5)
            self.postgres.start()
            deadline = time.monotonic() + 15
            while not all(self._ready(url, unverified_session()).status_code == 200
                          for url in self.places().values()) and time.monotonic() < deadline:
                time.sleep(0.1)
            self.probe_everything("after")
            recorded.stale["after"] = self.wait_for_stale(False, timeout=POLL_SECONDS * 5)
        finally:
            recorded.loads["after"] = [load.wait() for load in loads]
        recorded.pids_after = [instance.process.pid for instance in self.topology.instances
                               if instance.process.poll() is None]
        return recorded


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Recorded:
    folder = tmp_path_factory.mktemp("database-down")
    postgres = PostgresServer(folder / "postgres")
    try:
        postgres.start()
        with Topology(folder, instances=3, database_url=postgres.url, **SETTINGS) as topology:
            store = Store(postgres.url)  # the servers made the schema when they started
            try:
                token, _row = create_token(store, "Database outage test", "comms", "tests")
            finally:
                store.dispose()
            scenario = Scenario(topology, postgres, token)
            try:
                result = scenario.run()
            finally:
                scenario.recorded.logs = {instance.log.name: instance.log.read_text(errors="replace")
                                          for instance in topology.instances}
    finally:
        postgres.close()
    print("\n" + result.report())
    return result


def test_checks_answer_200_before_during_and_after_the_outage(recorded):
    for phase in ("before", "during", "after"):
        for result in recorded.loads[phase]:
            assert result.requests > 0 and result.errors == 0, f"{phase}: {result}\n{recorded.report()}"


def test_checks_during_the_outage_use_the_last_calendar_marked_stale(recorded):
    assert recorded.stale["during"] == {"instance0": True, "instance1": True, "instance2": True}
    assert recorded.stale["after"] == {"instance0": False, "instance1": False, "instance2": False}


def test_everything_that_needs_the_database_answers_503_with_retry_after_while_it_is_down(recorded):
    down = [probe for probe in recorded.probed("during") if probe.what != "readyz"]
    assert {probe.what for probe in down} == {"write", "token read", "outcome report", "sign-in", "earlier session"}
    for probe in down:
        # Never a 500, never a hang (no answer within the database timeout and a margin: status None).
        assert probe.status == 503, f"{probe}\n{probe.text[:500]}"
        assert probe.retry_after and int(probe.retry_after) > 0, str(probe)
    for probe in recorded.probed("during", "sign-in"):
        assert SIGN_IN_REFUSED in probe.text, str(probe)  # the form says why, not "wrong token"
    for probe in recorded.probed("during", "readyz"):
        assert probe.status == 503 and "the database cannot be reached" in probe.text, str(probe)


def test_every_instance_recovers_without_a_restart(recorded):
    expected = {"write": 201, "token read": 200, "outcome report": 202, "sign-in": 302, "page after sign-in": 200,
                "earlier session": 200, "readyz": 200}
    for phase in ("before", "after"):
        probes = recorded.probed(phase)
        assert {(p.where, p.what) for p in probes} >= {(f"instance{i}", what) for i in range(3) for what in expected}
        for probe in probes:
            assert probe.status == expected[probe.what], f"{probe}\n{probe.text[:500]}"
    assert recorded.pids_after == recorded.pids_before  # the same processes, none restarted


def test_no_instance_failed_a_request_or_logged_an_unhandled_error(recorded):
    for name, text in recorded.logs.items():
        assert " status=500 " not in text and "unhandled" not in text and "Traceback" not in text, \
            f"{name}:\n" + "\n".join(line for line in text.splitlines()
                                     if "status=500" in line or "unhandled" in line or "Error" in line)[:3000]
