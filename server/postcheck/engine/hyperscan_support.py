"""Hyperscan where the platform has a wheel for it, and the per-thread scratch space its scans need.

Everything built on Hyperscan here is an accelerator with a pure-Python twin that gives the same
answers: without the wheel (`hyperscan` is then None), checks are only slower.
"""
from __future__ import annotations

import collections
import ctypes
import ctypes.util
import functools
import threading

try:  # wheels exist for x86-64 (Linux, macOS, Windows) and Apple silicon; elsewhere checks run without it
    import hyperscan
except ImportError:  # pragma: no cover - depends on the platform
    hyperscan = None


class ThreadScratch:
    """Scratch space for scanning one database: Hyperscan needs one per scan running at a time, so
    each thread keeps its own, made on its first scan."""

    def __init__(self, database):
        self.database = database
        self._local = threading.local()

    def get(self):
        space = getattr(self._local, "space", None)
        if space is None:
            space = self._local.space = hyperscan.Scratch(self.database)
        return space


class CompiledCache:
    """The databases of the last few rule packs loaded, by what they were compiled from: a pack loaded
    again (a reload that changed only word lists, a test) costs no compile. Threads share it."""

    def __init__(self, size: int = 4):
        self._size = size
        self._entries: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            if key not in self._entries:
                return default
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key, value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc: nothing to trim, or no way to
        return None


def release_compile_memory() -> None:
    """Hands back to the system what Hyperscan's compiler allocated and freed. glibc keeps freed memory
    for reuse, and compiling a rule pack's databases left about 80 MiB in every worker for its whole
    life (the databases themselves are about 4 MiB). Does nothing without glibc's malloc_trim."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
