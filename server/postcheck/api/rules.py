"""GET /api/v1/rules: every rule, for the extension's help and the comms pages (no patterns)."""
from __future__ import annotations

from flask import jsonify

from postcheck.api import Blueprint
from postcheck.api.schemas import RulesResponseSchema
from postcheck.services import services

blp = Blueprint("rules", __name__, url_prefix="/api/v1", description="The policy rules in force")


@blp.route("/rules", methods=["GET"])
@blp.response(200, RulesResponseSchema)
def list_rules():
    """List the rules

    Every rule with its id, category, severity, title, advice, policy clause and examples; and the
    learned model (`model`, null without one): per category its card, threshold, training size and
    measured first-sight figures. A broken edit of the rule files or the model shows in `reload_error`
    while the last good ones stay in force.
    """
    source = services().rules
    ruleset = source.current
    return jsonify({"rules_version": ruleset.version, "rules": [r.summary() for r in ruleset.rules],
                    "model": ruleset.learned.summary() if ruleset.learned is not None else None,
                    "reload_error": source.reload_failed_in})
