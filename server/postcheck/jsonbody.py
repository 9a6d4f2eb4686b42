"""Request bodies read as JSON, in one place: whatever json.loads cannot turn into plain data is a body
that cannot be parsed (400), never a 500.

Python's json module fails in more ways than JSONDecodeError: a number of more than 4,300 digits is a
ValueError (the interpreter's integer-digit limit), deep nesting ([ x 5000) a RecursionError. Both
reached the views as 500s. Everything that reads a body as JSON reads it through `loads`: Flask's
request.get_json (the app's `JSONProvider`, with `Request` answering its failures with the app's JSON
error), webargs' parser behind flask-smorest's `@blp.arguments` (`BodyParser`, which every API
blueprint uses) and LanguageTool's `data` parameter (languagetool/annotation.py).
"""
from __future__ import annotations

import json

import flask
from flask.json.provider import DefaultJSONProvider
from webargs import core
from webargs.flaskparser import FlaskParser, abort
from werkzeug.exceptions import BadRequest, UnsupportedMediaType


class UnparseableJSON(json.JSONDecodeError):
    """A body json.loads refused for a reason other than its syntax. A JSONDecodeError, so Flask
    (which catches ValueError) and webargs (which catches JSONDecodeError) both answer 400. It keeps
    no part of the body (which may be a draft), only why."""

    def __init__(self, reason: str):
        super().__init__(reason, _NOT_KEPT, 0)


_NOT_KEPT = "(the body is not kept)"


def _refuse_constant(name: str):
    # NaN and Infinity are JavaScript, not JSON (RFC 8259); json.loads accepts them by default.
    raise ValueError(f"{name} is not a JSON value")


def loads(data: str | bytes | bytearray):
    """The JSON value of `data` (bytes in UTF-8, UTF-16 or UTF-32 as json.loads detects them), or a
    JSONDecodeError that says why not; the message never quotes the body."""
    if isinstance(data, (bytes, bytearray)):
        # Strictly decoded: json.loads would decode with "surrogatepass" and let half a UTF-16 pair through.
        try:
            text = data.decode(json.detect_encoding(data))
        except UnicodeDecodeError as exc:
            raise UnparseableJSON(f"not {exc.encoding} text") from None
    else:
        text = data
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise UnparseableJSON("nested too deeply") from None
    except ValueError as exc:  # an integer past sys.get_int_max_str_digits(), NaN or Infinity
        reason = "a number has too many digits" if "digits" in str(exc) else str(exc)
        raise UnparseableJSON(reason) from None


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading through `loads` (request.get_json and the test client alike)."""

    def loads(self, s, **kwargs):
        return loads(s)


class Request(flask.Request):
    """Flask's request, answering a body request.get_json cannot read with the app's JSON 400."""

    def on_json_loading_failed(self, e):
        if e is None:  # not a JSON content type: werkzeug's 415
            return super().on_json_loading_failed(e)
        # JSONDecodeError's own message names a line and column, never the body's text.
        reason = e.msg if isinstance(e, UnparseableJSON) else str(e) if isinstance(e, json.JSONDecodeError) else ""
        raise BadRequest(description=f"The body is not valid JSON{f' ({reason})' if reason else ''}.")


class BodyParser(FlaskParser):
    """webargs' parser for flask-smorest's `@blp.arguments`, reading JSON bodies through `loads`.

    Every JSON body in this API is required, as the OpenAPI document says: webargs would read a missing
    or empty one as {}, so a PATCH without a body was a change of nothing (200). Without JSON the
    answer is 415, and an empty JSON body is JSON that cannot be parsed (400)."""

    def _raw_load_json(self, req):
        if not core.is_json(req.mimetype):
            raise UnsupportedMediaType(description="Send the body as JSON with Content-Type: application/json.")
        data = req.get_data(cache=True)
        if not data.strip():
            raise UnparseableJSON("the body is empty")
        return loads(data)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        reason = error.msg if isinstance(error, UnparseableJSON) else None
        abort(400, exc=error, messages={"json": [f"Invalid JSON body: {reason}." if reason else "Invalid JSON body."]})
