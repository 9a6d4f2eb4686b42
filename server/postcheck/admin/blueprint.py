"""The /admin blueprint: who may see a page, CSRF on every form, security headers, and errors as
friendly HTML pages (the API keeps its JSON errors)."""
from __future__ import annotations

import logging

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from postcheck.admin.session import current_caller
from postcheck.store import StoreUnavailable, UnstorableText

log = logging.getLogger(__name__)

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static")
csrf = CSRFProtect()

# Pages anyone may open: the sign-in form and the stylesheet and script it uses.
PUBLIC_ENDPOINTS = {"admin.sign_in", "admin.static"}

# No inline script or style anywhere, so the policy can forbid both; charts are inline SVG with attributes.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


@bp.before_request
def protect_forms():
    # Before the sign-in check, so a forged form is refused whether or not a session came with it.
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


@bp.before_request
def require_sign_in():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    caller = current_caller()
    if caller is None:
        if request.endpoint and request.endpoint.endswith("_preview"):
            return {"error": "Your sign-in has ended; sign in again."}, 401
        wanted = request.path + ("?" + request.query_string.decode("latin-1") if request.query_string else "")
        return redirect(url_for("admin.sign_in", next=wanted if request.method == "GET" else None))
    g.caller = caller  # auth.actor() names this token's holder in the audit log
    return None


@bp.after_request
def security_headers(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "admin.static":
        # Pages show the roster, channel owners and drafts being tried: never keep them in a cache.
        response.headers["Cache-Control"] = "no-store"
    return response


def _error_page(status: int, title: str, message: str):
    return render_template("admin/error.html", status=status, title=title, message=message), status


@bp.errorhandler(CSRFError)
def csrf_refused(exc):
    log.warning("admin form refused: %s", exc.description)
    return _error_page(400, "This form could not be accepted",
                       "The form was missing its security code or it had expired, so nothing was changed. "
                       "Go back, reload the page and try again.")


# Seconds a client is asked to wait before trying again while the database cannot be reached: the same
# as the JSON API's 503 (app._store_unavailable), so a page and a script back off alike.
RETRY_AFTER_SECONDS = 30


@bp.errorhandler(StoreUnavailable)
def store_unavailable(exc):
    body, status = _error_page(503, "The database cannot be reached", "Nothing was changed. Try again in a minute; "
                               "checks go on using the last loaded calendar.")
    return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


@bp.errorhandler(UnstorableText)
def unstorable_text(exc):
    return _error_page(422, "This could not be saved", str(exc) + " Nothing was changed.")


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    if exc.code == 429:
        return _error_page(429, "Too many attempts", "Too many sign-in attempts from here. Wait a minute, then try again.")
    if exc.code == 404:
        return _error_page(404, "Page not found", exc.description if exc.description != NotFound.description
                           else "There is no such page. Use the menu to find what you need.")
    return _error_page(exc.code or 400, exc.name, exc.description or exc.name)


@bp.errorhandler(Exception)
def unexpected(exc):
    if isinstance(exc, HTTPException):
        return http_error(exc)
    # Where it failed, not the message: a message could quote a draft being tried.
    log.error("unhandled %s on an admin page %s", type(exc).__name__, request.endpoint)
    return _error_page(500, "Something went wrong", InternalServerError.description)


@bp.route("/<path:anything>")
def not_found(anything):
    """Any other address under /admin answers the friendly 404 page, not the API's JSON."""
    raise NotFound()
