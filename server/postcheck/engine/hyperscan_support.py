"""Hyperscan where the platform has a wheel for it, and the per-thread scratch space its scans need.

Everything built on Hyperscan here is an accelerator with a pure-Python twin that gives the same
answers: without the wheel (`hyperscan` is then None), checks are only slower.
"""
from __future__ import annotations

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
