"""Every setting postcheck reads, its default and what it means, in one place.

Settings come from `POSTCHECK_*` environment variables; `create_app(config)` can override any of them
with a mapping (tests do). The README's settings table lists the same names.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from urllib.parse import urlparse

_REPO_RULES = Path(__file__).resolve().parents[2] / "policy_rules"

# name: (default, parser, meaning)
SETTINGS = {
    "RULES_DIR": (str(_REPO_RULES), str, "Folder of the policy rules (organisation.yaml, rules/, lexicons/)."),
    "RULES_RELOAD_SECONDS": (2.0, float, "How often each server process looks for changed rule files; 0 turns watching off."),
    "DATABASE_URL": ("", str, "SQLAlchemy URL of the store (postgresql+psycopg://user:password@host/db for several "
                              "servers); empty means SQLite in the instance folder (in memory when TESTING)."),
    "DATABASE_TIMEOUT_SECONDS": (3.0, float, "How long to wait for the database to connect before treating it as unreachable."),
    "CALENDAR_POLL_SECONDS": (2.0, float, "How often each server process looks for calendar or roster changes made by "
                                          "another process (a change reaches every check within this plus a moment); 0 turns it off."),
    "CORS_ORIGINS": ("", lambda v: [o.strip() for o in v.split(",") if o.strip()] if isinstance(v, str) else list(v),
                     "Comma-separated origins allowed by CORS (the extension's chrome-extension://<id>); never *."),
    "MAX_TEXT_CHARS": (100_000, int, "Longest draft accepted by the check, in characters; longer answers 413."),
    "MAX_BODY_BYTES": (1_000_000, int, "Largest request body accepted, in bytes; larger answers 413."),
    "REGEX_TIMEOUT_MS": (50.0, float, "Time one rule pattern may run on one draft before it is skipped: CPU time "
                                      "of the whole process (the regex module's clock). A rule timed out on time "
                                      "other threads spent is read once more, within the check's budget."),
    # 80 ms reads a whole Facebook-length post (63,206 characters, about 11,000 words) on a 2-core server.
    "MODEL_BUDGET_MS": (80.0, float, "Wall-clock time the learned model may spend reading one draft; a longer draft "
                    "is read window by window until then, and the answer says \"incomplete\" with \"not_checked\": [\"model\"]."),
    "CHECK_BUDGET_MS": (300.0, float, "Wall-clock time one whole check may take, a backstop for inputs no bound foresaw: "
                                      "rules not begun by then, and the model, are skipped and named in the answer's "
                                      "\"not_checked\" with \"incomplete\": true, so padding a post never silently "
                                      "switches a check off."),
    "LOG_LEVEL": ("INFO", str, "Python logging level of the server's own logs."),
    "SECRET_KEY": ("", str, "Signs sessions; required in production."),
    "CHECK_RATE_LIMIT": ("3000 per minute", str, "Checks one client (one IP address, as the connection or a trusted "
                                                 "proxy gives it; never a header the client sets) may ask for, on "
                                                 "/api/v1/check and /v2/check together (flask-limiter syntax). A whole "
                                                 "office behind one NAT address shares it: the extension asks at most 43 "
                                                 "times a minute per person typing (45 with posts), so 3000 covers 50 "
                                                 "people typing at once with room to spare."),
    "FEEDBACK_RATE_LIMIT": ("600 per minute", str, "Outcome reports one client may send (flask-limiter syntax). An "
                                                "office behind one NAT address shares it: a post with a warning "
                                                "sends two or three reports, so 600 covers 50 people each posting "
                                                "four such posts a minute."),
    "RATELIMIT_STORAGE_URL": ("memory://", lambda v: _rate_limit_storage(v), "Where rate-limit counters live; share one (redis://...) between server processes."),
    # Running in production (docs/deploying.md): the server, its logs and its metrics.
    "PRODUCTION": (False, lambda v: _parse_bool(v), "Production mode: start-up refuses unsafe settings (Flask debug, no SECRET_KEY, '*' CORS). "
                                       "`postcheck serve --production` turns it on."),
    "PUBLIC_URL": ("", lambda v: str(v).strip().rstrip("/"), "The server's address as browsers reach it (https://postcheck.example.gov.uk): links in "
                                                          "the extension update manifests; empty means from each request."),
    "EXTENSION_DIR": ("", str, "Folder of signed extension packages (.crx, .xpi) served at /extension/ with update "
                                "manifests for self-hosted installs; empty means not served."),
    "TRUSTED_PROXY_HOPS": (0, int, "How many reverse proxies in front of the server add X-Forwarded-For/-Proto/-Host; "
                                   "0 ignores those headers (the server faces clients directly)."),
    "TRUSTED_PROXIES": ("", lambda v: [a.strip() for a in v.split(",") if a.strip()] if isinstance(v, str) else list(v),
                        "Comma-separated addresses or networks (10.0.0.0/8) of those proxies: X-Forwarded-* from any "
                        "other peer is dropped. Empty trusts whoever connects once TRUSTED_PROXY_HOPS is set."),
    "LOG_FORMAT": ("plain", lambda v: _one_of(v, ("plain", "json")), "plain (one readable line per event) or json (one JSON "
                                                                   "object per line, for a log collector)."),
    "ACCESS_LOG": (True, lambda v: _parse_bool(v), "Log one event per request (method, path without query string, status, time, "
                                      "request id); never bodies, query strings or headers."),
    "METRICS_ENABLED": (True, lambda v: _parse_bool(v), "Serve Prometheus metrics at /metrics (counts and timings, never text)."),
    "BIND": ("127.0.0.1:8080", str, "Where `postcheck serve --production` (gunicorn) listens: host:port or unix:/path."),
    "WORKERS": (0, int, "gunicorn worker processes; 0 means one per CPU core (a check is CPU work)."),
    "WORKER_CLASS": ("sync", lambda v: _one_of(v, ("sync", "gthread")),
                     "gunicorn worker type: sync (one request at a time per process; needs the buffering reverse "
                     "proxy of docs/deploying.md) or gthread (THREADS threads per process, keep-alive)."),
    "THREADS": (4, int, "Threads per gunicorn worker, for WORKER_CLASS=gthread."),
    "WORKER_MAX_REQUESTS": (0, int, "Replace a worker after this many requests (up to 10% more, so they do not all go at "
                                    "once), a guard against slow leaks; 0 never does. Each replacement recompiles the "
                                    "rules, about a second of one core, and 1,000 checks a second would make it frequent."),
    "WORKER_TIMEOUT_SECONDS": (30, int, "A worker silent for this long is restarted by gunicorn; also the graceful stop time."),
    "LT_DEFAULT_ACCOUNT": ("", lambda v: _one_of(v, ("", "personal", "council")), "Account type assumed by /v2/check (LanguageTool clients) without postcheckAccount: "
                                    "personal, council, or empty to decide from postcheckHandle (unknown means personal)."),
    "ADMIN_SESSION_MINUTES": (60.0, float, "How long a sign-in to the comms pages (/admin) lasts without use, in minutes; "
                                           "then the page asks for the token again."),
    "ADMIN_COOKIE_SECURE": ("auto", lambda v: _one_of(v, ("auto", "true", "false")),
                            "Mark the /admin session cookie Secure (sent over HTTPS only): auto (when the request "
                            "came over HTTPS, directly or per X-Forwarded-Proto from a proxy), true or false."),
    "ADMIN_SIGNIN_RATE_LIMIT": ("10 per minute", str, "Sign-in attempts at /admin one client may make (flask-limiter syntax)."),
    "ADMIN_SIGNIN_FAILURE_DELAY_SECONDS": (1.0, float, "Pause before answering a sign-in with a wrong token, to slow guessing."),
    "CHANNEL_PASSWORD_MAX_DAYS": (90, int, "A council channel whose password was last changed longer ago than this "
                                           "many days is flagged for review on the Council channels page."),
    # Retention (docs/data-protection.md): applied once a day by each server process and by
    # `postcheck retention apply`; the outcome counts themselves name no one and are kept.
    "COMMENT_RETENTION_DAYS": (90, lambda v: _days(v), "Days the optional comment of a \"this warning is wrong\" "
                                                       "report is kept; 0 keeps comments without limit."),
    "AUDIT_RETENTION_DAYS": (730, lambda v: _days(v), "Days an audit log entry (who changed what, with names) is "
                                                      "kept; 0 keeps entries without limit. Each removal is audited "
                                                      "as one line of counts."),
}


class SettingError(ValueError):
    """A setting that parses but cannot work here; its message names the setting and the fix."""


# The Python package each shared rate-limit store needs (limits.storage's DEPENDENCIES) and how to get it.
# Checked while the settings are read, so `postcheck serve --production` says what is missing: left to
# flask-limiter, a missing one stopped create_app with a traceback of limits' ConfigurationError, after
# the database had been opened.
_STORAGE_CLIENTS = {
    **dict.fromkeys(("redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster"),
                    ("redis", "pip install 'postcheck[redis]'")),
    **dict.fromkeys(("valkey", "valkeys", "valkey+unix", "valkey+sentinel", "valkey+cluster"),
                    ("valkey", "pip install valkey")),
    "memcached": ("pymemcache", "pip install pymemcache"),
    **dict.fromkeys(("mongodb", "mongodb+srv"), ("pymongo", "pip install pymongo")),
}


def _rate_limit_storage(value) -> str:
    url = str(value)
    scheme = urlparse(url).scheme  # lower-cased, as limits reads it
    client = _STORAGE_CLIENTS.get(scheme)
    if client and importlib.util.find_spec(client[0]) is None:
        # Only the scheme is shown: the rest of the URL can hold the store's password.
        raise SettingError(
            f"setting POSTCHECK_RATELIMIT_STORAGE_URL is a {scheme}:// address, but the Python package "
            f"`{client[0]}` that postcheck needs to reach it is not installed: run `{client[1]}` in the "
            f"environment postcheck runs from, or set POSTCHECK_RATELIMIT_STORAGE_URL=memory:// to keep "
            f"rate limits in each server process.")
    return url


def _days(value) -> int:
    days = int(value)  # "90.5" or "ninety" is a ValueError, reported with the setting's name
    if days < 0:
        raise ValueError(value)
    return days


def _one_of(value, allowed):
    value = str(value).strip().lower()
    if value not in allowed:
        raise ValueError(value)
    return value


def _parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def load_settings(overrides=None, environ=None) -> dict:
    """Defaults, then `POSTCHECK_*` environment variables, then `overrides` (keys with or without the prefix)."""
    environ = os.environ if environ is None else environ
    overrides = {k.removeprefix("POSTCHECK_"): v for k, v in (overrides or {}).items()}
    settings = {}
    for name, (default, parse, _meaning) in SETTINGS.items():
        if name in overrides:
            value = overrides.pop(name)
        elif f"POSTCHECK_{name}" in environ:
            value = environ[f"POSTCHECK_{name}"]
        else:
            value = default
        try:
            settings[name] = parse(value) if value is not None else value
        except SettingError:
            raise
        except (TypeError, ValueError):
            raise ValueError(f"setting POSTCHECK_{name}={value!r} is not valid: {_meaning}") from None
    settings.update(overrides)  # Flask's own keys (TESTING...) pass through
    return settings
