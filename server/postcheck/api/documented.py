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


def if_match_required(view):
    """The If-Match header api/etags.require_if_match asks of a change, as a required parameter, with the
    412 and 428 it answers (the document listed 428 but not the header: a client could not know)."""
    # `*`, or entity tags in quotes (RFC 9110): werkzeug reads "," or " " as no tag at all (428).
    etag = r'(W/)?"[!#-~]*"'
    header = {"in": "header", "name": "If-Match", "required": True,
              "schema": {"type": "string", "pattern": rf"^(\*|{etag}( *, *{etag})*)$"},
              "description": "The ETag of the version you last read (its GET and every change answer it): 428 "
                             "without it, 412 when the row has changed since."}
    return _doc.doc(parameters=[header])(errors(412, 428)(view))


def names_a_row(status: int, path: str, parameter: str):
    """Documents an answer that is one row: its ETag header, and OpenAPI links from it to that row's GET,
    PATCH and DELETE at `path` (as the document writes it, /api/v1/roster/parties/{item_id}), the id
    taken from the body and the ETag sent back as If-Match. Clients, and the fuzzer's stateful phase,
    follow them from a row made to reading, changing and removing it."""
    row = "#/paths/" + path.replace("~", "~0").replace("/", "~1")
    same_row = {parameter: "$response.body#/id"}
    that_version = {**same_row, "header.If-Match": "$response.header.ETag"}
    answer = {
        "headers": {"ETag": {"description": "This version of the row: send it back in If-Match to change it.",
                             "schema": {"type": "string"}}},
        "links": {"Read": {"operationRef": f"{row}/get", "parameters": same_row},
                  "Change": {"operationRef": f"{row}/patch", "parameters": that_version},
                  "Remove": {"operationRef": f"{row}/delete", "parameters": that_version}},
    }
    return _doc.doc(responses={status: answer})


def bearer_token(role: str):
    """The security requirement and the error answers of a route behind auth.require(role)."""
    codes = (401, 403, 503) if role == "admin" else (401, 503)

    def decorate(view):
        return _doc.doc(security=[{"bearerToken": []}])(errors(*codes)(view))
    return decorate
