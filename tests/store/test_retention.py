"""Retention on a real database (SQLite and PostgreSQL): comments of outcome reports and audit entries
older than their settings are deleted, newer ones stay, 0 keeps everything, the outcome counts are never
touched, and each run that removed something is one audit line of counts, never the removed content."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from postcheck.config import load_settings
from postcheck.outcomes import record
from postcheck.retention import SERVER_ACTOR, DailyRetention, apply
from postcheck.store import Store
from postcheck.store.changes import audit
from postcheck.store.models import AuditEntry, OutcomeComment, OutcomeCount
from tests.hardening.helpers import dump_database
from tests.store.backends import bearer, make_app

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
# A name that must leave no trace once its audit entry has expired.
GONE = "Zebedee Expiredname"
REPORT = {"rule": "offensive.strong-language", "category": "offensive", "outcome": "reported_wrong",
          "platform": "twitter", "account_type": "personal", "extension_version": "0.1.0"}


def store_of(app) -> Store:
    return app.extensions["postcheck"].store


def comment_on(store, day: dt.date, comment: str) -> None:
    """Through the same function POST /api/v1/feedback uses, on a chosen day."""
    record(store, {**REPORT, "comment": comment}, day)


def audited_at(store, at: dt.datetime, name: str, entity_id: str) -> None:
    with store.transaction() as session:
        audit(session, "Test Admin (token 1)", "create", "person", entity_id, None, {"id": entity_id, "name": name})
        session.flush()
        session.query(AuditEntry).filter(AuditEntry.entity == "person", AuditEntry.entity_id == entity_id) \
            .update({"at": at})


def comments(store) -> list[str]:
    with store.transaction() as session:
        return sorted(session.scalars(select(OutcomeComment.comment)))


def counts(store) -> list[tuple]:
    with store.transaction() as session:
        return sorted(session.execute(select(OutcomeCount.day, OutcomeCount.outcome, OutcomeCount.count)).all())


def audit_rows(store, **where) -> list[AuditEntry]:
    with store.transaction() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEntry, name) == value)
        return list(session.scalars(query))


def test_comments_older_than_the_limit_go_newer_stay_and_the_counts_are_kept(store_app):
    store = store_of(store_app)
    for age in (400, 91, 90, 89, 0):
        comment_on(store, TODAY - dt.timedelta(days=age), f"{age} days old")
    counts_before = counts(store)
    assert len(counts_before) == 5 and all(count == 1 for _day, _outcome, count in counts_before)

    result = apply(store, comment_days=90, audit_days=730, actor="tests", now=NOW)

    assert result.comments_removed == 2 and result.comments_before == TODAY - dt.timedelta(days=90)
    assert comments(store) == ["0 days old", "89 days old", "90 days old"]
    assert counts(store) == counts_before  # every day's count, even 400 days old, is kept as it was


def test_audit_entries_older_than_the_limit_go_with_one_summary_line_of_counts(store_app):
    store = store_of(store_app)
    audited_at(store, NOW - dt.timedelta(days=900), GONE, "1")
    audited_at(store, NOW - dt.timedelta(days=731), GONE, "2")
    audited_at(store, NOW - dt.timedelta(days=729), "Kept Name", "3")
    [newer] = audit_rows(store, entity="person", entity_id="3")

    result = apply(store, comment_days=90, audit_days=730, actor="Jo Admin (command line)", now=NOW)

    cutoff = dt.datetime(2024, 6, 1, tzinfo=UTC)  # 730 days before 1 June 2026, at UTC midnight
    assert result.audit_removed == 2 and result.audit_before == cutoff
    [line] = audit_rows(store, entity="retention")
    assert (line.actor, line.action, line.before) == ("Jo Admin (command line)", "expire", None)
    assert line.after == {"audit_retention_days": 730, "audit_entries_removed": 2,
                          "audit_removed_before": cutoff.isoformat(), "comment_retention_days": 90,
                          "comments_removed": 0, "comments_removed_before": "2026-03-03"}
    assert "2 audit entries before 2024-06-01 00:00 UTC" in line.entity_id
    assert [r.id for r in audit_rows(store, entity="person")] == [newer.id]
    assert GONE not in dump_database(store)  # the summary names no removed content


@pytest.mark.parametrize("comment_days, audit_days", [(0, 0), (0, 730), (90, 0)])
def test_the_setting_0_keeps_everything_of_its_kind(store_app, comment_days, audit_days):
    store = store_of(store_app)
    comment_on(store, TODAY - dt.timedelta(days=5000), "very old comment")
    audited_at(store, NOW - dt.timedelta(days=5000), GONE, "1")

    result = apply(store, comment_days=comment_days, audit_days=audit_days, actor="tests", now=NOW)

    assert (comments(store) == ["very old comment"]) == (comment_days == 0)
    assert (len(audit_rows(store, entity="person")) == 1) == (audit_days == 0)
    assert result.removed_anything == ((comment_days, audit_days) != (0, 0))
    assert len(audit_rows(store, entity="retention")) == (0 if (comment_days, audit_days) == (0, 0) else 1)


def test_a_second_run_the_same_day_removes_nothing_and_audits_nothing(store_app):
    store = store_of(store_app)
    comment_on(store, TODAY - dt.timedelta(days=100), "old")
    audited_at(store, NOW - dt.timedelta(days=800), GONE, "1")
    first = apply(store, 90, 730, "tests", now=NOW)
    second = apply(store, 90, 730, "tests", now=NOW + dt.timedelta(hours=11))
    assert (first.comments_removed, first.audit_removed) == (1, 1)
    assert (second.comments_removed, second.audit_removed) == (0, 0)
    assert len(audit_rows(store, entity="retention")) == 1


def test_servers_applying_it_at_once_remove_each_row_once_with_one_audit_line(database_url):
    """Several server processes on one database: each has its own engine and runs at its own moment."""
    apps = [make_app(database_url) for _ in range(3)]
    try:
        store = store_of(apps[0])
        for n in range(20):
            comment_on(store, TODAY - dt.timedelta(days=200 + n), f"old {n}")
            audited_at(store, NOW - dt.timedelta(days=1000 + n), GONE, str(n))
        start = threading.Barrier(len(apps))
        results = [None] * len(apps)

        def run(i):
            start.wait()
            results[i] = apply(store_of(apps[i]), 90, 730, f"server {i}", now=NOW)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(apps))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sum(r.comments_removed for r in results) == 20
        assert sum(r.audit_removed for r in results) == 20
        assert comments(store) == []
        assert len(audit_rows(store, entity="retention")) == 1  # only the run that removed something
    finally:
        for app in apps:
            store_of(app).dispose()


def test_each_server_process_applies_it_once_a_day(store_app):
    store = store_of(store_app)
    moments = iter([NOW, NOW + dt.timedelta(hours=6), NOW + dt.timedelta(days=1)])
    daily = DailyRetention(store, {"COMMENT_RETENTION_DAYS": 90, "AUDIT_RETENTION_DAYS": 730},
                           clock=lambda: next(moments))
    comment_on(store, TODAY - dt.timedelta(days=91), "expired on the first day")

    assert daily.tick().comments_removed == 1
    comment_on(store, TODAY - dt.timedelta(days=90), "expires on the second day")
    assert daily.tick() is None  # already done today: not even a query
    assert comments(store) == ["expires on the second day"]
    assert daily.tick().comments_removed == 1
    assert comments(store) == []
    assert [r.actor for r in audit_rows(store, entity="retention")] == [SERVER_ACTOR, SERVER_ACTOR]


def test_a_server_run_that_fails_is_tried_again_at_the_next_tick(tmp_path):
    folder = tmp_path / "not-yet"
    store = Store(f"sqlite:///{folder / 'postcheck.sqlite3'}")  # cannot be opened until the folder exists
    try:
        daily = DailyRetention(store, {"COMMENT_RETENTION_DAYS": 90, "AUDIT_RETENTION_DAYS": 730}, clock=lambda: NOW)
        assert daily.tick() is None  # failed, logged, and not counted as today's run
        folder.mkdir()
        store.upgrade()
        comment_on(store, TODAY - dt.timedelta(days=91), "expired")
        assert daily.tick().comments_removed == 1  # the same day, at the next tick
    finally:
        store.dispose()


def test_retention_settings_default_to_90_and_730_days_and_refuse_negatives():
    settings = load_settings(environ={})
    assert (settings["COMMENT_RETENTION_DAYS"], settings["AUDIT_RETENTION_DAYS"]) == (90, 730)
    assert load_settings(environ={"POSTCHECK_AUDIT_RETENTION_DAYS": "0"})["AUDIT_RETENTION_DAYS"] == 0
    for bad in ("-1", "ninety", "1.5"):
        with pytest.raises(ValueError, match="POSTCHECK_COMMENT_RETENTION_DAYS"):
            load_settings(environ={"POSTCHECK_COMMENT_RETENTION_DAYS": bad})


BIN = Path(sys.executable).parent / "postcheck"


def test_the_command_applies_it_and_the_audit_api_shows_the_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    app = make_app(url)
    try:
        store = store_of(app)
        today = dt.datetime.now(UTC).date()
        comment_on(store, today - dt.timedelta(days=120), "old comment")
        comment_on(store, today, "new comment")
        audited_at(store, dt.datetime.now(UTC) - dt.timedelta(days=800), GONE, "1")
        env = {**os.environ, "POSTCHECK_DATABASE_URL": url}
        for name in ("POSTCHECK_COMMENT_RETENTION_DAYS", "POSTCHECK_AUDIT_RETENTION_DAYS"):
            env.pop(name, None)

        done = subprocess.run([str(BIN), "retention", "apply"], capture_output=True, text=True, env=env, timeout=120)

        assert done.returncode == 0, done.stderr
        assert "Outcome comments: removed 1 from before" in done.stdout
        assert "Audit entries: removed 1 from before" in done.stdout
        assert comments(store) == ["new comment"]
        body = app.test_client().get("/api/v1/audit?entity=retention", headers=bearer(app)).get_json()
        [entry] = body["entries"]
        assert entry["actor"].endswith("(command line)") and entry["action"] == "expire"
        assert (entry["after"]["comments_removed"], entry["after"]["audit_entries_removed"]) == (1, 1)
        assert GONE not in str(body)

        again = subprocess.run([str(BIN), "retention", "apply"], capture_output=True, text=True,
                               env={**env, "POSTCHECK_COMMENT_RETENTION_DAYS": "0"}, timeout=120)
        assert again.returncode == 0, again.stderr
        assert "Outcome comments: kept without limit" in again.stdout
        assert "Audit entries: removed 0 from before" in again.stdout

        refused = subprocess.run([str(BIN), "retention", "apply"], capture_output=True, text=True,
                                 env={**env, "POSTCHECK_AUDIT_RETENTION_DAYS": "-1"}, timeout=120)
        assert refused.returncode == 1
        assert "POSTCHECK_AUDIT_RETENTION_DAYS" in refused.stderr and "Traceback" not in refused.stderr
    finally:
        store_of(app).dispose()
