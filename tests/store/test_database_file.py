"""Issue 17, items 7 and 8: the SQLite file deleted or replaced under a running server, and the
database timeout honoured on SQLite. A real SQLite file; writes through the HTTP API (test client)."""
from __future__ import annotations

import shutil
import sqlite3
import threading

import pytest

from tests.store.backends import bearer, make_app


@pytest.fixture()
def served(tmp_path):
    path = tmp_path / "postcheck.sqlite3"
    app = make_app(f"sqlite:///{path}")
    yield app, app.test_client(), bearer(app), path
    app.extensions["postcheck"].store.dispose()


def _add_role(client, headers, name):
    return client.post("/api/v1/roster/roles", json={"name": name}, headers=headers)


def _roles_in_file(path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM roles ORDER BY name")]


def _delete(path):
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def test_a_deleted_file_refuses_writes_and_readyz_says_so(served):
    app, client, headers, path = served
    assert _add_role(client, headers, "Before Deletion").status_code == 201
    _delete(path)
    refused = _add_role(client, headers, "Into The Void")
    assert refused.status_code == 503, refused.get_data(as_text=True)
    assert "database file" in refused.get_json()["message"]
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "database file is missing or was replaced" in ready.get_json()["problems"][0]
    assert str(path) not in ready.get_data(as_text=True), "a public page names no server path"
    assert not path.exists(), "no empty database was created in its place"


def test_a_restored_file_is_taken_up_without_a_restart(served, tmp_path):
    app, client, headers, path = served
    assert _add_role(client, headers, "In The Backup").status_code == 201
    backup = tmp_path / "backup.sqlite3"
    with sqlite3.connect(path) as source, sqlite3.connect(backup) as target:
        source.backup(target)
    _delete(path)
    assert _add_role(client, headers, "While Missing").status_code == 503
    shutil.copy(backup, path)
    assert client.get("/readyz").status_code == 200
    assert _add_role(client, headers, "After Restore").status_code == 201
    app.extensions["postcheck"].store.dispose()
    roles = _roles_in_file(path)
    assert {"After Restore", "In The Backup"} <= set(roles), "the write went into the restored file"
    assert "While Missing" not in roles


def test_a_file_replaced_by_something_else_refuses_writes(served):
    app, client, headers, path = served
    _delete(path)
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE notes (text TEXT)")
    assert _add_role(client, headers, "Into The Wrong File").status_code == 503
    assert client.get("/readyz").status_code == 503


def test_the_database_timeout_setting_bounds_the_wait_for_a_locked_file(tmp_path):
    """A write waits for another process's lock only as long as POSTCHECK_DATABASE_TIMEOUT_SECONDS
    (it was fixed at 15 s). The lock here is held for 4 s and the setting is 0.3 s: the write must give
    up with 503 rather than wait for the lock and succeed."""
    path = tmp_path / "postcheck.sqlite3"
    app = make_app(f"sqlite:///{path}", DATABASE_TIMEOUT_SECONDS=0.3)
    try:
        client, headers = app.test_client(), bearer(app)
        locked, release = threading.Event(), threading.Event()

        def hold_the_lock():
            with sqlite3.connect(path, timeout=5) as other:
                other.execute("BEGIN IMMEDIATE")
                locked.set()
                release.wait(4)
                other.rollback()

        holder = threading.Thread(target=hold_the_lock)
        holder.start()
        assert locked.wait(5)
        try:
            response = _add_role(client, headers, "While Locked")
        finally:
            release.set()
            holder.join()
        assert response.status_code == 503, response.get_data(as_text=True)
        assert _add_role(client, headers, "After The Lock").status_code == 201
    finally:
        app.extensions["postcheck"].store.dispose()
