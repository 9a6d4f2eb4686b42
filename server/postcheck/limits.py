"""Rate limits per client (flask-limiter). Storage is per process by default; several server processes
share limits through POSTCHECK_RATELIMIT_STORAGE_URL (e.g. redis://...)."""
from __future__ import annotations

import logging
import time

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import MemoryStorage

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)
log = logging.getLogger(__name__)


class SweptMemoryStorage(MemoryStorage):
    """limits' counters in this process ("memory://"), with expired counters swept by the requests
    themselves at most once a second.

    limits' own MemoryStorage sweeps on a `threading.Timer` of 10 ms and starts a new thread whenever the
    last one has run out: under steady traffic, every other check. On a busy 2-core server that thread's
    start (and the wait for it to be scheduled) cost 7% of throughput (bench/http_load.py, 25 November
    2026). A fixed-window counter is dropped when read after it expires (MemoryStorage.get), so counts
    stay exact without the timer; the sweep only frees the counters of clients not seen again."""

    STORAGE_SCHEME = ["postcheck-memory"]
    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._next_sweep = 0.0

    # MemoryStorage calls this private method before every change to a counter; overriding it here is
    # what replaces the timer (tests/hardening/test_limits.py notices if limits renames it).
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_SECONDS
            self._MemoryStorage__expire_events()


def storage_uri(setting: str) -> str:
    """The storage flask-limiter is given for POSTCHECK_RATELIMIT_STORAGE_URL: a shared store as set, and
    "memory://" as this process's SweptMemoryStorage."""
    scheme, _, rest = setting.partition("://")
    return f"{SweptMemoryStorage.STORAGE_SCHEME[0]}://{rest}" if scheme == "memory" else setting


def check_limit():
    """One shared budget for both check APIs (the extension and LanguageTool clients), so a client
    cannot double its rate by switching protocol."""
    from postcheck.services import services
    return limiter.shared_limit(lambda: services().settings["CHECK_RATE_LIMIT"], scope="check")


def keep_limits_when_the_shared_store_is_down(app) -> None:
    """With a shared store (POSTCHECK_RATELIMIT_STORAGE_URL=redis://...), a store that stops answering
    must not stop the checks: flask-limiter then counts in this process's memory, with the same limits
    (not unlimited, never a 500), and goes back to the store when it answers again (it tries after 1, 2,
    4... seconds). This says so once each way, in the log and in the metrics; never the URL, which can
    hold a password."""
    from postcheck.metrics import RATE_LIMIT_FALLBACKS, RATE_LIMIT_SHARED

    app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
    RATE_LIMIT_SHARED.set(1)
    state = {"shared": True}

    @app.after_request
    def _note_the_store(response):
        # flask-limiter keeps the store's state in `_storage_dead` (tests/fleet/test_redis_limits.py
        # notices if it is renamed: the metric would then never move).
        shared = not limiter._storage_dead
        if shared != state["shared"]:
            state["shared"] = shared
            RATE_LIMIT_SHARED.set(1 if shared else 0)
            if shared:
                log.info("rate limits: the shared store answers again; limits are shared again")
            else:
                RATE_LIMIT_FALLBACKS.inc()
                log.warning("rate limits: the shared store does not answer; this process counts its own "
                            "clients until it does")
        return response
