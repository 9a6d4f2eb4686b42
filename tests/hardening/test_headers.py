"""Security headers on every response (JSON, text, calendar, HTML, errors), a CSP that lets the docs
page run only its own scripts, and CORS only for the configured extension origins."""
import base64
import hashlib
import re

import pytest

from postcheck import create_app
from tests.conftest import RULES_DIR
from tests.hardening.helpers import openapi_document, operations

EXTENSION = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"


def assert_hardened(response, what):
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("Referrer-Policy") in ("no-referrer", "same-origin", "strict-origin-when-cross-origin"), what
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, what
    if response.mimetype == "text/html":
        assert "'unsafe-inline'" not in csp.split("script-src", 1)[-1].split(";", 1)[0], what


@pytest.mark.parametrize(("method", "url", "operation"), list(operations(openapi_document())),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_documented_operation_answers_with_the_headers(client, method, url, operation):
    # Without a token and without a body: success or a 4xx, the headers are there either way.
    assert_hardened(client.open(url, method=method), f"{method} {url}")


@pytest.mark.parametrize(("what", "call"), [
    ("docs page", lambda c: c.get("/api/v1/docs")),
    ("health", lambda c: c.get("/healthz")),
    ("not found", lambda c: c.get("/no/such/page")),
    ("wrong method", lambda c: c.put("/api/v1/check")),
    ("malformed JSON", lambda c: c.post("/api/v1/check", data="{", content_type="application/json")),
    ("not JSON", lambda c: c.post("/api/v1/check", data="x", content_type="text/plain")),
    ("too large", lambda c: c.post("/api/v1/check", json={"text": "a" * 1_100_000})),
    ("LanguageTool error", lambda c: c.post("/v2/check", data={"text": "hi"})),
    ("admin page", lambda c: c.get("/admin/", follow_redirects=True)),
])
def test_pages_and_errors_carry_the_headers(client, what, call):
    assert_hardened(call(client), what)


def test_a_server_error_carries_the_headers(app, monkeypatch):
    from postcheck.services import Services

    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(Services, "check", broken)
    response = app.test_client().post("/api/v1/check", json={"text": "hi"})
    assert response.status_code == 500
    assert_hardened(response, "500")


def test_the_docs_page_csp_allows_exactly_its_own_inline_scripts(client):
    response = client.get("/api/v1/docs")
    csp = response.headers["Content-Security-Policy"]
    inline = re.findall(r"<script>(.*?)</script>", response.get_data(as_text=True), re.S)
    assert inline, "the Swagger page has an inline start-up script"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp  # it runs
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp


def test_a_csp_set_by_a_page_is_kept(client):
    """The /admin pages set their own CSP; the app-wide defaults do not overwrite it."""
    from flask import Flask
    from postcheck import security_headers
    app = Flask(__name__)
    security_headers.init_app(app)

    @app.get("/own")
    def own():
        return "<p>hi</p>", 200, {"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
                                  "Referrer-Policy": "same-origin"}
    response = app.test_client().get("/own")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture(scope="module")
def cors_client():
    app = create_app({"TESTING": True, "RULES_DIR": str(RULES_DIR), "RULES_RELOAD_SECONDS": 0, "CORS_ORIGINS": EXTENSION})
    yield app.test_client()
    app.extensions["postcheck"].store.dispose()


@pytest.mark.parametrize("origin", [EXTENSION, "https://evil.example", "chrome-extension://otherextensionid", None])
@pytest.mark.parametrize("kind", ["preflight", "actual"])
def test_cors_grants_only_the_configured_extension(cors_client, origin, kind):
    headers = {"Origin": origin} if origin else {}
    if kind == "preflight":
        headers["Access-Control-Request-Method"] = "POST"
        headers["Access-Control-Request-Headers"] = "content-type"
        response = cors_client.options("/api/v1/check", headers=headers)
    else:
        response = cors_client.post("/api/v1/check", json={"text": "hello"}, headers=headers)
        assert response.status_code == 200  # CORS is the browser's business; the answer itself is the same
    granted = response.headers.get("Access-Control-Allow-Origin")
    if origin == EXTENSION:
        assert granted == EXTENSION
    else:
        assert granted is None
    assert granted != "*"
