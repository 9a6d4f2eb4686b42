"""Rate limits per client (flask-limiter). Storage is per process by default; several server processes
share limits through POSTCHECK_RATELIMIT_STORAGE_URL (e.g. redis://...)."""
from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)
