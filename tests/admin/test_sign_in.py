"""Sign-in with a token, the session cookie, sign-out, expiry, CSRF, the rate limit and security headers."""
import logging
import time

import pytest

from flask import request
from sqlalchemy import select

from postcheck.admin.session import COOKIE_NAME
from postcheck.auth import create_token, revoke_token
from postcheck.store.models import AdminSession, Role
from tests.admin.conftest import TOKEN_NAME
from tests.admin.helpers import csrf_token, field_error, post_form, sign_in
from tests.store.backends import make_app

PAGES = ["/admin/now", "/admin/elections", "/admin/elections/new", "/admin/elections/import", "/admin/roster",
         "/admin/roster/import", "/admin/roster/people/new", "/admin/roster/parties/new", "/admin/roster/roles/new",
         "/admin/channels", "/admin/channels/new", "/admin/rules", "/admin/try", "/admin/outcomes", "/admin/audit",
         "/admin/roster.csv", "/admin/elections/local.haringey.2026-05-07/edit"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_needs_a_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/sign-in?next=")


def test_every_page_opens_once_signed_in_with_security_headers(signed_in):
    for path in PAGES:
        response = signed_in.get(path)
        assert response.status_code == 200, path
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["Cache-Control"] == "no-store"
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            assert "<script>" not in html and " style=" not in html and " onclick=" not in html, path


def test_the_preview_answers_401_json_without_a_session(client):
    response = client.get("/admin/elections/preview?kind=local&poll_date=4/5/2028")
    assert response.status_code == 401 and "sign in" in response.get_json()["error"]


def test_a_wrong_token_is_told_plainly_and_slowed_down(database_url):
    app = make_app(database_url, ADMIN_SIGNIN_FAILURE_DELAY_SECONDS=0.3, SECRET_KEY="k")
    try:
        client = app.test_client()
        started = time.monotonic()
        response = post_form(client, "/admin/sign-in", {"token": "pc_not-a-real-token"})
        assert time.monotonic() - started >= 0.3
        assert response.status_code == 401
        assert "not valid or has been revoked" in field_error(response.get_data(as_text=True), "token")
        assert "postcheck_admin" not in response.headers.get("Set-Cookie", "") or "token_id" not in response.headers.get("Set-Cookie", "")
        assert client.get("/admin/now").status_code == 302
    finally:
        app.extensions["postcheck"].store.dispose()


def test_sign_in_attempts_are_rate_limited(database_url):
    app = make_app(database_url, ADMIN_SIGNIN_FAILURE_DELAY_SECONDS=0, ADMIN_SIGNIN_RATE_LIMIT="3 per minute", SECRET_KEY="k")
    try:
        client = app.test_client()
        answers = [post_form(client, "/admin/sign-in", {"token": f"pc_wrong{i}"}).status_code for i in range(4)]
        assert answers == [401, 401, 401, 429]
        limited = post_form(client, "/admin/sign-in", {"token": "pc_wrong"})
        assert limited.mimetype == "text/html" and "Too many" in limited.get_data(as_text=True)
    finally:
        app.extensions["postcheck"].store.dispose()


def test_the_session_cookie_is_httponly_samesite_scoped_and_holds_no_token(client, token, caplog):
    caplog.set_level(logging.DEBUG)
    response = sign_in(client, token)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("postcheck_admin=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/admin" in cookie and "Expires=" in cookie and "Secure" not in cookie  # plain http here
    assert token not in cookie and token not in caplog.text
    assert client.get(response.headers["Location"]).status_code == 200
    assert TOKEN_NAME in client.get("/admin/now").get_data(as_text=True)


def test_the_cookie_is_secure_behind_https(client, token):
    # Over HTTPS Flask-WTF also wants a same-origin Referer, which the pages' Referrer-Policy keeps sending.
    refused = client.post("/admin/sign-in", data={"token": token, "csrf_token": csrf_token(client)},
                          base_url="https://localhost")
    assert refused.status_code == 400
    direct = post_form(client, "/admin/sign-in", {"token": token}, base_url="https://localhost",
                       headers={"Referer": "https://localhost/admin/sign-in"})
    assert "Secure" in direct.headers["Set-Cookie"]
    # With no trusted proxy configured, a client's own X-Forwarded-Proto is not believed.
    claimed = post_form(client, "/admin/sign-in", {"token": token}, page="/admin/now",
                        headers={"X-Forwarded-Proto": "https"})
    assert claimed.status_code == 302 and "Secure" not in claimed.headers["Set-Cookie"]


def test_the_cookie_is_secure_behind_a_trusted_proxy_that_ends_tls(database_url):
    app = make_app(database_url, TRUSTED_PROXY_HOPS=1, ADMIN_SIGNIN_FAILURE_DELAY_SECONDS=0, SECRET_KEY="k")
    try:
        token, _row = create_token(app.extensions["postcheck"].store, "A", "admin", "tests")
        client = app.test_client()
        proxied = post_form(client, "/admin/sign-in", {"token": token},
                            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7",
                                     "X-Forwarded-Host": "localhost", "Referer": "https://localhost/admin/sign-in"})
        assert proxied.status_code == 302 and "Secure" in proxied.headers["Set-Cookie"]
    finally:
        app.extensions["postcheck"].store.dispose()


def test_the_secure_flag_can_be_forced(database_url):
    app = make_app(database_url, ADMIN_COOKIE_SECURE="true", ADMIN_SIGNIN_FAILURE_DELAY_SECONDS=0, SECRET_KEY="k")
    try:
        token, _row = create_token(app.extensions["postcheck"].store, "A", "admin", "tests")
        assert "Secure" in sign_in(app.test_client(), token).headers["Set-Cookie"]
    finally:
        app.extensions["postcheck"].store.dispose()


def test_sign_out_ends_the_session_and_needs_its_csrf_token(signed_in):
    refused = signed_in.post("/admin/sign-out")
    assert refused.status_code == 400 and "security code" in refused.get_data(as_text=True)
    assert signed_in.get("/admin/now").status_code == 200
    out = post_form(signed_in, "/admin/sign-out", {}, page="/admin/now")
    assert out.status_code == 302 and signed_in.get("/admin/now").status_code == 302


def test_sign_out_ends_the_session_for_every_copy_of_its_cookie(admin_app, signed_in):
    """Issue 17, item 3: a copy of the cookie taken before sign-out opened and changed /admin after it."""
    copy = admin_app.test_client()
    copy.set_cookie(COOKIE_NAME, signed_in.get_cookie(COOKIE_NAME, path="/admin").value, path="/admin")
    form_token = csrf_token(copy, "/admin/roster/roles/new")  # the copy works, and has the form's token
    post_form(signed_in, "/admin/sign-out", {}, page="/admin/now")
    assert copy.get("/admin/now").status_code == 302, "the copied cookie still opens /admin after sign-out"
    added = copy.post("/admin/roster/roles/new", data={"csrf_token": form_token, "name": "Added After Sign-out"})
    assert added.status_code in (302, 400)
    with admin_app.extensions["postcheck"].store.transaction() as session:
        assert session.scalar(select(Role).where(Role.name == "Added After Sign-out")) is None
        assert session.scalars(select(AdminSession)).all() == []


def test_the_cookie_holds_a_random_session_id_that_the_database_knows_only_by_its_hash(admin_app, signed_in):
    with admin_app.extensions["postcheck"].store.transaction() as session:
        stored = session.scalars(select(AdminSession)).all()
    assert len(stored) == 1
    cookie = signed_in.get_cookie(COOKIE_NAME, path="/admin").value
    assert stored[0].session_hash not in cookie


def test_a_revoked_token_ends_its_sessions(admin_app, signed_in):
    store = admin_app.extensions["postcheck"].store
    token_id = next(t.id for t in __import__("postcheck.auth", fromlist=["list_tokens"]).list_tokens(store)
                    if t.name == TOKEN_NAME)
    revoke_token(store, token_id, "tests")
    assert signed_in.get("/admin/now").status_code == 302


def test_sessions_expire_after_the_setting(database_url):
    app = make_app(database_url, ADMIN_SESSION_MINUTES=1 / 60, ADMIN_SIGNIN_FAILURE_DELAY_SECONDS=0, SECRET_KEY="k")
    try:
        token, _row = create_token(app.extensions["postcheck"].store, "A", "comms", "tests")
        client = app.test_client()
        sign_in(client, token)
        assert client.get("/admin/now").status_code == 200
        time.sleep(2.2)
        assert client.get("/admin/now").status_code == 302
    finally:
        app.extensions["postcheck"].store.dispose()


def test_next_only_leads_inside_admin(client, token):
    inside = post_form(client, "/admin/sign-in", {"token": token, "next": "/admin/rules"})
    assert inside.headers["Location"] == "/admin/rules"
    for target in ("https://evil.example/", "//evil.example/admin/", "/api/v1/tokens", "/\\evil.example"):
        response = post_form(client, "/admin/sign-in", {"token": token, "next": target}, page="/admin/now")
        assert response.headers["Location"] == "/admin/now", target


def test_the_sign_in_form_needs_its_csrf_token(client, token):
    response = client.post("/admin/sign-in", data={"token": token})
    assert response.status_code == 400 and client.get("/admin/now").status_code == 302


def test_the_api_keeps_bearer_tokens_and_no_csrf(admin_app, signed_in, token):
    body = {"name": "Noel Park by-election", "kind": "local", "poll_date": "4 February 2027", "scope": ["Noel Park"]}
    assert signed_in.post("/api/v1/elections", json=body, headers={"Authorization": f"Bearer {token}"}).status_code == 201
    # The admin cookie is scoped to /admin: it is no credential for the API.
    refused = signed_in.get("/api/v1/elections")
    assert refused.status_code == 401 and refused.get_json()["code"] == 401  # the API's own JSON errors


def test_sessions_are_opened_only_where_the_cookie_is_sent(admin_app, signed_in):
    # A null session outside /admin: nothing to sign or decide per check, and nothing there can write one.
    interface = admin_app.session_interface
    for path, opened in [("/admin", True), ("/admin/now", True), ("/api/v1/check", False), ("/administrator", False),
                         ("/healthz", False), ("/", False)]:
        with admin_app.test_request_context(path):
            assert interface.is_null_session(interface.open_session(admin_app, request)) is not opened, path
    assert signed_in.get("/admin/now").status_code == 200  # the signed-in session still opens


def test_unknown_admin_pages_are_friendly(signed_in):
    response = signed_in.get("/admin/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Page not found" in response.get_data(as_text=True)
    assert csrf_token(signed_in, "/admin/now")
