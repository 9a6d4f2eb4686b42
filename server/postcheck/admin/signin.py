"""Sign in with a comms or admin token, sign out. A wrong token is told plainly and slowed down: a
pause before the answer and a rate limit per client."""
from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for

from postcheck.admin.blueprint import bp
from postcheck.admin.forms import Form
from postcheck.admin.session import current_caller, sign_in as start_session, sign_out as end_session
from postcheck.auth import find_caller
from postcheck.limits import limiter
from postcheck.services import services

log = logging.getLogger(__name__)


def _safe_next(target: str | None) -> str:
    """Only a path inside /admin: never an address elsewhere (an open redirect)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/admin/") and "\\" not in target:
            return target.rstrip("?")
    return url_for("admin.now")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: services().settings["ADMIN_SIGNIN_RATE_LIMIT"], methods=["POST"])
def sign_in():
    form = Form()
    if request.method == "GET":
        if current_caller() is not None:
            return redirect(_safe_next(request.args.get("next")))
        return render_template("admin/sign_in.html", form=form, next=request.args.get("next", ""))
    token = request.form.get("token", "").strip()
    caller = find_caller(services().store, token) if token else None
    if caller is None:
        time.sleep(services().settings["ADMIN_SIGNIN_FAILURE_DELAY_SECONDS"])
        log.info("admin sign-in refused: %s", "no token given" if not token else "unknown or revoked token")
        form.errors["token"] = ("Paste your token." if not token else
                                "That token is not valid or has been revoked. Check you copied all of it, or ask IT for a new one.")
        return render_template("admin/sign_in.html", form=form, next=request.form.get("next", "")), 401
    start_session(caller)
    log.info("admin sign-in by token %s (%s)", caller.token_id, caller.role)
    flash(f"Signed in as {caller.name}.")
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    end_session()
    flash("Signed out.")
    return redirect(url_for("admin.sign_in"))
