"""Fixtures for the comms pages: an app on each storage backend (SQLite, and PostgreSQL when
`make test` has started one), a comms token, and a client signed in with it. The browser tests'
fixtures are in browser.py beside this file."""
from __future__ import annotations

import pytest

from postcheck.auth import create_token
from tests.admin.helpers import sign_in
from tests.admin.browser import admin, admin_server, chromium  # noqa: F401  (browser fixtures)
from tests.store.backends import database_url, make_app  # noqa: F401  (database_url is a fixture)

TOKEN_NAME = "Jo Bloggs, Press Team"


@pytest.fixture()
def admin_app(database_url):  # noqa: F811
    app = make_app(database_url, ADMIN_SIGNIN_FAILURE_DELAY_SECONDS=0, SECRET_KEY="test-secret")
    yield app
    app.extensions["postcheck"].store.dispose()


@pytest.fixture()
def token(admin_app) -> str:
    plain, _row = create_token(admin_app.extensions["postcheck"].store, TOKEN_NAME, "comms", "tests")
    return plain


@pytest.fixture()
def client(admin_app):
    return admin_app.test_client()


@pytest.fixture()
def signed_in(client, token):
    sign_in(client, token)
    return client
