"""Issue 19: a backup made as docs/deploying.md says (PostgreSQL: `pg_dump --format=custom`, then
`pg_restore` into a new, empty database; SQLite: SQLite's online backup, here through Python's
`sqlite3.Connection.backup`, the API the sqlite3 program's `.backup` uses), taken while the server keeps
running and writing, and restored into a fresh database that a new app opens. The new app must find the
calendar, roster, council channels and tokens as they were, accept the tokens, and not seed the
restored database again. Real databases on both backends; two apps per backend, no server processes."""
from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.engine import make_url

from postcheck.auth import create_token, revoke_token
from postcheck.channels import ChannelSchema, create_channel
from postcheck.store import changes
from postcheck.store.models import Role
from tests.store.backends import fresh_postgres_database, make_app

# A backup that hangs (waiting for a lock the running server holds) fails the test instead of hanging it.
BACKUP_TIMEOUT_SECONDS = 60
SEEDED_ELECTION = "gla.a.2028-05-04"  # from policy_rules/elections.yaml: removed before the backup
CHANNEL = {"platform": "twitter", "handle": "@HaringeyYouth", "team": "Youth Services", "owner_name": "Priya Shah",
           "owner_contact": "priya.shah@haringey.gov.uk", "authorised_on": "3 March 2025",
           "authorised_by": "Head of Communications", "staff_with_access": "Priya Shah\nTom Reed"}


def _postgres_program(name: str) -> str:
    """pg_dump or pg_restore from the newest PostgreSQL under /usr/lib/postgresql, as tools/test_postgres.sh
    picks its server (a client older than the server refuses to dump it), else from PATH."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda path: int(re.search(r"/postgresql/(\d+)", path).group(1)))
    program = found[-1] if found else shutil.which(name)
    if not program:
        pytest.fail(f"{name} is not installed: install PostgreSQL's client programs (apt-get install postgresql-client)")
    return program


def _libpq_environment(url: str) -> dict:
    """Where the database is, for pg_dump and pg_restore: in libpq's variables, so a password never
    appears on a command line."""
    parsed = make_url(url)
    settings = {"PGHOST": parsed.host, "PGPORT": parsed.port, "PGUSER": parsed.username,
                "PGPASSWORD": parsed.password, "PGDATABASE": parsed.database}
    return {**os.environ, **{name: str(value) for name, value in settings.items() if value is not None}}


def _run(command: list[str], url: str) -> None:
    done = subprocess.run(command, env=_libpq_environment(url), capture_output=True, text=True,
                          timeout=BACKUP_TIMEOUT_SECONDS)
    assert done.returncode == 0, f"{Path(command[0]).name} failed: {done.stderr}"


def back_up(url: str, folder: Path) -> Path:
    """The backup as the docs say to make it, of the database a server is using."""
    backup = folder / ("postcheck.dump" if url.startswith("postgresql") else "backup.sqlite3")
    if url.startswith("postgresql"):
        _run([_postgres_program("pg_dump"), "--format=custom", f"--file={backup}"], url)
    else:
        source, target = sqlite3.connect(make_url(url).database), sqlite3.connect(backup)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    return backup


def restore(backup: Path, url: str) -> None:
    """The restore as the docs say: into a new, empty database (PostgreSQL), or a copy of the backup file
    where the new server's POSTCHECK_DATABASE_URL points (SQLite), so the backup itself stays untouched."""
    if url.startswith("postgresql"):
        _run([_postgres_program("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
              f"--dbname={make_url(url).database}", str(backup)], url)
    else:
        shutil.copy(backup, make_url(url).database)


@pytest.fixture()
def restored_url(database_url, tmp_path):
    """A second, empty database on the same backend as `database_url`, for the restore."""
    if database_url.startswith("postgresql"):
        with fresh_postgres_database("postcheck_restored") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"


def every_row(store) -> dict[str, list[dict]]:
    """Every row of every table (alembic_version and store_state included), in primary-key order."""
    tables = MetaData()
    tables.reflect(store.engine)
    with store.engine.connect() as connection:
        return {name: [dict(row._mapping) for row in connection.execute(
                    select(table).order_by(*(table.primary_key.columns or table.columns)))]
                for name, table in sorted(tables.tables.items())}


def what_the_api_shows(client, comms: dict, admin: dict) -> dict:
    """The calendar, roster, channels and tokens as a comms officer and IT see them."""
    def read(path, headers):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.get_json())
        return response.get_json()
    check = client.post("/api/v1/check", json={"text": "Great turnout at the youth hub today",
                                               "account": {"handle": "@haringeyyouth"}})
    assert check.status_code == 200, check.get_json()
    return {"elections": read("/api/v1/elections", comms), "non_working_days": read("/api/v1/non-working-days", comms),
            "roster": read("/api/v1/roster", comms), "tokens": read("/api/v1/tokens", admin),
            "channel_account_type": check.get_json()["account"]["type"]}


