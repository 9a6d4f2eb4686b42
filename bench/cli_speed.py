"""Wall time of the `postcheck` command (issue 18: the command line is slow).

    .venv/bin/python bench/cli_speed.py [--bin PATH] [--runs 5]

Runs `--help`, `check`, `tokens create` and `rules test`, one warm-up then --runs times each, against a
throwaway SQLite database in a temporary folder, and prints the median and max wall time per command
beside its target. Exits 1 when a median misses its target. To time another checkout, give its
`postcheck` (--bin) or run this with PYTHONPATH at that checkout's server/ folder.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = [  # (label, arguments, target in seconds)
    ("--help", ["--help"], 0.5),
    ("check", ["check", "Tottenham needs napalm"], 2.0),
    ("tokens create", ["tokens", "create", "--role", "comms", "--name", "Bench"], 2.0),
    ("rules test", ["rules", "test"], 3.0),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=None, help="the postcheck to time (default: beside this Python)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    # Through `python -c`, so PYTHONPATH decides which checkout runs; the console script does the same.
    command = [args.bin] if args.bin else [sys.executable, "-c", "import sys; from postcheck.cli import main; "
                                                                  "sys.argv[0] = 'postcheck'; main()"]
    missed = False
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "POSTCHECK_DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"}
        print(f"{'command':<15}{'median':>9}{'max':>9}{'target':>9}")
        for label, argv, target in COMMANDS:
            times = []
            for run in range(args.runs + 1):
                started = time.perf_counter()
                done = subprocess.run(command + argv, env=env, capture_output=True, text=True, timeout=300)
                elapsed = time.perf_counter() - started
                if done.returncode != 0:
                    print(f"{label}: exit {done.returncode}\n{done.stderr[-2000:]}", file=sys.stderr)
                    return 2
                if run:  # the first run warms the disk cache and creates the database
                    times.append(elapsed)
            median = statistics.median(times)
            missed |= median > target
            print(f"{label:<15}{median:>8.2f}s{max(times):>8.2f}s{target:>8.1f}s{'' if median <= target else '  MISSED'}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
