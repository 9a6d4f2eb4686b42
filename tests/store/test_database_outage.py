"""The database goes away under a running app and comes back (issue 19): a PostgreSQL of the test's own,
stopped with `pg_ctl stop -m fast` and started again, and a SQLite file taken away and put back.

While it is away, the /admin sign-in form says the database cannot be reached (503, Retry-After) instead
of calling the token wrong, and every /admin page answers 503 with Retry-After; the council-channels
poll says so once, not at every tick. Once it is back, the same app (no restart) signs in again, the
session from before still holds, and a pooled connection the restart killed is never handed out."""
from __future__ import annotations

import logging
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from postcheck.auth import create_token
from postcheck.channels import LiveChannels
from postcheck.store import Store, StoreUnavailable
from tests.admin.helpers import csrf_token, post_form, sign_in
from tests.fleet.postgres_server import PostgresServer
from tests.store.backends import make_app


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    server = PostgresServer(tmp_path_factory.mktemp("postgres"))
    try:
        yield server.start()
    finally:
        server.close()


class Outage:
    """A database URL for an app, and how to take that database away and bring it back."""

    def __init__(self, url: str, down, up):
        self.url, self.down, self.up = url, down, up


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres), "sqlite"])
def outage(request, tmp_path):
    if request.param == "sqlite":
        folder = tmp_path / "db"
        folder.mkdir()
        yield Outage(f"sqlite:///{folder / 'postcheck.sqlite3'}",
                     down=lambda: folder.rename(tmp_path / "away"), up=lambda: (tmp_path / "away").rename(folder))
        return
    server = request.getfixturevalue("postgres")
    server.start() if not server.running() else None  # a test that failed while it was down
    name = f"outage_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    yield Outage(make_url(server.url).set(database=name).render_as_string(hide_password=False),
                 down=server.stop, up=server.start)
    if not server.running():
        server.start()


@pytest.fixture()
def app(outage):
    app = make_app(outage.url, ADMIN_SIGNIN_FAILURE_DELAY_SECONDS=0, SECRET_KEY="test-secret")
    yield app
    app.extensions["postcheck"].store.dispose()


@pytest.fixture()
def token(app) -> str:
    plain, _row = create_token(app.extensions["postcheck"].store, "Jo Bloggs, Press Team", "comms", "tests")
    return plain


def test_the_sign_in_form_says_the_database_cannot_be_reached_then_signs_in_once_it_is_back(app, outage, token):
    client = app.test_client()
    csrf = csrf_token(client)  # the empty form needs no database
    outage.down()
    response = client.post("/admin/sign-in", data={"csrf_token": csrf, "token": token})
    html = response.get_data(as_text=True)
    # 30 s, or later: the sign-in's rate limit (flask-limiter) keeps the later of its window and ours.
    assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 30
    assert "The database cannot be reached, so nobody can sign in just now" in html
    assert "not valid or has been revoked" not in html  # the token is fine: it was not called wrong
    assert 'name="token"' in html  # the form, ready to send again
    outage.up()
    response = client.post("/admin/sign-in", data={"csrf_token": csrf, "token": token})
    assert response.status_code == 302 and client.get("/admin/now").status_code == 200


def test_admin_pages_answer_503_with_retry_after_and_the_session_holds_once_it_is_back(app, outage, token):
    client = app.test_client()
    sign_in(client, token)
    outage.down()
    page = client.get("/admin/now")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "The database cannot be reached" in page.get_data(as_text=True)
    # The sign-in page, opened with the session's cookie, looks the session up: the form says why it failed.
    form = client.get("/admin/sign-in")
    assert form.status_code == 503 and form.headers["Retry-After"] == "30"
    assert "nobody can sign in just now" in form.get_data(as_text=True)
    outage.up()
    assert client.get("/admin/now").status_code == 200  # still signed in: nothing was cleared meanwhile
    assert post_form(client, "/admin/sign-out", {}).status_code == 302


def test_the_council_channels_poll_says_an_outage_once_and_when_it_ends(app, outage, caplog):
    channels = LiveChannels(app.extensions["postcheck"].store)
    assert channels.refresh() is True
    caplog.set_level(logging.INFO, logger="postcheck.channels")
    outage.down()
    assert [channels.refresh() for _tick in range(5)] == [False] * 5
    outage.up()
    assert channels.refresh() is True
    lines = [record.getMessage() for record in caplog.records if record.name == "postcheck.channels"]
    assert len([line for line in lines if "could not be read" in line]) == 1, lines
    assert lines[-1] == "council channels readable again"


@pytest.mark.postgres
def test_a_connection_killed_by_a_restart_is_never_handed_out(postgres):
    """pool_pre_ping: without it the first transactions after a restart get the pooled connections the
    restart closed, and fail although the database is back."""
    store = Store(postgres.url)
    try:
        with store.transaction() as first, store.transaction() as second, store.transaction() as third:
            for session in (first, second, third):  # three connections at once, all kept by the pool
                session.execute(text("SELECT 1"))
        postgres.stop()
        postgres.start()
        for _kept in range(3):
            with store.transaction() as session:
                assert session.execute(text("SELECT 1")).scalar() == 1
        postgres.stop()
        with pytest.raises(StoreUnavailable):  # down: a 503 for the caller, never a 500
            with store.transaction() as session:
                session.execute(text("SELECT 1"))
        postgres.start()
        with store.transaction() as session:
            assert session.execute(text("SELECT 1")).scalar() == 1
    finally:
        store.dispose()
        if not postgres.running():
            postgres.start()
