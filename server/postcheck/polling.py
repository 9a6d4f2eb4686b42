"""One background poller per job and per server process: rule files, the calendar, council channels.

Each is a daemon thread calling its job every few seconds. A job that raises is logged and tried
again at the next tick, so a passing fault (a database restart, a file half-written) never stops it.
Threads are started after any fork, by the app factory in each process.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

log = logging.getLogger(__name__)


class Poller:
    def __init__(self, name: str, job: Callable[[], object]):
        self.name = name
        self._job = job
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, interval: float) -> None:
        """Starts polling every `interval` seconds (idempotent; 0 or less means never)."""
        if self._thread is not None or interval <= 0:
            return

        def loop():
            while not self._stop.wait(interval):
                try:
                    self._job()
                except Exception:  # the poller must outlive any surprise; the next tick tries again
                    log.exception("%s failed; retrying at the next tick", self.name)

        self._thread = threading.Thread(target=loop, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
