#!/usr/bin/env python3
"""The fleet of issue 19 measured: postcheck servers behind deploy/nginx.conf.example, on one PostgreSQL,
rate limits shared in Redis, driven by wrk over loopback.

    .venv/bin/python bench/fleet.py                 # a table; about 2 minutes
    .venv/bin/python bench/fleet.py --json          # the same figures as JSON
    .venv/bin/python bench/fleet.py --seconds 20    # longer measurements

Needs PostgreSQL's programs (Debian's postgresql; its service need not run), nginx, redis-server and wrk.
Starts its own PostgreSQL cluster, Redis, servers (`postcheck serve --production`, one gunicorn worker
each) and nginx, all on free loopback ports in a temporary folder, and stops them all at the end.

Measured, with `POST /api/v1/check` (a clean 200-character draft) as fast as wrk sends them:
  1. one server, direct (http);  2. one server behind nginx (https);  3. three servers behind nginx:
  checks a second, p50 and p99 latency, errors (answers other than 2xx, and socket errors), and each
  server's worker memory (RSS) after the run.
Then faults on the three, each with figures before, during and after: one server killed (SIGKILL) and
started again; Redis stopped and started; PostgreSQL stopped (`pg_ctl stop -m fast`) and started. Checks
must go on through all three (errors 0; the exit status is 1 otherwise). "during" is wrk started a second
before the fault and running --fault-seconds after it.

On a 2-core machine this measures correctness and overhead, not capacity: three servers, nginx, Redis,
PostgreSQL and wrk share the same two cores, so the three-server figure is what two cores give, less what
the others take, and says nothing of three servers on machines of their own. Capacity per core is the
single-server figure (its one worker uses one core); the nginx rows show what TLS and the proxy cost.
Other work on the machine moves every figure: the load average is printed with them."""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from tests.fleet.postgres_server import PostgresServer  # noqa: E402
from tests.fleet.redis_server import RedisServer  # noqa: E402
from tests.fleet.topology import Topology, process_tree, unverified_session, wait_until_compiled  # noqa: E402
from tests.fleet.wrk import DRAFT, Load, LoadResult  # noqa: E402

UNLIMITED = "100000000 per minute"  # the benchmark measures checks, not the rate limit's refusals


def missing_programs() -> list[str]:
    wanted = {"wrk": "wrk", "nginx": "nginx", "redis-server": "redis-server", "openssl": "openssl"}
    missing = [package for program, package in wanted.items()
               if not (shutil.which(program) or shutil.which(program, path="/usr/sbin:/usr/local/sbin"))]
    if not list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")):
        missing.append("postgresql")
    return missing


def worker_rss_mib(instance) -> list[float]:
    """Resident memory of each of the server's gunicorn workers (the master's descendants), in MiB."""
    sizes = []
    for pid in process_tree(instance.process.pid)[1:]:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue  # ended meanwhile
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if found:
            sizes.append(round(int(found.group(1)) / 1024, 1))
    return sizes


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class Bench:
    def __init__(self, args):
        self.args = args
        self.rows: list[dict] = []

    def wrk(self, url: str, seconds: float) -> Load:
        return Load(url, seconds=seconds, connections=self.args.connections, threads=self.args.threads)

    def record(self, scenario: str, phase: str, result: LoadResult, memory: list[float] | None = None) -> None:
        row = {"scenario": scenario, "phase": phase, "checks_per_second": round(result.per_second, 1),
               "p50_ms": round(result.p50_ms, 1), "p99_ms": round(result.p99_ms, 1), "errors": result.errors,
               "requests": result.requests, "seconds": round(result.seconds, 1), "statuses": result.statuses,
               "socket_errors": {k: n for k, n in result.socket_errors.items() if n},
               "load_average": load_average()}
        if memory is not None:
            row["worker_rss_mib"] = memory
        self.rows.append(row)
        if not self.args.json:
            print(format_row(row), flush=True)

    def measure(self, scenario: str, url: str, instances) -> None:
        result = self.wrk(url, self.args.seconds).start().wait()
        self.record(scenario, "steady", result, [size for i in instances for size in worker_rss_mib(i)])

    def fault(self, scenario: str, url: str, break_it, mend_it, *, settle: float = 0.0) -> None:
        """Figures before, during (broken for the whole phase) and after (mended) one fault."""
        seconds = self.args.fault_seconds
        self.record(scenario, "before", self.wrk(url, seconds).start().wait())
        load = self.wrk(url, 600).start()
        try:
            time.sleep(1)
            break_it()
            time.sleep(seconds)
            during = load.finish()
        finally:
            load.stop()
        self.record(scenario, "during", during)
        mend_it()
        time.sleep(settle)
        self.record(scenario, "after", self.wrk(url, seconds).start().wait())


