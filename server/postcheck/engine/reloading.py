"""Keeps the current RuleSet and swaps it whole when the rule files change.

A check only ever reads `current`, an immutable object, so it never waits on a file. A background
thread (one per server process) looks at the files' sizes and modification times every few seconds;
a broken edit keeps the last good rules running and is reported in `last_error`.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable, Mapping

from postcheck.engine.loader import RulePackError, load_rule_pack, rule_files
from postcheck.engine.ruleset import RuleSet
from postcheck.polling import Poller

log = logging.getLogger(__name__)


class RuleSource:
    def __init__(self, directory: str | Path, roster_lexicons: Callable[[], Mapping[str, list[str]] | None] = lambda: None):
        self.directory = Path(directory)
        self._roster_lexicons = roster_lexicons
        self._lock = threading.Lock()
        self._stamp = self._file_stamp()
        self.current: RuleSet = load_rule_pack(self.directory, roster_lexicons())  # a bad pack fails start-up
        self.last_error: list[str] | None = None
        self.loaded_at = time.time()
        self._poller = Poller("postcheck-rule-watcher", self.reload)

    def _file_stamp(self) -> tuple:
        stamp = []
        for path in rule_files(self.directory):
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            stamp.append((str(path), st.st_mtime_ns, st.st_size))
        for sub in ("lexicons", "rules", "model"):  # a deleted or added file changes the listing
            stamp.append((sub, tuple(sorted(p.name for p in (self.directory / sub).glob("*")))))
        return tuple(stamp)

    def reload(self, force: bool = False) -> bool:
        """Reloads if the files (or `force`) say so; returns True when a new RuleSet is in place."""
        with self._lock:
            stamp = self._file_stamp()
            if stamp == self._stamp and not force:
                return False
            self._stamp = stamp
            try:
                fresh = load_rule_pack(self.directory, self._roster_lexicons())
            except RulePackError as exc:
                self.last_error = exc.problems
                for problem in exc.problems:
                    log.error("rules not reloaded, keeping the last good rules: %s", problem)
                return False
            except OSError as exc:
                self.last_error = [f"could not read the rules: {exc.strerror}"]
                log.error("rules not reloaded: %s", exc.strerror)
                return False
            self.current = fresh
            self.last_error = None
            self.loaded_at = time.time()
            log.info("rules reloaded: version %s, %d rules", fresh.version, len(fresh.rules))
            return True

    @property
    def reload_failed_in(self) -> list[str] | None:
        """Where the last reload failed, for public pages (/healthz, GET /api/v1/rules): the files only.
        The full problems can quote a rule's pattern or a line of a file, so they go only to the server
        log and to the signed-in Rules page."""
        if self.last_error is None:
            return None
        places = dict.fromkeys(problem.split(": ", 1)[0] for problem in self.last_error)
        return [f"{place}: not reloaded; the last good rules are in force (the server log and the Rules "
                f"page say why)" for place in places]

    def watch(self, interval: float) -> None:
        """Polls every `interval` seconds on a background thread (idempotent); one per server process."""
        self._poller.start(interval)

    def stop(self) -> None:
        self._poller.stop()
