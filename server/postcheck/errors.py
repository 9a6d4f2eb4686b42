"""Every error answers JSON with a human-readable message: never an HTML page, never a stack trace."""
from __future__ import annotations

import logging
import traceback

from flask import jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


def _describe(messages, prefix="") -> list[str]:
    """webargs' nested error messages as `field: problem` lines."""
    if isinstance(messages, dict):
        lines = []
        for key, value in messages.items():
            name = key if key not in ("json", "form", "query", "headers", "files") else ""
            lines += _describe(value, f"{prefix}.{name}" if prefix and name else (name or prefix))
        return lines
    if isinstance(messages, list):
        texts = [m for m in messages if isinstance(m, str)]
        lines = [f"{prefix}: {' '.join(texts)}" if prefix else " ".join(texts)] if texts else []
        for m in messages:
            if not isinstance(m, str):
                lines += _describe(m, prefix)
        return lines
    return [f"{prefix}: {messages}"]


describe_messages = _describe  # the roster CSV import names each row's problems the same way


def handle_http_exception(exc: HTTPException):
    body = {"code": exc.code, "status": exc.name}
    details = getattr(exc, "data", {}) or {}
    messages = details.get("messages")
    if messages:
        body["errors"] = messages
        body["message"] = "; ".join(_describe(messages)) or exc.description
    else:
        body["message"] = exc.description or exc.name
    response = jsonify(body)
    response.status_code = exc.code or 500
    for name, value in (getattr(exc, "get_headers", lambda: [])() or []):
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    return response


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    # Where it failed, but not the exception's message: that could quote the draft.
    frames = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}"
                         for f in reversed(traceback.extract_tb(exc.__traceback__)))
    log.error("unhandled %s while answering a request at %s", type(exc).__name__, frames)
    return handle_http_exception(InternalServerError(description="Something went wrong on the server; it has been logged."))


def register(app) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
