"""The storage backends every storage test runs on: SQLite (a file per test) and a real PostgreSQL
(a fresh database per test on the server in POSTCHECK_TEST_POSTGRES_URL, which `make test` starts with
tools/test_postgres.sh). Under CI a missing PostgreSQL fails the tests instead of skipping them."""
from __future__ import annotations

import contextlib
import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from postcheck import create_app
from postcheck.auth import create_token
from tests.conftest import RULES_DIR

UNSKIP = ("To run these: install PostgreSQL (sudo apt-get install postgresql) and run `make test`, which starts "
          "a throwaway server; or run pytest under tools/test_postgres.sh (tools/test_postgres.sh .venv/bin/python -m pytest), "
          "or set POSTCHECK_TEST_POSTGRES_URL to a server where you may create databases")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def postgres_server_url() -> str:
    url = os.environ.get("POSTCHECK_TEST_POSTGRES_URL")
    if not url:
        why = os.environ.get("POSTCHECK_TEST_POSTGRES_MISSING", "POSTCHECK_TEST_POSTGRES_URL is not set (pytest was run without `make test`)")
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but there is no PostgreSQL for the storage tests: {why}")
        pytest.skip(f"no PostgreSQL: {why}. {UNSKIP}")
    return url


@contextlib.contextmanager
def fresh_postgres_database(prefix: str = "postcheck_test"):
    """A new, empty database on the test PostgreSQL server, dropped afterwards; yields its URL."""
    server = make_url(postgres_server_url())
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'postcheck.sqlite3'}"
        return
    with fresh_postgres_database() as url:
        yield url


def make_app(url: str, **settings):
    return create_app({"TESTING": True, "RULES_DIR": str(RULES_DIR), "RULES_RELOAD_SECONDS": 0,
                       "DATABASE_URL": url, **settings})


@pytest.fixture()
def store_app(database_url):
    app = make_app(database_url)
    yield app
    app.extensions["postcheck"].store.dispose()


@pytest.fixture()
def api(store_app):
    return store_app.test_client()


def bearer(app, role: str = "comms", name: str = "Test Comms") -> dict:
    token, _row = create_token(app.extensions["postcheck"].store, name, role, "tests")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture()
def comms(store_app):
    return bearer(store_app, "comms")


@pytest.fixture()
def admin(store_app):
    return bearer(store_app, "admin", "Test Admin")
