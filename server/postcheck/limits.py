"""Rate limits per client (flask-limiter). Storage is per process by default; several server processes
share limits through POSTCHECK_RATELIMIT_STORAGE_URL (e.g. redis://...)."""
from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)


def check_limit():
    """One shared budget for both check APIs (the extension and LanguageTool clients), so a client
    cannot double its rate by switching protocol."""
    from postcheck.services import services
    return limiter.shared_limit(lambda: services().settings["CHECK_RATE_LIMIT"], scope="check")
