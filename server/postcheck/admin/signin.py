"""Sign in with a comms or admin token, sign out. A wrong token is told plainly and slowed down: a
pause before the answer and a rate limit per client."""
from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for

from postcheck.admin.blueprint import RETRY_AFTER_SECONDS, bp
from postcheck.admin.forms import Form
from postcheck.admin.session import current_caller, sign_in as start_session, sign_out as end_session
from postcheck.auth import find_caller
from postcheck.limits import limiter
from postcheck.services import services
from postcheck.store import StoreUnavailable

log = logging.getLogger(__name__)

# Tokens and sign-ins live in the database: while it cannot be reached nobody can sign in, and the form
# says so in place of a token error (the token may well be right), ready to send again once it is back.
DATABASE_DOWN = ("The database cannot be reached, so nobody can sign in just now. Nothing is wrong with your "
                 "token: try again in a minute. Checks go on using the last loaded calendar.")


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
        try:
            signed_in = current_caller() is not None  # a cookie from an earlier sign-in is looked up
        except StoreUnavailable:
            return _database_down(form, request.args.get("next", ""))
        if signed_in:
            return redirect(_safe_next(request.args.get("next")))
        return render_template("admin/sign_in.html", form=form, next=request.args.get("next", ""))
    token = request.form.get("token", "").strip()
    try:
        caller = find_caller(services().store, token) if token else None
        if caller is not None:
            start_session(caller)
    except StoreUnavailable:
        log.warning("admin sign-in not possible: the database cannot be reached")
        return _database_down(form, request.form.get("next", ""))
    if caller is None:
        time.sleep(services().settings["ADMIN_SIGNIN_FAILURE_DELAY_SECONDS"])
        log.info("admin sign-in refused: %s", "no token given" if not token else "unknown or revoked token")
        form.errors["token"] = ("Paste your token." if not token else
                                "That token is not valid or has been revoked. Check you copied all of it, or ask IT for a new one.")
        return render_template("admin/sign_in.html", form=form, next=request.form.get("next", "")), 401
    log.info("admin sign-in by token %s (%s)", caller.token_id, caller.role)
    flash(f"Signed in as {caller.name}.")
    return redirect(_safe_next(request.form.get("next")))


def _database_down(form: Form, next_path: str):
    form.errors["database"] = DATABASE_DOWN
    return (render_template("admin/sign_in.html", form=form, next=next_path), 503,
            {"Retry-After": str(RETRY_AFTER_SECONDS)})


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    end_session()
    flash("Signed out.")
    return redirect(url_for("admin.sign_in"))
