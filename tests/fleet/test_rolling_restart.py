"""A rollout under load (issue 19), one instance at a time: drain it in nginx (`down` in the upstream,
nginx reloaded), wait until nothing is in flight to it, stop it gracefully (SIGTERM), start the new one
on its port, wait for /readyz, put it back. wrk drives checks through nginx and a thread sends writes the
whole time: not one check and not one write fails, on any instance.

Without the drain (each instance stopped and started while nginx still sends it requests) this test
fails: a write nginx had already sent to the stopping server is answered 502 and never sent to another
(1 of 297 writes, 6 December 2026); the checks, retried on other servers, did not fail, but their p99
rose to 10 s."""
from __future__ import annotations

import time

import pytest

from tests.fleet.topology import (Topology, Writes, connections_to, create_token, metric, reports_stored,
                                  wait_until, wait_until_compiled)
from tests.fleet.wrk import PEAK_FORM, PEAK_JSON, Load
from tests.store.backends import fresh_postgres_database

pytestmark = [pytest.mark.postgres, pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]

# wrk runs until the rollout is done and AFTER_SECONDS more (Load.finish()); LOAD_SECONDS only bounds it.
LOAD_SECONDS = 120
AFTER_SECONDS = 2


def test_a_rolling_restart_under_load_fails_no_check_and_no_write(tmp_path):
    with fresh_postgres_database("postcheck_rollout") as database_url, \
            Topology(tmp_path, instances=3, database_url=database_url,
                     CHECK_RATE_LIMIT="1000000 per minute", FEEDBACK_RATE_LIMIT="1000000 per minute") as topology:
        token = create_token(topology.instances[0])
        wait_until_compiled(topology.instances)
        started = time.monotonic()
        # A new connection for each check: each drain reloads nginx, whose old workers close the
        # connections they kept once they have answered on them, and wrk, which never retries, would count
        # the next request it had already sent on one as an error although no server ever saw it
        # (tests/fleet/wrk.py; browsers retry such a request, and over HTTP/2 nginx says GOAWAY first).
        with Load(topology.url, seconds=LOAD_SECONDS, connections=6, keepalive=False, rate=PEAK_JSON) as checks, \
                Load(topology.url, seconds=LOAD_SECONDS, connections=2, path="/v2/check", form=True,
                     keepalive=False, rate=PEAK_FORM) as forms:
            checks.start()
            forms.start()
            writes = Writes(topology.url).start()
            try:
                time.sleep(1)  # load on all three first
                for i in range(len(topology.instances)):
                    topology.drain(i)
                    # The old nginx workers have exited, and with them every request and kept connection
                    # they had to this instance; the new ones send it none.
                    wait_until(lambda: connections_to(topology.instances[i].port) == 0, 10,
                               f"instance {i} still has connections after its drain")
                    topology.restart(i)  # SIGTERM, then the new server on the same port, ready
                    topology.undrain(i)
                rolled_out = time.monotonic() - started
                time.sleep(AFTER_SECONDS)  # the last instance back gets checks too
            finally:
                writes.stop()
            check_result, form_result = checks.finish(), forms.finish()
        print(f"\nrollout of {len(topology.instances)} instances in {rolled_out:.1f} s under load:\n"
              f"  {check_result}\n  {form_result}\n  {writes}")
        assert check_result.seconds > rolled_out, "the rollout outlasted the load: make LOAD_SECONDS longer"

        assert check_result.errors == 0 and form_result.errors == 0, f"{check_result}\n{form_result}"
        assert len(writes.answers) > 50 and writes.failed == 0, str(writes)
        assert reports_stored(topology.instances[0].url, token) == writes.counted  # each once
        for i, instance in enumerate(topology.instances):
            assert (metric(instance.url, "postcheck_checks_total") or 0) > 0, f"new instance {i} got no checks"
