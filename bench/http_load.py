#!/usr/bin/env python3
"""HTTP load on the production server (issue 8's second benchmark), over loopback only.

Starts `postcheck serve --production` (gunicorn with the checked-in config) on a free loopback port
with a throwaway SQLite database, then drives `POST /api/v1/check` with wrk (Debian's `wrk`): 280-character
posts from the labelled corpus, 16 connections. Prints throughput, latency percentiles and errors, and
the workers' memory after about 10,000 and after about 100,000 checks.

    .venv/bin/python bench/http_load.py                        # 60 s flat out, then 60 s paced at 1,000/s
    .venv/bin/python bench/http_load.py --soak --seconds 1800 --rate 500   # the soak: 30 minutes, minute by minute
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
THREADS = 2  # wrk's threads: one per core leaves the server the rest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Paces each wrk thread to a fixed rate (wrk2's model, with LuaJIT's clock): the latency of 1,000 checks
# a second is then measured at 1,000 a second, not at whatever rate the server saturates at.
_PACING = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct {{ long tv_sec; long tv_nsec; }} pc_timespec;
int clock_gettime(int clk_id, pc_timespec *tp);
]]
local clock = ffi.new("pc_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end
local interval = {interval_ms}
local next_slot = nil
delay = function()
  local now = now_ms()
  if next_slot == nil then next_slot = now end
  local slot = next_slot
  next_slot = next_slot + interval
  if slot > now then return slot - now end
  return 0  -- behind schedule: send at once, and the achieved rate shows the shortfall
end
"""


def lua_script(bodies: list[str], rate: float | None = None, threads: int = 2) -> str:
    escaped = ",\n".join(json.dumps(b) for b in bodies)
    pacing = _PACING.format(interval_ms=1000.0 * threads / rate) if rate else ""
    return pacing + f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {{
{escaped}
}}
local i = 0
request = function()
  i = (i % #bodies) + 1
  return wrk.format(nil, "/api/v1/check", nil, bodies[i])
end

-- Every answer's status, counted per wrk thread and printed at the end: an error is then named, not
-- only counted.
local threads = {{}}
setup = function(thread)
  table.insert(threads, thread)
end
statuses = {{}}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  local total = {{}}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("status %d: %d\\n", status, n))
  end
end
"""


def worker_rss_mib(master_pid: int) -> float:
    """Resident memory of the master's children (the gunicorn workers), in MiB."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", status, re.M):
            rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
            total += int(rss.group(1)) if rss else 0
    return total / 1024