def _created(response):
    assert response.status_code == 201, response.get_json()
    return response


def test_a_backup_restored_into_a_fresh_database_holds_everything_and_is_not_seeded_again(database_url, restored_url,
                                                                                         tmp_path):
    original = make_app(database_url)
    restored = None
    try:
        store = original.extensions["postcheck"].store
        client = original.test_client()
        admin_token, _row = create_token(store, "Ira Admin, IT", "admin", "tests")
        comms_token, _row = create_token(store, "Jo Bloggs, Press Team", "comms", "tests")
        leaver_token, leaver = create_token(store, "Sam Leaver, Press Team", "comms", "tests")
        revoke_token(store, leaver.id, "tests")
        admin, comms = ({"Authorization": f"Bearer {token}"} for token in (admin_token, comms_token))
        _created(client.post("/api/v1/elections", headers=comms, json={
            "name": "Noel Park by-election", "kind": "local", "poll_date": "Thursday 4 February 2027",
            "scope": ["Noel Park"]}))
        _created(client.post("/api/v1/non-working-days", headers=comms,
                             json={"day": "15 April 2026", "name": "National day of mourning"}))
        _created(client.post("/api/v1/roster/parties", headers=comms, json={"name": "Haringey First", "kind": "group",
                                                                             "hashtags": ["#HaringeyFirst"]}))
        _created(client.post("/api/v1/roster/people", headers=comms, json={
            "name": "Maria Okonjo", "kind": "councillor", "party": "Labour", "ward": "Noel Park",
            "handles": ["@MariaForNoelPark"], "roles": ["Chair of Planning"]}))
        _created(client.post("/api/v1/roster/roles", headers=comms, json={"name": "Chair of Planning"}))
        with store.transaction() as session:
            create_channel(session, ChannelSchema().load(CHANNEL), "tests")
        original.extensions["postcheck"].channels.refresh()
        # A seeded election comms removed: a restored database seeded again would bring it back.
        seeded = client.get(f"/api/v1/elections/{SEEDED_ELECTION}", headers=comms)
        assert client.delete(f"/api/v1/elections/{SEEDED_ELECTION}",
                             headers={**comms, "If-Match": seeded.headers["ETag"]}).status_code == 204

        shown = what_the_api_shows(client, comms, admin)
        rows = every_row(store)
        # The backup runs while the server is in the middle of a write: it needs no exclusive lock, and
        # holds what was committed when it started, not the write in progress.
        with store.transaction() as session:
            changes.create(session, Role(name="Written During The Backup"), "tests")
            backup = back_up(database_url, tmp_path)
        # The running server carries on taking changes; the backup does not hold them.
        _created(client.post("/api/v1/roster/roles", headers=comms, json={"name": "Written After The Backup"}))

        restore(backup, restored_url)
        restored = make_app(restored_url)
        restored_store = restored.extensions["postcheck"].store
        assert every_row(restored_store) == rows, "the restored database differs from the backed-up one"
        fresh = restored.test_client()
        assert what_the_api_shows(fresh, comms, admin) == shown
        # The same, said item by item, so a failure names what is missing.
        assert "local.haringey.noel-park.2027-02-04" in {e["id"] for e in shown["elections"]["elections"]}
        assert SEEDED_ELECTION not in {e["id"] for e in shown["elections"]["elections"]}, "seeded again"
        assert shown["non_working_days"] == [{"day": "2026-04-15", "name": "National day of mourning"}]
        roster = shown["roster"]
        assert "Haringey First" in {p["name"] for p in roster["parties"]}
        assert [(p["name"], p["handles"]) for p in roster["people"]] == [("Maria Okonjo", ["@MariaForNoelPark"])]
        assert {"Chair of Planning"} <= {r["name"] for r in roster["roles"]}
        assert not {"Written During The Backup", "Written After The Backup"} & {r["name"] for r in roster["roles"]}
        assert shown["channel_account_type"] == "council"
        assert {t["name"]: bool(t["revoked_at"]) for t in shown["tokens"]} == {
            "Ira Admin, IT": False, "Jo Bloggs, Press Team": False, "Sam Leaver, Press Team": True}
        # The tokens still authenticate (only their hashes were backed up), and a revoked one stays revoked.
        assert fresh.get("/api/v1/elections", headers={"Authorization": f"Bearer {leaver_token}"}).status_code == 401
        # The restored database takes new rows: its id sequences came back with the rows.
        added = _created(fresh.post("/api/v1/roster/roles", headers=comms, json={"name": "Added After The Restore"}))
        assert added.get_json()["id"] > max(row["id"] for row in rows["roles"])
        # The original kept running through all of it, on its own database.
        names = {r["name"] for r in client.get("/api/v1/roster/roles", headers=comms).get_json()}
        assert {"Written During The Backup", "Written After The Backup"} <= names
        assert "Added After The Restore" not in names
    finally:
        for app in (original, restored):
            if app is not None:
                app.extensions["postcheck"].store.dispose()
