"""GET /favicon.ico: the postcheck icon (the extension's), so a browser on the comms pages or the API
docs finds one rather than logging a 404 on every page."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, send_file

bp = Blueprint("favicon", __name__)

ICON = Path(__file__).resolve().parents[1] / "admin" / "static" / "favicon.png"


@bp.get("/favicon.ico")
def favicon():
    # PNG under the .ico name: every browser postcheck supports reads it by its content.
    return send_file(ICON, mimetype="image/png", max_age=86400)