def format_row(row: dict) -> str:
    extra = ""
    if row.get("worker_rss_mib"):
        extra += f"  RSS/worker MiB {', '.join(str(m) for m in row['worker_rss_mib'])}"
    bad = {s: n for s, n in row["statuses"].items() if not 200 <= int(s) < 300}
    if bad or row["socket_errors"]:
        extra += f"  non-2xx {bad} socket {row['socket_errors']}"
    return (f"{row['scenario']:<30} {row['phase']:<7} {row['checks_per_second']:>8.0f} {row['p50_ms']:>8.1f} "
            f"{row['p99_ms']:>8.1f} {row['errors']:>7}  load {row['load_average']}{extra}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10, help="length of each steady measurement (default 10)")
    parser.add_argument("--fault-seconds", type=float, default=5,
                        help="length of each phase before, during and after a fault (default 5)")
    parser.add_argument("--connections", type=int, default=16, help="wrk's connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads (default 2)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON, not a table")
    parser.add_argument("--keep", action="store_true", help="keep the logs (their folder is printed)")
    args = parser.parse_args()
    missing = missing_programs()
    if missing:
        sys.exit(f"bench/fleet.py needs Debian's {', '.join(missing)}: sudo apt-get install -y {' '.join(missing)}")
    warnings.filterwarnings("ignore", message="Unverified HTTPS request")  # nginx's self-signed certificate

    work = Path(tempfile.mkdtemp(prefix="postcheck-bench-fleet-"))
    bench = Bench(args)
    if not args.json:
        print(f"postcheck fleet on {os.cpu_count()} cores, wrk {args.threads} threads x {args.connections} "
              f"connections, POST /api/v1/check; load average at start {load_average()}")
        print(f"{'scenario':<30} {'phase':<7} {'checks/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    postgres = PostgresServer(work / "postgres")
    redis = RedisServer(work)
    try:
        postgres.start()
        redis.start()
        settings = dict(database_url=postgres.url, RATELIMIT_STORAGE_URL=redis.url, CHECK_RATE_LIMIT=UNLIMITED,
                        LOG_LEVEL="WARNING")
        (work / "one").mkdir()
        (work / "three").mkdir()
        with Topology(work / "one", instances=1, **settings) as one:
            wait_until_compiled(one.instances)
            bench.measure("1 server, direct", one.instances[0].url, one.instances)
            bench.measure("1 server behind nginx", one.url, one.instances)
        with Topology(work / "three", instances=3, **settings) as three:
            wait_until_compiled(three.instances)
            bench.measure("3 servers behind nginx", three.url, three.instances)

            def killed_server_back():
                three.restart(1)
                wait_until_compiled(three.instances[1:2])

            # nginx leaves a failed server out for its fail_timeout (10 s) before trying it again.
            bench.fault("3 servers, one killed", three.url, lambda: three.kill(1), killed_server_back, settle=10)
            bench.fault("3 servers, Redis stopped", three.url, redis.stop, redis.start)
            bench.fault("3 servers, PostgreSQL stopped", three.url, postgres.stop, postgres.start)
            check_after = unverified_session().post(f"{three.url}/api/v1/check", json={"text": DRAFT}, timeout=30)
            assert check_after.status_code == 200, check_after.text
    finally:
        redis.stop()
        postgres.close()
        if args.keep:
            print(f"logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps({"cores": os.cpu_count(), "threads": args.threads, "connections": args.connections,
                          "rows": bench.rows}, indent=2))
    failed = [row for row in bench.rows if row["errors"]]
    if failed and not args.json:
        print(f"{len(failed)} measurement(s) with errors: see the non-2xx and socket columns above")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
