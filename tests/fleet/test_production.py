"""The server in production, as real gunicorn processes over HTTP: readiness, version, metrics summed
across workers, JSON logs without text or tokens, and refusing unsafe settings."""
from __future__ import annotations

import json
import subprocess

import pytest
import requests

from postcheck import __version__, create_app
from postcheck.production import UnsafeSettings
from tests.conftest import RULES_DIR
from tests.fleet.servers import BIN, ServerProcess

DRAFT = "What a pr!ck Zebedee-Quintessential-4471 was"


@pytest.fixture()
def production_server(tmp_path):
    server = ServerProcess(tmp_path, "prod", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", WORKERS=2,
                           LOG_FORMAT="json").wait_ready()
    yield server
    server.stop()


def test_ready_version_metrics_and_logs(production_server):
    url = production_server.url
    assert requests.get(f"{url}/healthz", timeout=5).status_code == 200
    ready = requests.get(f"{url}/readyz", timeout=5)
    assert ready.status_code == 200 and ready.json() == {"status": "ready", "problems": []}
    version = requests.get(f"{url}/api/v1/version", timeout=5).json()
    assert version["version"] == __version__ and version["rules_version"]

    token = "pc_secret-token-value-9876"
    for _ in range(6):  # two workers answer these between them
        response = requests.post(f"{url}/api/v1/check?draft=Zebedee-Quintessential-4471", json={"text": DRAFT},
                                 headers={"Authorization": f"Bearer {token}", "X-Request-Id": "req-fleet-1"}, timeout=5)
        assert response.status_code == 200
        assert response.headers["X-Request-Id"] == "req-fleet-1"
    assert requests.post(f"{url}/api/v1/check", data="{", headers={"Content-Type": "application/json"},
                         timeout=5).status_code == 400
    lt = requests.post(f"{url}/v2/check", data={"text": DRAFT, "language": "en-GB"}, timeout=5)
    assert lt.status_code == 200 and lt.json()["matches"]

    metrics = requests.get(f"{url}/metrics", timeout=5)
    assert metrics.status_code == 200
    text = metrics.text
    samples = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line and not line.startswith("#")}
    assert samples['postcheck_checks_total{api="v1"}'] == 6, "counts from both workers are added up"
    assert samples['postcheck_checks_total{api="languagetool"}'] == 1
    assert samples['postcheck_warnings_total{category="offensive",rule="offensive.strong-language"}'] == 7, \
        "warnings are counted per rule from both check APIs"
    assert samples['postcheck_check_duration_seconds_count{api="v1"}'] == 6
    assert samples['postcheck_http_requests_total{method="POST",route="/api/v1/check",status="400"}'] == 1
    assert samples["postcheck_rules_loaded"] > 0
    assert "Zebedee" not in text and "Quintessential" not in text and token not in text

    production_server.stop()
    log = production_server.log.read_text()
    assert "Zebedee" not in log and "Quintessential" not in log, "draft text never reaches the logs"
    assert token not in log and "draft=" not in log, "nor tokens or query strings"
    events = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    checks = [e for e in events if e.get("event") == "request" and e.get("path") == "/api/v1/check"]
    assert len(checks) == 7
    assert {e["request_id"] for e in checks if e["status"] == 200} == {"req-fleet-1"}
    assert all({"ts", "level", "logger", "event"} <= set(e) for e in events)


def test_production_mode_refuses_unsafe_settings():
    base = {"TESTING": False, "RULES_DIR": str(RULES_DIR), "RULES_RELOAD_SECONDS": 0, "CALENDAR_POLL_SECONDS": 0,
            "DATABASE_URL": "sqlite://", "PRODUCTION": True}
    with pytest.raises(UnsafeSettings, match="POSTCHECK_SECRET_KEY is empty"):
        create_app(base)
    with pytest.raises(ValueError, match="'\\*'"):  # refused in any mode, production or not
        create_app({**base, "SECRET_KEY": "x" * 40, "CORS_ORIGINS": "*"})
    app = create_app({**base, "SECRET_KEY": "x" * 40})
    assert app.test_client().get("/readyz").status_code == 200
    app.extensions["postcheck"].store.dispose()


def test_serve_production_explains_what_is_unsafe(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "POSTCHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "FLASK_DEBUG": "1", "POSTCHECK_RULES_DIR": str(RULES_DIR)}
    result = subprocess.run([str(BIN), "serve", "--production"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "will not start in production mode" in result.stderr
    assert "FLASK_DEBUG" in result.stderr and "POSTCHECK_SECRET_KEY" in result.stderr


def test_readyz_answers_503_when_the_database_is_gone(tmp_path):
    # A PostgreSQL URL where nothing listens: the app starts (checks go on with the seed calendar),
    # but it is not ready for traffic that changes data.
    from tests.fleet.conftest import free_port
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postcheck"
    app = create_app({"TESTING": True, "RULES_DIR": str(RULES_DIR), "DATABASE_URL": url, "DATABASE_TIMEOUT_SECONDS": 1})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert "the database cannot be reached" in response.get_json()["problems"]
