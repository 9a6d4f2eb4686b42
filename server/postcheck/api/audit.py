"""GET /api/v1/audit: who changed what and when, with the values before and after."""
from __future__ import annotations

from flask import jsonify
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from postcheck.api import Blueprint
from postcheck.api.documented import MAX_ID
from postcheck.auth import require
from postcheck.services import services
from postcheck.store.models import AuditEntry

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="The audit log of every change")


class AuditQuerySchema(Schema):
    entity = fields.String(validate=validate.Length(max=40),
                           metadata={"description": "Only this kind: election, non-working-day, party, person, role, token."})
    entity_id = fields.String(validate=validate.Length(max=200))
    # Bounded by the INTEGER column: a larger id was an overflow in the query (a 500), found by the fuzzer.
    before_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                               metadata={"description": "Entries older than this id (the next page)."})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String(metadata={"description": "The token's name and id, or the CLI user; never the token."})
    action = fields.String()
    entity = fields.String()
    entity_id = fields.String()
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)
    request_id = fields.String()


class AuditPageSchema(Schema):
    entries = fields.List(fields.Nested(AuditEntrySchema))
    next_before_id = fields.Integer(allow_none=True)


@blp.route("/audit", methods=["GET"])
@require("comms")
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditPageSchema)
def list_audit(args):
    """Read the audit log, newest first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(args["limit"])
    for name in ("entity", "entity_id"):
        if args.get(name):
            query = query.where(getattr(AuditEntry, name) == args[name])
    if args.get("before_id"):
        query = query.where(AuditEntry.id < args["before_id"])
    with services().store.transaction() as session:
        rows = session.scalars(query).all()
    entries = [{"id": r.id, "at": r.at.isoformat(), "actor": r.actor, "action": r.action, "entity": r.entity,
                "entity_id": r.entity_id, "before": r.before, "after": r.after, "request_id": r.request_id}
               for r in rows]
    return jsonify({"entries": entries, "next_before_id": rows[-1].id if len(rows) == args["limit"] else None})
