"""The server's logs: plain lines for a person at a terminal, or one JSON object per line for a log
collector (POSTCHECK_LOG_FORMAT=json). Either way an event carries the request id when there is one.

What never goes in a log: a draft's text, a request body, a query string, a header, a token. Events
are logged with fixed wording and a few named fields (`extra={"fields": {...}}`), and the JSON
formatter writes only the message, those fields and the standard ones.
"""
from __future__ import annotations

import datetime as dt
import json
import logging

from flask import g, has_request_context

from postcheck.log_text import escape

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s%(fields_text)s"


def _request_id() -> str | None:
    if has_request_context():
        return g.get("request_id")
    return None


class _ContextFilter(logging.Filter):
    """Adds the request id and a printable form of the event's fields to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        fields = dict(getattr(record, "fields", None) or {})
        request_id = _request_id()
        if request_id and "request_id" not in fields:
            fields["request_id"] = request_id
        # Values a request can influence (a path, a request id) are escaped: no value can break the
        # line and forge another event (log_text.py).
        record.fields = {k: escape(v) if isinstance(v, str) else v for k, v in fields.items()}
        record.fields_text = "".join(f" {k}={escape(v)}" for k, v in record.fields.items())
        return True


class PlainFormatter(logging.Formatter):
    """One line per event: the message escaped too, only a traceback may add lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape(record.message)
        return super().formatMessage(record)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = {"ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "event": escape(record.getMessage())}
        event.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            # The exception's type and place, not its message: messages can quote the data that failed.
            exc_type = record.exc_info[0]
            event["exception"] = exc_type.__name__ if exc_type else None
            event["traceback"] = self.formatException(record.exc_info)
        return json.dumps(event, default=str, ensure_ascii=False)


def configure(level: str, fmt: str) -> None:
    """(Re)configures the `postcheck` logger; called by every create_app, so the last settings win."""
    logger = logging.getLogger("postcheck")
    logger.setLevel(level.upper())
    logger.propagate = False  # gunicorn or pytest may configure the root logger too: one line per event
    handler = next((h for h in logger.handlers if getattr(h, "_postcheck", False)), None)
    if handler is None:
        for old in list(logger.handlers):  # the factory's own default handler, replaced by this one
            logger.removeHandler(old)
        handler = logging.StreamHandler()
        handler._postcheck = True
        handler.addFilter(_ContextFilter())
        logger.addHandler(handler)
    handler.setFormatter(JsonFormatter() if fmt == "json" else PlainFormatter(PLAIN_FORMAT))
