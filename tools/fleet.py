#!/usr/bin/env python3
"""Several postcheck servers as one service, on this machine, to try and to look at: a throwaway
PostgreSQL and Redis, three `postcheck serve --production` instances (one worker each) on them, and
nginx in front with deploy/nginx.conf.example, all on free loopback ports. The same harness the tests
use (tests/fleet/topology.py), so what you try here is what `make test` proves.

    make fleet                                       # or: .venv/bin/python tools/fleet.py
    .venv/bin/python tools/fleet.py --instances 2    # any number of instances

It prints nginx's address, each instance's own address (its /metrics counts only itself) and an admin
token, then waits; Ctrl-C stops everything and deletes the databases. nginx's certificate is made for
the run and self-signed: `curl -k`, or accept it once in the browser. Needs Debian's `postgresql`,
`redis-server` and `nginx` programs (no service need run); run it as root or as a user who can run
PostgreSQL's initdb."""
from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the harness lives with the tests it serves

import pytest  # noqa: E402  (the harness says "skip" when a program is missing: here that is an error)
import urllib3  # noqa: E402


from tests.fleet.postgres_server import PostgresServer  # noqa: E402
from tests.fleet.redis_server import RedisServer  # noqa: E402
from tests.fleet.topology import Topology, create_token  # noqa: E402


_began = time.monotonic()


def said(what: str) -> None:
    """Progress while stopping: a server still compiling its rules takes seconds to stop."""
    print(f"{what} ({time.monotonic() - _began:.1f} s)", flush=True)


def start(stack: ExitStack, folder: Path, instances: int) -> Topology:
    stack.callback(said, "PostgreSQL stopped")  # said after it has stopped (the stack unwinds in reverse)
    postgres = stack.enter_context(PostgresServer(folder / "postgres"))
    print(f"PostgreSQL   127.0.0.1:{postgres.port}", flush=True)
    redis = RedisServer(folder).start()
    stack.callback(said, "Redis stopped")
    stack.callback(redis.stop)
    print(f"Redis        127.0.0.1:{redis.port}", flush=True)
    # The settings docs/deploying.md says every instance must share, and the proxy trust its example uses.
    stack.callback(said, "nginx and the servers stopped")
    topology = stack.enter_context(Topology(folder, instances, database_url=postgres.url,
                                            RATELIMIT_STORAGE_URL=redis.url, TRUSTED_PROXY_HOPS=1,
                                            TRUSTED_PROXIES="127.0.0.1"))
    return topology


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=int, default=3, help="how many postcheck servers (default 3)")
    args = parser.parse_args(argv)
    if not 1 <= args.instances <= 16:
        parser.error("--instances must be between 1 and 16")
    # The harness asks nginx for /readyz over its self-signed certificate, unverified on purpose.
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    folder = Path(tempfile.mkdtemp(prefix="postcheck-fleet-"))
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        try:
            print(f"Starting PostgreSQL, Redis, {args.instances} servers and nginx (files in {folder})...",
                  flush=True)
            topology = start(stack, folder, args.instances)
        except pytest.skip.Exception as missing:  # a program is not installed: the message says which
            print(f"Error: {missing}", file=sys.stderr)
            return 2
        except AssertionError as failed:  # something did not start: its own log is in the message
            print(f"Error: {failed}", file=sys.stderr)
            return 1
        for i, instance in enumerate(topology.instances):
            print(f"instance {i}   {instance.url}   (log {instance.log})")
        print(f"nginx        {topology.url}   (self-signed certificate; log {topology.nginx_log})")
        token = create_token(topology.instances[0], role="admin", name="tools/fleet.py")
        print(f"admin token  {token['Authorization'].removeprefix('Bearer ')}")
        print(f"\ntry: curl -k -H 'Content-Type: application/json' -d '{{\"text\": \"hello\"}}' "
              f"{topology.url}/api/v1/check\ncomms pages: {topology.url}/admin (sign in with the token)\n"
              "Ctrl-C stops everything.", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
        global _began
        _began = time.monotonic()
        print("Stopping nginx, the servers, Redis and PostgreSQL...", flush=True)  # on leaving the block
    return 0


if __name__ == "__main__":
    # SIGTERM (systemd, kill) stops everything as Ctrl-C does, rather than leaving the servers behind; and
    # Ctrl-C always does, even when whatever started this script had told its children to ignore SIGINT
    # (an ignored signal stays ignored across exec, and Python then installs no handler of its own).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.exit(main())
