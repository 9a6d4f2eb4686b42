"""POST /api/v1/check: the draft in, the warnings out."""
from __future__ import annotations

import datetime as dt

from flask import abort, jsonify, request

from postcheck.api import Blueprint
from postcheck.api.schemas import CheckResponseSchema, check_request_schema
from postcheck.elections.calendar import LONDON
from postcheck.engine import Draft
from postcheck.limits import check_limit
from postcheck.metrics import note_warnings
from postcheck.services import services

blp = Blueprint("check", __name__, url_prefix="/api/v1", description="Check a draft post against the policy")


@blp.before_request
def require_json():
    if request.method == "POST" and not request.is_json:
        abort(415, description="Send the draft as JSON with Content-Type: application/json.")


@blp.route("/check", methods=["POST"])
@check_limit()
# An instance, not the class: webargs would otherwise build (and deep-copy the fields of) a new schema
# for every request.
@blp.arguments(check_request_schema(LONDON)(), location="json")
@blp.response(200, CheckResponseSchema)
@blp.alt_response(400, description="The body is not valid JSON")
@blp.alt_response(413, description="The draft or the body is too long")
@blp.alt_response(415, description="The body is not JSON")
@blp.alt_response(429, description="Too many checks from this client; see Retry-After")
def check_draft(args):
    """Check a draft

    Answers the policy warnings for the draft, each with its exact spans in UTF-16 code units, the
    policy clause, and advice. The text is used for this check only: never logged or stored.
    """
    svc = services()
    text = args["text"]
    if len(text) > svc.settings["MAX_TEXT_CHARS"]:
        abort(413, description=f"The draft is longer than {svc.settings['MAX_TEXT_CHARS']:,} characters.")
    account = args["account"] or {}
    draft = Draft(text=text, platform=args["platform"], account_type=account.get("type"),
                  handle=account.get("handle"), reply=args["reply"], profile_disclaimer=args["profile_disclaimer"])
    at = args["at"] or dt.datetime.now(dt.timezone.utc)
    verdict, election, version = svc.check(draft, at)
    note_warnings(verdict.warnings)
    body = {"warnings": [w.as_dict() for w in verdict.warnings],
            "election": {"active": election.active, "period": election.period,
                         "stale": bool(getattr(svc.calendar.current, "stale", False))},
            "account": {"type": svc.account_type(draft)},
            "rules_version": version,
            "incomplete": verdict.incomplete}
    if verdict.incomplete:
        body["not_checked"] = list(verdict.not_checked)
    # Returned as a Response, so it is not re-serialised through the schema: the schema documents it.
    return jsonify(body)
