"""GET /healthz: the process is up and has rules."""
from __future__ import annotations

from flask import Blueprint, jsonify

from postcheck import __version__
from postcheck.services import services

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    source = services().rules
    return jsonify({"status": "ok", "version": __version__, "rules_version": source.current.version,
                    "rules": len(source.current.rules), "rules_reload_error": source.last_error})
