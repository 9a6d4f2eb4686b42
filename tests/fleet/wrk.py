"""wrk (Debian's `wrk`) driving checks in the background, for the fleet tests and bench/fleet.py: every
answer's status counted (in wrk's Lua, per wrk thread, added up at the end), socket errors by kind, and
latency percentiles, so that a test under load can say exactly what failed and how fast it went.

    load = Load(topology.url, seconds=6, connections=8).start()   # nginx's HTTPS URL (not verified)
    ...                                                            # a fault, while wrk runs
    result = load.wait()
    assert result.errors == 0, str(result)

    result = run_wrk(url, 3, path="/v2/check", form=True)          # start + wait

A Load is also a context manager: leaving the block stops a wrk still running (a test that failed)."""
from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from tests.fleet.programs import missing

UNSKIP = "To run it: install Debian's wrk (sudo apt-get install wrk)"

# About 200 characters of a draft no rule objects to: every answer should be a 200.
DRAFT = ("Thank you to everyone who came to the Wood Green market this morning. The stalls are back next "
         "Saturday from nine until two, with fresh bread, local honey and a new stand for children's books.")
LANGUAGE = "en-GB"

# Checks a second at a council of 4,000 staff's busiest: the fleet tests' load, split between the two
# check APIs (PEAK_JSON + PEAK_FORM). Correctness under a real council's load, not the most a 2-core
# machine can answer (bench/fleet.py measures that), and it leaves the CPU to the rest of the suite.
COUNCIL_PEAK = 200
PEAK_JSON, PEAK_FORM = 150, 50

# Each wrk thread runs its own Lua state: `response` counts into that thread's globals, `done` (in the
# main state, after the threads end) reads each thread's counts through the handles `setup` kept, and
# prints one line per figure for Load to read. Latency figures are in microseconds.
_SCRIPT = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = {content_type}
{connection}
{pacing}

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
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("postcheck-status %d %d\\n", status, n))
  end
  io.write(string.format("postcheck-requests %d\\n", summary.requests))
  io.write(string.format("postcheck-duration-us %d\\n", summary.duration))
  for _, kind in ipairs({{"connect", "read", "write", "timeout"}}) do
    io.write(string.format("postcheck-socket %s %d\\n", kind, summary.errors[kind]))
  end
  if summary.requests > 0 then
    io.write(string.format("postcheck-p50-us %d\\n", latency:percentile(50)))
    io.write(string.format("postcheck-p99-us %d\\n", latency:percentile(99)))
  end
