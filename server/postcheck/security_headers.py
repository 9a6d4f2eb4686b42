"""Security headers on every response: no MIME sniffing, no framing, no referrer, and a Content
Security Policy. Defaults only: a response that already carries a header (the /admin pages set their
own CSP) keeps it."""
from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask

DEFAULTS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Page addresses can carry ids and query strings; nothing needs to learn them from us.
    "Referrer-Policy": "no-referrer",
}
# JSON, text and calendars never need to load anything.
DATA_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def _html_csp(body: bytes) -> str:
    """Only this origin and the page's own inline scripts by hash (no 'unsafe-inline'): the interactive
    docs run on Swagger UI's files served from here (api/swagger_ui.py), and a script from anywhere else,
    or injected into the page, does not. data: images are Swagger UI's icons, inside its stylesheet."""
    hashes = "".join(f" 'sha256-{base64.b64encode(hashlib.sha256(m).digest()).decode()}'"
                     for m in _INLINE_SCRIPT.findall(body))
    return (f"default-src 'self'; script-src 'self'{hashes}; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def init_app(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        for name, value in DEFAULTS.items():
            response.headers.setdefault(name, value)
        if "Content-Security-Policy" not in response.headers:
            html = response.mimetype == "text/html" and not response.is_streamed
            response.headers["Content-Security-Policy"] = _html_csp(response.get_data()) if html else DATA_CSP
        return response
