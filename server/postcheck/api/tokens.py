"""GET /api/v1/tokens and DELETE /api/v1/tokens/<id>: IT sees and revokes tokens (admin only).
Tokens are created with the CLI, so a token is only ever shown to the person at the server."""
from __future__ import annotations

from flask import abort, jsonify
from marshmallow import Schema, fields

from postcheck.api import Blueprint
from postcheck.api.documented import MAX_ID, errors
from postcheck.auth import actor, list_tokens, require, revoke_token
from postcheck.services import services

blp = Blueprint("tokens", __name__, url_prefix="/api/v1", description="API tokens (admin tokens only)")


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    role = fields.String()
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


def _dump(row) -> dict:
    return {"id": row.id, "name": row.name, "role": row.role, "created_at": row.created_at.isoformat(),
            "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None}


@blp.route("/tokens", methods=["GET"])
@require("admin")
@blp.response(200, TokenSchema(many=True))
def get_tokens():
    """List tokens (never the tokens themselves)."""
    return jsonify([_dump(r) for r in list_tokens(services().store)])


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@require("admin")
@blp.response(200, TokenSchema)
@errors(404)
def delete_token(token_id):
    """Revoke a token."""
    # An id beyond the INTEGER column overflowed in the query (a 500, found by the fuzzer).
    row = revoke_token(services().store, token_id, actor()) if token_id <= MAX_ID else None
    if row is None:
        abort(404, description=f"No token {token_id}.")
    return jsonify(_dump(row))