end
"""


def wrk_or_skip() -> str:
    """The wrk program: skips the test without one, and fails it under CI."""
    found = shutil.which("wrk")
    if not found:
        missing("wrk is not installed", UNSKIP)
    return found


def _lua_string(text: str) -> str:
    # A Lua long string cannot hold its own closing bracket; neither body here has one.
    assert "]==]" not in text
    return f"[==[{text}]==]"


def request_body(form: bool) -> tuple[str, str]:
    """(body, content type): the extension's JSON, or LanguageTool's form for /v2/check."""
    if form:
        return urllib.parse.urlencode({"text": DRAFT, "language": LANGUAGE}), "application/x-www-form-urlencoded"
    return json.dumps({"text": DRAFT}), "application/json"


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict[int, int] = field(default_factory=dict)
    socket_errors: dict[str, int] = field(default_factory=dict)  # connect, read, write, timeout
    label: str = ""

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def non_2xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    @property
    def errors(self) -> int:
        """Answers other than 2xx, and requests that got no answer (socket errors, timeouts)."""
        return self.non_2xx + sum(self.socket_errors.values())

    def __str__(self) -> str:
        sockets = ", ".join(f"{kind} {n}" for kind, n in self.socket_errors.items() if n) or "none"
        label = f"{self.label}: " if self.label else ""
        return (f"{label}{self.requests} requests in {self.seconds:.1f} s ({self.per_second:.0f}/s), "
                f"p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, statuses {dict(sorted(self.statuses.items()))}, "
                f"socket errors {sockets}, errors {self.errors}")


def parse_output(output: str, label: str = "") -> LoadResult:
    """The figures _SCRIPT's done() printed, from wrk's whole output."""
    def figure(name: str) -> int | None:
        found = re.search(rf"^postcheck-{name} (\d+)$", output, re.MULTILINE)
        return int(found.group(1)) if found else None

    requests = figure("requests")
    if requests is None:
        raise AssertionError(f"wrk printed no figures (did it start?):\n{output[-2000:]}")
    return LoadResult(
        requests=requests, seconds=(figure("duration-us") or 0) / 1e6,
        p50_ms=(figure("p50-us") or 0) / 1000, p99_ms=(figure("p99-us") or 0) / 1000,
        statuses={int(s): int(n) for s, n in re.findall(r"^postcheck-status (\d+) (\d+)$", output, re.MULTILINE)},
        socket_errors={k: int(n) for k, n in re.findall(r"^postcheck-socket (\w+) (\d+)$", output, re.MULTILINE)},
        label=label)


class Load:
    def __init__(self, url: str, *, seconds: float, connections: int = 8, threads: int = 1,
                 path: str = "/api/v1/check", form: bool = False, label: str = "", keepalive: bool = True,
                 rate: float | None = None):
        """`url`: nginx's HTTPS URL (wrk does not verify certificates) or a server's own http:// URL.
        `keepalive=False`: every request on a new connection (`Connection: close`), for a test that
        reloads nginx: a reloaded nginx's old workers close each kept connection after its answer, and
        wrk, which never retries, counts the request it had just sent on it as a read error although
        it never reached a server.
        `rate`: at most that many requests a second in all (each connection waits connections/rate
        seconds after each answer, wrk's `delay()`), a steady stream such as a council's peak, which
        leaves the CPU to the servers and the rest of the suite; None: as fast as the servers answer
        (the benchmark's throughput)."""
        self.program = wrk_or_skip()
        self.url = url.rstrip("/") + path
        self.seconds = seconds
        self.connections = max(connections, threads)  # wrk refuses fewer connections than threads
        self.threads = threads
        self.label = label or path
        body, content_type = request_body(form)
        connection = "" if keepalive else 'wrk.headers["Connection"] = "close"'
        if rate is not None and rate <= 0:
            raise ValueError("rate must be above 0 requests a second, or None for as fast as it goes")
        pacing = "" if rate is None else f"delay = function() return {self.connections * 1000 / rate:.3f} end"
        self.script_text = _SCRIPT.format(body=_lua_string(body), content_type=_lua_string(content_type),
                                          connection=connection, pacing=pacing)
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None

    def start(self) -> "Load":
        # Made here, removed by wait()/stop(): a Load never started leaves nothing behind.
        self.folder = Path(tempfile.mkdtemp(prefix="postcheck-wrk-"))
        script = self.folder / "count.lua"
        script.write_text(self.script_text)
        # wrk counts whole seconds; a fraction would be refused. Its output goes to files, not pipes: a
        # long run must never block on a full pipe while the test is busy elsewhere.
        self.stdout = (self.folder / "stdout").open("w+")
        self.process = subprocess.Popen(
            [self.program, f"-t{self.threads}", f"-c{self.connections}", f"-d{max(1, round(self.seconds))}s",
             "--timeout", "30s", "-s", str(script), self.url],
            stdout=self.stdout, stderr=subprocess.STDOUT)
        return self

    def wait(self) -> LoadResult:
        assert self.process is not None, "Load.wait() before start()"
        try:
            # wrk ends at its duration; its timeout (30 s) bounds a last request still waiting.
            returncode = self.process.wait(timeout=self.seconds + 60)
            self.stdout.seek(0)
            output = self.stdout.read()
        finally:
            self.stop()
        if returncode != 0:
            raise AssertionError(f"wrk exited with {returncode}:\n{output[-2000:]}")
        return parse_output(output, self.label)

    def finish(self) -> LoadResult:
        """Ends the load now (SIGINT: wrk stops its threads and still prints its figures), for a load
        started long enough to outlast whatever it accompanies."""
        assert self.process is not None, "Load.finish() before start()"
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.wait()

    def stop(self) -> None:
        """Ends a wrk still running (a test that failed before wait()), and removes the files."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process is not None and not self.stdout.closed:
            self.stdout.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Load":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def run_wrk(url: str, seconds: float, **kw) -> LoadResult:
    """A Load started and waited for."""
    return Load(url, seconds=seconds, **kw).start().wait()
