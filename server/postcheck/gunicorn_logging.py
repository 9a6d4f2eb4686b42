"""gunicorn's own error log, kept free of drafts (issue 17, item 5).

A client that forgets to URL-encode sends a raw request line such as `GET /v2/check?text=my draft ...
HTTP/1.1`; gunicorn answers 400 itself and logs the whole line, draft included. Here gunicorn's
messages about a malformed request keep only the client's address, the method when it is one, and a
placeholder; a request that failed inside gunicorn is named by its path without the query string.
Every message is escaped (log_text.py) so nothing it quotes can forge another line.

Loaded by path from gunicorn_conf.py, like config.py: no import of the postcheck package.
"""
from __future__ import annotations

import importlib.util
import logging
import re
from pathlib import Path

from gunicorn.glogging import Logger

_spec = importlib.util.spec_from_file_location("_postcheck_log_text", Path(__file__).with_name("log_text.py"))
_log_text = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_log_text)
escape = _log_text.escape

WITHHELD = "[request line withheld]"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
_INVALID = re.compile(r"^Invalid request from ip=(?P<ip>\S*?): (?P<error>.*)$", re.DOTALL)


def _method_of(error: str) -> str | None:
    """The first word of the quoted request line in gunicorn's error, when it is an HTTP method."""
    quoted = error.split("'", 1)
    words = (quoted[1] if len(quoted) > 1 else error).split()
    return words[0] if words and words[0] in METHODS else None


class WithholdRequestLines(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        invalid = _INVALID.match(message)
        if invalid:
            method = _method_of(invalid.group("error"))
            record.msg = "Invalid request from ip=%s: malformed request (%s) %s"
            record.args = (escape(invalid.group("ip")), f"method {method}" if method else "method unknown", WITHHELD)
        elif message.startswith("Error handling request") and record.args:
            # ("Error handling request %s %s", method, uri): the path only, never the query string.
            args = [escape(str(a).split("?", 1)[0]) for a in record.args]
            record.args = tuple(args)
        else:
            record.msg, record.args = escape(message), ()
        return True


class PostcheckGunicornLogger(Logger):
    """gunicorn's logger with the filter on its error log."""

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, WithholdRequestLines) for f in self.error_log.filters):
            self.error_log.addFilter(WithholdRequestLines())