def run_wrk(url: str, script: Path, seconds: int, connections: int) -> dict:
    out = subprocess.run(["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    def ms(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    statuses = {int(code): int(n) for code, n in re.findall(r"^status (\d+): (\d+)$", out, re.M)}
    return {"requests": requests, "statuses": statuses, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": ms("50"), "p90_ms": ms("90"), "p99_ms": ms("99"),
            "non_2xx": int(errors.group(1)) if errors else 0, "socket_errors": socket_errors.group(1) if socket_errors else "none"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=60, help="length of each measured run (default 60)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--rate", type=float, default=1000, help="checks a second for the paced run (default 1000)")
    ap.add_argument("--soak", action="store_true",
                    help="one paced run of --seconds at --rate, reported minute by minute (memory, statuses)")
    ap.add_argument("--workers", type=int, help="gunicorn workers (default: the server's own default)")
    ap.add_argument("--keep", action="store_true", help="keep the server's log and database (their folder is printed)")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    rng = random.Random(20261124)
    texts = [json.loads(line)["text"] for line in (ROOT / "policy_rules/corpus/posts.jsonl").read_text().splitlines() if line.strip()]
    bodies = []
    for _ in range(200):
        parts = []
        while sum(len(p) + 1 for p in parts) < 280:
            parts.append(rng.choice(texts))
        bodies.append(json.dumps({"text": " ".join(parts)[:280], "platform": "twitter",
                                  "at": "2026-09-15T12:00:00+01:00"}))

    work = Path(tempfile.mkdtemp(prefix="postcheck-load-"))
    flat_out, paced = work / "check.lua", work / "paced.lua"
    flat_out.write_text(lua_script(bodies))
    paced.write_text(lua_script(bodies, rate=args.rate, threads=THREADS))
    port = free_port()
    env = {**os.environ, "POSTCHECK_BIND": f"127.0.0.1:{port}", "POSTCHECK_DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
           "POSTCHECK_SECRET_KEY": "bench-" + "x" * 40, "POSTCHECK_CHECK_RATE_LIMIT": "100000000 per minute",
           "POSTCHECK_LOG_LEVEL": "WARNING"}
    if args.workers:
        env["POSTCHECK_WORKERS"] = str(args.workers)
    server = subprocess.Popen([str(BIN / "postcheck"), "serve", "--production"], env=env, cwd=work,
                              stdout=open(work / "server.log", "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    runs = []

    def run(script, seconds):
        result = run_wrk(url, script, seconds, args.connections)
        runs.append(result)
        return result

    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/readyz", timeout=1)
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    sys.exit("the server did not start: " + (work / "server.log").read_text()[-2000:])
                time.sleep(0.3)
        # Each worker compiles its pattern gate in the background after start-up: measure it working
        # (twenty answers in a row saying so, from whichever workers answer).
        in_a_row = 0
        while in_a_row < 20 and time.time() < deadline + 60:
            with urllib.request.urlopen(url + "/healthz", timeout=5) as answer:
                in_a_row = in_a_row + 1 if json.load(answer).get("pattern_gate") != "compiling" else 0
            time.sleep(0.05 if in_a_row else 0.5)
        workers = env.get("POSTCHECK_WORKERS", "default")
        print(f"production server (gunicorn, workers: {workers}), {args.connections} connections, "
              f"280-character posts, loopback:")
        if args.soak:
            soak(run, paced, args, server.pid)
        else:
            warm = run(paced, 10)  # about 10,000 checks
            rss_early = worker_rss_mib(server.pid)
            flat = run(flat_out, args.seconds)
            print(f"  as fast as it goes, {args.seconds} s: {flat['rps']:.0f} checks/s; latency p50 {flat['p50_ms']:.1f} ms, "
                  f"p90 {flat['p90_ms']:.1f} ms, p99 {flat['p99_ms']:.1f} ms")
            steady = run(paced, args.seconds)
            print(f"  paced at {args.rate:.0f} checks/s, {args.seconds} s: achieved {steady['rps']:.0f} checks/s; latency "
                  f"p50 {steady['p50_ms']:.1f} ms, p90 {steady['p90_ms']:.1f} ms, p99 {steady['p99_ms']:.1f} ms")
            total = sum(r["requests"] for r in runs)
            while total < 100_000:  # memory is compared after 100,000 checks
                total += run(flat_out, 15)["requests"]
            rss_late = worker_rss_mib(server.pid)
            growth = (rss_late - rss_early) / rss_early * 100 if rss_early else 0.0
            print(f"  workers' memory after {warm['requests']:,} checks {rss_early:.1f} MiB; after {total:,} checks "
                  f"{rss_late:.1f} MiB ({growth:+.1f}%)")
        statuses: dict[int, int] = {}
        for result in runs:
            for code, n in result["statuses"].items():
                statuses[code] = statuses.get(code, 0) + n
        errors = sum(n for code, n in statuses.items() if not 200 <= code < 300)
        socket_errors = [r["socket_errors"] for r in runs if r["socket_errors"] != "none"]
        print(f"  answers over all runs: {dict(sorted(statuses.items()))}; errors {errors}; "
              f"socket errors {'; '.join(socket_errors) or 'none'}")
        if errors or socket_errors:
            print("  server log, last lines:\n" + "\n".join((work / "server.log").read_text().splitlines()[-20:]))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if args.keep:
            print(f"  server log and database kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def soak(run, paced: Path, args, master_pid: int) -> None:
    """A paced run reported minute by minute: throughput, p99 and the workers' memory, which must not grow."""
    minutes = max(1, args.seconds // 60)
    first_rss = None
    print(f"  soak: {minutes} minutes paced at {args.rate:.0f} checks/s")
    for minute in range(1, minutes + 1):
        result = run(paced, 60)
        rss = worker_rss_mib(master_pid)
        first_rss = first_rss or rss
        bad = sum(n for code, n in result["statuses"].items() if not 200 <= code < 300)
        print(f"  minute {minute:>3}: {result['rps']:.0f} checks/s, p99 {result['p99_ms']:.1f} ms, errors {bad}, "
              f"socket errors {result['socket_errors']}, workers' memory {rss:.1f} MiB "
              f"({(rss - first_rss) / first_rss * 100:+.1f}% since minute 1)", flush=True)


if __name__ == "__main__":
    main()
