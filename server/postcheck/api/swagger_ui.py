"""Swagger UI's files for the interactive docs at /api/v1/docs, served by this app from the installed
flask-swagger-ui package (only its dist/ folder; its blueprint and page are not used: flask-smorest renders
the page). Nothing comes from a CDN, so the docs work on a network that blocks CDNs, and the page's CSP names
this origin alone: a CDN's file can never run beside a signed-in officer's /admin session."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from flask import Blueprint, abort, send_from_directory

DIST = Path(str(files("flask_swagger_ui") / "dist"))
VERSION = (DIST / "VERSION").read_text(encoding="utf-8").strip().lstrip("v")  # Swagger UI's, e.g. 5.34.0
URL_PREFIX = "/api/v1/docs/swagger-ui"
# The version is in the address, so a browser may keep each file until an upgrade changes the address.
# Relative to the page (/api/v1/docs), so it holds behind a proxy that mounts the app under a prefix.
BASE_URL = f"docs/swagger-ui/{VERSION}/"
YEAR_SECONDS = 365 * 24 * 3600
# What the docs page loads, and Swagger UI's licence (Apache-2.0) beside it. Nothing else from the folder:
# not the package's own start-up page, which would need an inline script.
FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-standalone-preset.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "LICENSE": "text/plain",
}

bp = Blueprint("swagger_ui", __name__, url_prefix=URL_PREFIX)


@bp.get("/<version>/<name>")
def asset(version: str, name: str):
    if version != VERSION or name not in FILES:
        abort(404)
    response = send_from_directory(DIST, name, mimetype=FILES[name], max_age=YEAR_SECONDS)
    response.cache_control.immutable = True
    return response
