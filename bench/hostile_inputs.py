#!/usr/bin/env python3
"""Hostile drafts (issue 17, item 1): how long each takes, and whether its answer is complete.

In the engine (median of 5, with Hyperscan, the learned model and the production budgets: model 80 ms,
whole check 300 ms) and over HTTP to the production server (`postcheck serve --production`, gunicorn,
2 workers, a throwaway SQLite database, loopback; median and slowest of 5 posts of each, one at a time).
Targets: every input complete, in at most 100 ms in the engine and 250 ms over HTTP.

    .venv/bin/python bench/hostile_inputs.py            # both
    .venv/bin/python bench/hostile_inputs.py --engine   # the engine only

It imports postcheck from the `server/` folder beside it, so a copy of this script in an older checkout
(`git worktree add /tmp/old <commit>`) measures that code.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from postcheck.engine import Draft, load_rule_pack  # noqa: E402
from postcheck.engine.evaluate import evaluate  # noqa: E402

MODEL_BUDGET_S, CHECK_BUDGET_S = 0.080, 0.300  # the defaults (config.py), fixed so older code is measured alike

HOSTILE = {
    "a*100000": "a" * 100_000,
    "@*100000": "@" * 100_000,
    "'Cllr '*20000": "Cllr " * 20_000,
    "'f*ck '*20000": "f*ck " * 20_000,
    "emoji*50000": "😀" * 50_000,
    "'a.'*50000": "a." * 50_000,
    "distinct words": " ".join(f"w{i:x}q{i * 7919 % 100003:x}" for i in range(9000)),
    # Runs of digits, spaces and punctuation: the phone parser read each run whole.
    "'07700 '*16666": "07700 " * 16666,
    "'07700 900123 '*7692": "07700 900123 " * 7692,
    "'0 '*50000": "0 " * 50_000,
    "'0'*100000": "0" * 100_000,
    "'+44 '*25000": "+44 " * 25_000,
    "'0-0.(0) '*12500": "0-0.(0) " * 12_500,
    "'(0)20 '*16666": "(0)20 " * 16_666,
    "'1.'*50000": "1." * 50_000,
    "'943 476 5919 '*7692": "943 476 5919 " * 7692,
    "distinct numbers": " ".join(f"07{i * 7919 % 1000003:09d}" for i in range(8333)),
}


def _evaluate(ruleset, text):
    now = time.monotonic()
    if hasattr(evaluate, "__kwdefaults__") and "deadline" in (evaluate.__kwdefaults__ or {}):
        return evaluate(ruleset, Draft(text=text), model_deadline=now + MODEL_BUDGET_S, deadline=now + CHECK_BUDGET_S)
    return evaluate(ruleset, Draft(text=text), model_deadline=now + MODEL_BUDGET_S)  # code before the budget


def engine() -> None:
    ruleset = load_rule_pack(ROOT / "policy_rules")
    ruleset.gate.wait()  # the pattern gate compiles in the background; measure it working
    print("in the engine (median of 5; slowest):")
    for name, text in HOSTILE.items():
        samples, verdict = [], None
        for _ in range(5):
            started = time.perf_counter()
            verdict = _evaluate(ruleset, text)
            samples.append((time.perf_counter() - started) * 1000)
        left = ", ".join(verdict.not_checked) if verdict.not_checked else "complete"
        print(f"  {name:>22}: {statistics.median(samples):7.1f} ms ({max(samples):7.1f}); {left}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http() -> None:
    work = Path(tempfile.mkdtemp(prefix="postcheck-hostile-"))
    port = free_port()
    env = {**os.environ, "POSTCHECK_BIND": f"127.0.0.1:{port}", "POSTCHECK_DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
           "POSTCHECK_SECRET_KEY": "bench-" + "x" * 40, "POSTCHECK_CHECK_RATE_LIMIT": "100000000 per minute",
           "POSTCHECK_LOG_LEVEL": "WARNING", "POSTCHECK_WORKERS": "2", "PYTHONPATH": str(ROOT / "server")}
    server = subprocess.Popen([sys.executable, "-c", "from postcheck.cli import main; main()", "serve", "--production"],
                              env=env, cwd=work, stdout=open(work / "server.log", "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as answer:
                    if json.load(answer).get("pattern_gate") != "compiling":
                        break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    sys.exit("the server did not start: " + (work / "server.log").read_text()[-2000:])
            time.sleep(0.5)
        time.sleep(2)  # both workers' gates
        print("over HTTP, POST /api/v1/check, production server with 2 workers (median of 5; slowest):")
        for name, text in HOSTILE.items():
            body = json.dumps({"text": text}).encode()
            samples, answer = [], {}
            for _ in range(5):
                request = urllib.request.Request(url + "/api/v1/check", body, {"Content-Type": "application/json"})
                started = time.perf_counter()
                with urllib.request.urlopen(request, timeout=60) as response:
                    answer = json.load(response)
                samples.append((time.perf_counter() - started) * 1000)
            left = ", ".join(answer.get("not_checked", [])) if answer.get("incomplete") else "complete"
            print(f"  {name:>22}: {statistics.median(samples):7.1f} ms ({max(samples):7.1f}); {left}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engine", action="store_true", help="the engine only, no server")
    args = ap.parse_args()
    engine()
    if not args.engine:
        http()


if __name__ == "__main__":
    main()
