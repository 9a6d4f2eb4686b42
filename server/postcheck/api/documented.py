"""Error answers as the OpenAPI document lists them: each operation names every status it can answer
(not only `default`), so a client, and the schemathesis fuzzer in tests/hardening/, can rely on it."""
from __future__ import annotations

from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema

# Row ids are 32-bit INTEGER columns; a larger id in a path or a query is refused before it reaches
# the database (SQLite raises OverflowError and PostgreSQL a range error: both were 500s).
MAX_ID = 2**31 - 1

MEANINGS = {
    400: "The body is not valid JSON",
    401: "No token, or a token that is wrong or revoked",
    403: "The token's role may not do this",
    404: "Not found",
    409: "Conflicts with what is stored",
    412: "Changed since it was read (If-Match does not match)",
    413: "The body is too large",
    415: "The body is not in the content type this operation takes",
    422: "A field is wrong (errors names it)",
    428: "If-Match missing",
    429: "Too many requests from this client; see Retry-After",
    503: "The database cannot be reached; try again after Retry-After",
}

# Used only for its decorators (alt_response and doc need no registered blueprint), so that
# auth.require can document what it answers on every route it guards.
_doc = Blueprint("documented", __name__)


def errors(*codes: int, **descriptions: str):
    """Document `codes` as JSON error answers ({code, status, message, errors}); `descriptions`
    (keyed `e404=...`) say more than the generic meaning."""
    def decorate(view):
        for code in codes:
            view = _doc.alt_response(code, schema=ErrorSchema,
                                     description=descriptions.get(f"e{code}", MEANINGS[code]))(view)
        return view
    return decorate


def bearer_token(role: str):
    """The security requirement and the error answers of a route behind auth.require(role)."""
    codes = (401, 403, 503) if role == "admin" else (401, 503)

    def decorate(view):
        return _doc.doc(security=[{"bearerToken": []}])(errors(*codes)(view))
    return decorate
