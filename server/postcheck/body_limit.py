"""Bodies over the limit answer 413, however they are sent (issue 17, item 4).

Flask refuses a body whose Content-Length is over MAX_CONTENT_LENGTH. A chunked body has no length up
front: werkzeug then reads it through a stream that stops at the limit without an error, so a 1.8 MB
roster CSV was read up to 1,000,000 bytes and answered 200, and with `?replace=true` every row past the
cut would have been deleted. Here such a body is read before the app sees it, at most one byte past the
limit: over it, the request is marked and answered 413 by the app's own error handling; within it, the
app reads the bytes read here, with their length now known.
"""
from __future__ import annotations

import io

from flask import abort, request

OVER_LIMIT = "postcheck.body_over_limit"


class BoundedBody:
    """WSGI middleware: reads a body that has no Content-Length up to `limit` + 1 bytes."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    def __call__(self, environ, start_response):
        if _length_unknown(environ):
            body = environ["wsgi.input"].read(self.limit + 1)
            if len(body) > self.limit:
                environ[OVER_LIMIT] = True
                body = b""
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)  # the body is now plain bytes of a known length
            environ.pop("wsgi.input_terminated", None)
        return self.app(environ, start_response)


def _length_unknown(environ) -> bool:
    # Chunked (which overrides any Content-Length, as werkzeug and HTTP/1.1 agree), or no length at all
    # from a server that says it ends the stream itself.
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return True
    return not environ.get("CONTENT_LENGTH") and "wsgi.input_terminated" in environ


def init_app(app, limit: int) -> None:
    app.wsgi_app = BoundedBody(app.wsgi_app, limit)

    @app.before_request
    def _refuse_over_limit():
        if request.environ.get(OVER_LIMIT):
            abort(413, description=f"The body is larger than {limit:,} bytes.")
