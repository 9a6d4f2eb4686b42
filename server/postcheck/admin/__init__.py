"""The comms team's web pages at /admin: server-rendered, on the same services as the JSON API.

`init_app` is all the factory calls: it registers the blueprint with its session cookie, CSRF
protection (for /admin forms only; the bearer-token API stays exempt) and friendly HTML errors."""
from __future__ import annotations

from postcheck.admin.blueprint import bp, csrf
from postcheck.admin.session import configure_sessions

# Importing the page modules attaches their views to `bp`.
from postcheck.admin import (audit, channels, elections, now, outcomes, roster, rules, signin,  # noqa: E402,F401
                             try_post)


def init_app(app) -> None:
    configure_sessions(app)
    # CSRF is checked by the blueprint itself (blueprint.protect_forms), so it never reaches the API.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # a form is good for as long as the sign-in it belongs to
    csrf.init_app(app)
    app.register_blueprint(bp)


__all__ = ["init_app", "bp"]
