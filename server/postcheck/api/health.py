"""GET /healthz: the process is up and has rules (liveness). GET /readyz: it can serve checks and changes
(readiness: the database answers and rules are loaded). GET /api/v1/version: what is running."""
from __future__ import annotations

from flask import Blueprint, jsonify

from postcheck import __version__
from postcheck.services import services
from postcheck.store import DatabaseFileChanged, StoreUnavailable

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    source = services().rules
    return jsonify({"status": "ok", "version": __version__, "rules_version": source.current.version,
                    "rules": len(source.current.rules), "rules_reload_error": source.reload_failed_in,
                    # Checks run, ungated and slower, while this process compiles the pattern gate.
                    "pattern_gate": source.current.gate.state})


@bp.get("/readyz")
def readyz():
    """503 until this process should get traffic: a load balancer sends checks elsewhere meanwhile."""
    svc = services()
    problems = []
    ruleset = getattr(svc.rules, "current", None)
    if ruleset is None or not ruleset.rules:
        problems.append("no rules are loaded")
    try:
        svc.store.versions()  # one small query: the same one every process polls with
    except DatabaseFileChanged as exc:
        problems.append(str(exc))
    except StoreUnavailable:
        problems.append("the database cannot be reached")
    body = {"status": "ready" if not problems else "not ready", "problems": problems}
    response = jsonify(body)
    response.status_code = 200 if not problems else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/v1/version")
def version():
    svc = services()
    return jsonify({"version": __version__, "api": "v1", "rules_version": svc.rules.current.version,
                    "calendar_version": svc.calendar.current.version})
