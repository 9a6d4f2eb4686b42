"""POSTCHECK_RATELIMIT_STORAGE_URL with a shared store (several servers behind one proxy): a client
package that is not installed stops start-up with the setting, what is missing and the fix, before the
database is opened; with the package installed, start-up does not need the store to be up."""
import os
import socket
import sys

import pytest
from click.testing import CliRunner
from limits.storage import RedisStorage

from postcheck import create_app
from postcheck.cli import main
from postcheck.config import SettingError
from postcheck.limits import limiter
from tests.conftest import RULES_DIR

# A password in the URL, which no message may repeat.
MISSING_CLIENTS = [
    ("redis://:s3cret@cache.internal:6379/0", "redis", "pip install 'postcheck[redis]'"),
    ("rediss://:s3cret@cache.internal:6380/0", "redis", "pip install 'postcheck[redis]'"),
    ("redis+sentinel://:s3cret@sentinel.internal:26379/postcheck", "redis", "pip install 'postcheck[redis]'"),
    ("redis+cluster://:s3cret@cache.internal:7000,cache.internal:7001", "redis", "pip install 'postcheck[redis]'"),
    ("memcached://cache.internal:11211", "pymemcache", "pip install pymemcache"),
    ("mongodb://postcheck:s3cret@db.internal:27017", "pymongo", "pip install pymongo"),
]


def settings(tmp_path, url: str) -> dict:
    return {"TESTING": True, "RULES_DIR": str(RULES_DIR), "RULES_RELOAD_SECONDS": 0,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'postcheck.sqlite3'}", "RATELIMIT_STORAGE_URL": url}


@pytest.mark.parametrize(("url", "package", "fix"), MISSING_CLIENTS, ids=[u.partition(":")[0] for u, _, _ in MISSING_CLIENTS])
def test_a_store_whose_client_is_not_installed_stops_start_up_with_the_fix(tmp_path, monkeypatch, url, package, fix):
    monkeypatch.setitem(sys.modules, package, None)  # as if not installed, whatever this machine has
    with pytest.raises(SettingError) as stopped:
        create_app(settings(tmp_path, url))
    message = str(stopped.value)
    assert "POSTCHECK_RATELIMIT_STORAGE_URL" in message and f"`{package}`" in message and fix in message
    assert "s3cret" not in message and "internal" not in message
    assert not (tmp_path / "postcheck.sqlite3").exists()  # stopped before the database was opened


def test_serve_production_says_what_is_missing_without_a_traceback(monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)
    # Were the settings let through, serve would replace this process with gunicorn.
    monkeypatch.setattr(os, "execv", lambda *args: pytest.fail("serve --production went ahead"))
    # CliRunner sets these for the call and puts back what was there (serve sets POSTCHECK_PRODUCTION).
    env = {"POSTCHECK_RATELIMIT_STORAGE_URL": "redis://:s3cret@cache.internal:6379/0", "POSTCHECK_PRODUCTION": None,
           "POSTCHECK_BIND": None, "POSTCHECK_SECRET_KEY": "a" * 32, "FLASK_DEBUG": None}
    result = CliRunner().invoke(main, ["serve", "--production"], env=env)
    assert result.exit_code == 1
    assert "Error: setting POSTCHECK_RATELIMIT_STORAGE_URL" in result.output
    assert "pip install 'postcheck[redis]'" in result.output
    assert "Traceback" not in result.output and "s3cret" not in result.output


def test_plain_serve_says_what_is_missing_without_a_traceback(monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)
    monkeypatch.setattr("werkzeug.serving.run_simple", lambda *args, **kwargs: pytest.fail("serve went ahead"))
    env = {"POSTCHECK_RATELIMIT_STORAGE_URL": "redis://:s3cret@cache.internal:6379/0", "POSTCHECK_PRODUCTION": None}
    result = CliRunner().invoke(main, ["serve"], env=env)
    assert result.exit_code == 1, result.output
    assert "Error: setting POSTCHECK_RATELIMIT_STORAGE_URL" in result.output
    assert "Traceback" not in result.output and "s3cret" not in result.output


def test_a_redis_url_is_taken_at_start_up_without_reaching_redis(tmp_path, monkeypatch):
    # The one Limiter serves every app in this process and keeps the storage of the last app made: the
    # later tests' apps must get their own in-process counters back.
    monkeypatch.setattr(limiter, "_storage", limiter._storage)
    monkeypatch.setattr(limiter, "_limiter", limiter._limiter)
    # A port that refuses connections (bound, never listening) for as long as the test runs.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        tried = []
        connect = socket.socket.connect
        monkeypatch.setattr(socket.socket, "connect",
                            lambda sock, address: tried.append(address) or connect(sock, address))
        app = create_app(settings(tmp_path, f"redis://127.0.0.1:{port}/0"))
        try:
            assert isinstance(limiter.storage, RedisStorage)
            assert [a for a in tried if isinstance(a, tuple) and a[1] == port] == []
        finally:
            app.extensions["postcheck"].store.dispose()
