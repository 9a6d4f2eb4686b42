"""What running for real adds to the app: safe-settings checks, logs, metrics, the reverse proxy's
headers, and the self-hosted extension updates. `create_app` calls `init_app` once, last."""
from __future__ import annotations

import ipaddress
import logging
import os
import time

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from postcheck import logging_setup, metrics

access_log = logging.getLogger("postcheck.access")

_FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
              "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED")


class UnsafeSettings(ValueError):
    """Production mode is on and a setting would be unsafe there."""


def unsafe_settings(settings: dict, environ=None) -> list[str]:
    """Every reason not to start in production, in words IT can act on (empty when all is well)."""
    environ = os.environ if environ is None else environ
    problems = []
    if str(environ.get("FLASK_DEBUG", "")).strip().lower() in ("1", "true", "yes", "on") or settings.get("DEBUG"):
        problems.append("Flask debug mode is on (FLASK_DEBUG): it can run code sent by a browser. Unset FLASK_DEBUG.")
    if not settings.get("SECRET_KEY"):
        problems.append("POSTCHECK_SECRET_KEY is empty: set it to a long random value, e.g. "
                        "`python3 -c 'import secrets; print(secrets.token_hex(32))'`, the same on every server.")
    elif len(str(settings["SECRET_KEY"])) < 16:
        problems.append("POSTCHECK_SECRET_KEY is too short to be secret: use at least 32 random characters.")
    if "*" in (settings.get("CORS_ORIGINS") or []):
        problems.append("POSTCHECK_CORS_ORIGINS contains '*': list the extension's origins "
                        "(chrome-extension://<id>) instead.")
    if settings.get("EXTENSION_DIR") and not settings.get("PUBLIC_URL"):
        problems.append("POSTCHECK_EXTENSION_DIR is set but POSTCHECK_PUBLIC_URL is empty: the extension's update "
                        "links would be built from each request's Host header, which any client chooses. Set "
                        "POSTCHECK_PUBLIC_URL to the address browsers use (https://postcheck.example.gov.uk).")
    if settings.get("TESTING"):
        problems.append("TESTING is on: it keeps the database in memory and stops rule and calendar reloading.")
    return problems


def check_production(settings: dict, environ=None) -> None:
    if not settings.get("PRODUCTION"):
        return
    problems = unsafe_settings(settings, environ)
    if problems:
        raise UnsafeSettings("postcheck will not start in production mode (POSTCHECK_PRODUCTION) because:\n  - "
                             + "\n  - ".join(problems))


class TrustedProxies:
    """X-Forwarded-* are believed only from the configured proxies: from anyone else they are dropped
    before ProxyFix reads them, so a client cannot claim another address or HTTPS."""

    def __init__(self, app, hops: int, proxies: list[str]):
        self.networks = [ipaddress.ip_network(p, strict=False) for p in proxies]
        self.app = ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops) if hops else app
        self.hops = hops

    def _trusted(self, peer: str) -> bool:
        if not self.hops:
            return False
        if not self.networks:
            return True
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:  # a unix socket: only a local proxy can reach it
            return True
        return any(address in network for network in self.networks)

    def __call__(self, environ, start_response):
        if not self._trusted(environ.get("REMOTE_ADDR", "")):
            for key in _FORWARDED:
                environ.pop(key, None)
        return self.app(environ, start_response)


def init_app(app: Flask, settings: dict) -> None:
    check_production(settings)
    logging_setup.configure(settings["LOG_LEVEL"], settings["LOG_FORMAT"])
    try:
        app.wsgi_app = TrustedProxies(app.wsgi_app, settings["TRUSTED_PROXY_HOPS"], settings["TRUSTED_PROXIES"])
    except ValueError as exc:
        raise ValueError(f"setting POSTCHECK_TRUSTED_PROXIES is not valid: {exc}") from None
    metrics.init_app(app, settings)

    from postcheck.api import updates
    app.register_blueprint(updates.bp)

    if settings["ACCESS_LOG"]:
        @app.after_request
        def _log_request(response):
            # The path only: a query string can carry a draft (/v2/check?text=...) or a token.
            started = g.get("started")
            fields = {"method": request.method, "path": request.path, "status": response.status_code,
                      "remote": request.remote_addr}
            if started is not None:
                fields["ms"] = round((time.perf_counter() - started) * 1000, 1)
            access_log.info("request", extra={"fields": fields})
            return response
