"""The /admin sign-in session: a signed cookie holding a random session id (never the token), HttpOnly,
SameSite, Secure behind HTTPS, scoped to /admin and expiring after a setting's worth of idle time.

The session itself lives in the database (auth.start_session): every request looks it up, so signing
out, idling out or revoking the token ends it at once, on every server, even for a copy of the cookie
taken before."""
from __future__ import annotations

import datetime as dt
import logging
import secrets

from flask import request, session
from flask.sessions import SecureCookieSessionInterface

from postcheck import auth
from postcheck.auth import Caller

log = logging.getLogger(__name__)

COOKIE_NAME = "postcheck_admin"


class AdminSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        # Browsers send the cookie only under its path (/admin), so anywhere else there is no session to
        # read. A null session there costs nothing per check (no signing serializer, no Set-Cookie
        # decision), and a view outside /admin that tried to write one would fail loudly.
        if not _under(request.path, self.get_cookie_path(app)):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def get_cookie_secure(self, app) -> bool:
        setting = app.config.get("ADMIN_COOKIE_SECURE", "auto")
        if setting != "auto":
            return setting == "true"
        # Behind a proxy that ends TLS, X-Forwarded-Proto says https; the trusted-proxy middleware
        # (POSTCHECK_TRUSTED_PROXY_HOPS) turns that into request.is_secure, and drops it from anyone
        # else, so a client cannot talk the server into a cookie it believes is protected.
        return request.is_secure


def _under(path: str, cookie_path: str) -> bool:
    """RFC 6265's path-match: would a browser send a cookie with this path to this request path?"""
    base = cookie_path.rstrip("/")
    return not base or path == base or path.startswith(base + "/")


def configure_sessions(app) -> None:
    if not app.config.get("SECRET_KEY"):
        # Sign-ins then last only as long as this process; with several processes they will not carry
        # over. Said only by an app that serves them: a command-line app (SERVES_SIGN_INS false) takes none.
        if app.config.get("SERVES_SIGN_INS", True):
            log.warning("POSTCHECK_SECRET_KEY is not set: /admin sign-ins use a random key for this process only")
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.session_interface = AdminSessionInterface()
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME,
        SESSION_COOKIE_PATH="/admin",  # never sent to the API
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=float(app.config["ADMIN_SESSION_MINUTES"])),
        SESSION_REFRESH_EACH_REQUEST=True,  # the lifetime counts from the last page opened
    )


def _idle(app=None) -> dt.timedelta:
    from flask import current_app
    return (app or current_app).permanent_session_lifetime


def sign_in(caller: Caller) -> None:
    from postcheck.services import services
    session.clear()
    session.permanent = True
    session["sid"] = auth.start_session(services().store, caller, _idle())


def sign_out() -> None:
    from postcheck.services import services
    session_id = session.get("sid")
    if isinstance(session_id, str):
        auth.end_session(services().store, session_id)
    session.clear()


def current_caller() -> Caller | None:
    from postcheck.services import services
    session_id = session.get("sid")
    if not isinstance(session_id, str):
        session.pop("token_id", None)  # a cookie from before server-side sessions: sign in again
        return None
    caller = auth.session_caller(services().store, session_id, _idle())
    if caller is None:
        session.clear()  # ended elsewhere, idled out, or its token revoked
    return caller
