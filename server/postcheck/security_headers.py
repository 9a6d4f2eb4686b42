"""Security headers on every response: no MIME sniffing, no framing, no referrer, and a Content
Security Policy. Defaults only: a response that already carries a header (the /admin pages set their
own CSP) keeps it."""
from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, current_app

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
    """Only this origin, the Swagger UI CDN, and the page's own inline scripts by hash (no
    'unsafe-inline'): the interactive docs work and an injected script does not."""
    cdn = current_app.config.get("OPENAPI_SWAGGER_UI_URL") or ""
    cdn_origin = "/".join(cdn.split("/")[:3]) if cdn.startswith("https://") else ""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(m).digest()).decode()}'"
                      for m in _INLINE_SCRIPT.findall(body))
    scripts = " ".join(p for p in ("'self'", cdn_origin, hashes) if p)
    styles = " ".join(p for p in ("'self'", cdn_origin) if p)
    return (f"default-src 'self'; script-src {scripts}; style-src {styles}; img-src 'self' data:; "
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
