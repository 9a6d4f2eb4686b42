"""The app factory: settings, extensions, blueprints; nothing else."""
from __future__ import annotations

import logging
import re
import time
import uuid
from pathlib import Path

from flask import Flask, g, request
from flask_cors import CORS
from flask_smorest import Api
from werkzeug.exceptions import ServiceUnavailable, UnprocessableEntity

from postcheck import __version__, body_limit, errors, jsonbody, production, security_headers
from postcheck.api import swagger_ui
from postcheck.channels import LiveChannels
from postcheck.config import load_settings
from postcheck.elections.live import LiveCalendar
from postcheck.elections.seed import calendar_settings
from postcheck.engine.reloading import RuleSource
from postcheck.limits import keep_limits_when_the_shared_store_is_down, limiter, storage_uri
from postcheck.retention import DailyRetention
from postcheck.services import Services
from postcheck.store import DatabaseFileChanged, Store, StoreUnavailable, UnstorableText
from postcheck.store.database import default_url

log = logging.getLogger("postcheck.access")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def create_app(config=None) -> Flask:
    settings = load_settings(config)
    app = Flask(__name__, instance_relative_config=True)
    # Request bodies are read as JSON in one place: a body json.loads cannot read answers 400.
    app.request_class = jsonbody.Request
    app.json = jsonbody.JSONProvider(app)
    app.config.update(
        SECRET_KEY=settings["SECRET_KEY"] or None,
        MAX_CONTENT_LENGTH=settings["MAX_BODY_BYTES"],
        JSON_SORT_KEYS=False,
        API_TITLE="postcheck",
        API_VERSION=__version__,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        # Swagger UI's files from the installed package, served by this app (api/swagger_ui.py): no CDN.
        OPENAPI_SWAGGER_UI_URL=swagger_ui.BASE_URL,
        # No layout may send the document to swagger.io's online validator.
        OPENAPI_SWAGGER_UI_CONFIG={"validatorUrl": None},
        API_SPEC_OPTIONS={"info": {"description": "Checks social media drafts against the organisation's policy."}},
    )
    app.config.update({k: v for k, v in settings.items() if k.isupper()})
    _configure_logging(settings["LOG_LEVEL"])

    testing = app.testing or bool(settings.get("TESTING"))
    store = Store(settings["DATABASE_URL"] or default_url(app.instance_path, testing), settings["DATABASE_TIMEOUT_SECONDS"])
    calendar = LiveCalendar(store, Path(settings["RULES_DIR"]))
    calendar.start()  # migrates and seeds a new database; the roster must be loaded before the rules
    rules = RuleSource(Path(settings["RULES_DIR"]), roster_lexicons=calendar.roster_lexicons)
    calendar.on_roster_change = lambda: rules.reload(force=True)
    channels = LiveChannels(store)
    channels.refresh()  # after calendar.start(), which migrated the schema
    app.extensions["postcheck"] = Services(settings=settings, rules=rules, calendar=calendar, store=store,
                                           calendar_settings=calendar_settings(Path(settings["RULES_DIR"])),
                                           channels=channels)
    if not testing:
        rules.watch(settings["RULES_RELOAD_SECONDS"])
        calendar.watch(settings["CALENDAR_POLL_SECONDS"])
        channels.watch(settings["CALENDAR_POLL_SECONDS"])
        DailyRetention(store, settings).watch()  # old comments and audit entries, once a day per process

    if settings["CORS_ORIGINS"]:
        if "*" in settings["CORS_ORIGINS"]:
            raise ValueError("POSTCHECK_CORS_ORIGINS must list the extension's origins, not '*'")
        # always_send=False: a request without Origin (not from a browser page) gets no CORS headers,
        # so the extension's id is not handed to every client.
        CORS(app, resources={r"/api/*": {"origins": settings["CORS_ORIGINS"]}}, always_send=False)

    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(settings["RATELIMIT_STORAGE_URL"])
    # Said for every app: the one Limiter is shared by every app in a process, and takes its on/off
    # from the last app that set it.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    if not settings["RATELIMIT_STORAGE_URL"].startswith("memory://"):
        keep_limits_when_the_shared_store_is_down(app)
    limiter.init_app(app)

    api = Api(app)
    # Routes behind auth.require name this scheme as their security requirement (api/documented.py).
    api.spec.components.security_scheme("bearerToken", {"type": "http", "scheme": "bearer",
                                                         "description": "A token from `postcheck tokens create`."})
    from postcheck.api import audit, check, elections, favicon, feedback, health, languagetool, roster, rules as rules_api, tokens
    api.register_blueprint(check.blp)
    api.register_blueprint(rules_api.blp)
    api.register_blueprint(languagetool.blp)
    api.register_blueprint(elections.blp)
    api.register_blueprint(roster.blp)
    api.register_blueprint(audit.blp)
    api.register_blueprint(tokens.blp)
    api.register_blueprint(feedback.blp)
    app.register_blueprint(health.bp)
    app.register_blueprint(favicon.bp)
    app.register_blueprint(swagger_ui.bp)
    from postcheck import admin
    admin.init_app(app)  # the comms web pages: sessions, CSRF and HTML errors scoped to /admin
    errors.register(app)
    app.register_error_handler(StoreUnavailable, _store_unavailable)
    app.register_error_handler(UnstorableText, _unstorable_text)
    _access_log(app)
    body_limit.init_app(app, settings["MAX_BODY_BYTES"])  # chunked bodies over the limit answer 413 too
    production.init_app(app, settings)  # safe-settings check, logs, metrics, proxies, extension updates
    security_headers.init_app(app)  # after the blueprints: their own headers (the /admin CSP) win
    return app


def _unstorable_text(exc):
    return errors.handle_http_exception(UnprocessableEntity(description=str(exc)))


def _store_unavailable(exc):
    if isinstance(exc, DatabaseFileChanged):
        return errors.handle_http_exception(ServiceUnavailable(
            description="The database file is missing or was replaced, so changes cannot be saved; IT can see why in "
                        "the server log. Checks go on using the last loaded calendar.", retry_after=30))
    return errors.handle_http_exception(ServiceUnavailable(
        description="The calendar database cannot be reached, so changes cannot be saved just now; try again in "
                    "a minute. Checks go on using the last loaded calendar.", retry_after=30))


def _configure_logging(level: str) -> None:
    logger = logging.getLogger("postcheck")
    logger.setLevel(level.upper())
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)


def _access_log(app: Flask) -> None:
    """One line per request: method, path, status, time. Never the body, the query string or headers."""
    @app.before_request
    def start_timer():
        g.started = time.perf_counter()
        # A request id from the proxy is kept only when it looks like one: it is written into every log line.
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex

    @app.after_request
    def log_request(response):
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        response.headers["X-Request-Id"] = g.get("request_id", "")
        log.debug("%s %s %s %.1fms id=%s", request.method, request.path, response.status_code, elapsed,
                 g.get("request_id", ""))
        return response
