"""Limits: checks per client (shared by both check protocols, 429 with Retry-After), spans per
warning, request body and text size over real HTTP."""
import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from limits import parse
from limits.storage import storage_from_string

from postcheck import create_app
from postcheck.config import load_settings
from postcheck.engine.evaluate import MAX_SPANS_PER_WARNING
from postcheck.limits import SweptMemoryStorage, limiter, storage_uri
from tests.conftest import RULES_DIR


@pytest.fixture()
def limited():
    app = create_app({"TESTING": True, "RULES_DIR": str(RULES_DIR), "RULES_RELOAD_SECONDS": 0,
                      "CHECK_RATE_LIMIT": "3 per minute"})
    limiter.reset()  # counters live in the process-wide limiter; start from none
    yield app.test_client()
    limiter.reset()
    app.extensions["postcheck"].store.dispose()


def test_checks_are_limited_per_client_across_both_protocols(limited):
    v1 = lambda client=limited, **kw: client.post("/api/v1/check", json={"text": "hello"}, **kw)  # noqa: E731
    v2 = lambda client=limited, **kw: client.post("/v2/check", data={"text": "hello", "language": "en-GB"}, **kw)  # noqa: E731
    assert [v1().status_code, v2().status_code, v1().status_code] == [200, 200, 200]

    over_json = v1()
    assert over_json.status_code == 429 and int(over_json.headers["Retry-After"]) > 0
    assert over_json.get_json()["code"] == 429 and over_json.get_json()["message"]

    # LanguageTool clients get LanguageTool's kind of error: plain text, not JSON.
    over_lt = v2()
    assert over_lt.status_code == 429 and int(over_lt.headers["Retry-After"]) > 0
    assert over_lt.mimetype == "text/plain" and over_lt.get_data(as_text=True).startswith("Error: ")

    # Another address (another office) has its own budget.
    assert v1(environ_base={"REMOTE_ADDR": "192.0.2.44"}).status_code == 200


def test_the_default_storage_counts_in_this_process_without_a_thread_per_check(limited, monkeypatch):
    # limits' own MemoryStorage starts a threading.Timer whenever its 10 ms one has run out.
    assert isinstance(limiter.storage, SweptMemoryStorage)
    monkeypatch.setattr(threading, "Timer", lambda *a, **k: pytest.fail("a timer thread was started"))
    statuses = []
    for _ in range(4):
        statuses.append(limited.post("/api/v1/check", json={"text": "hello"}).status_code)
        time.sleep(0.02)
    assert statuses == [200, 200, 200, 429]  # and still counts exactly


def test_expired_counters_are_swept_by_later_requests():
    storage = storage_from_string(storage_uri("memory://"))
    storage.SWEEP_SECONDS = 0  # every change sweeps
    time.sleep(0.05)  # the one timer MemoryStorage starts when made has run: only our sweeps are left
    storage.incr("client-a/check", expiry=0.01)
    storage.incr("client-b/check", expiry=60)
    time.sleep(0.03)
    storage.incr("client-b/check", expiry=60)
    # The sweep freed client A's counter though nobody read it again; B's still counts.
    assert "client-a/check" not in storage.storage and storage.get("client-b/check") == 2


def test_a_shared_storage_setting_is_passed_on_as_it_is():
    assert storage_uri("redis://cache.internal:6379/2") == "redis://cache.internal:6379/2"
    assert storage_uri("memory://") == "postcheck-memory://"


def test_the_default_check_limit_is_generous_enough_for_an_office_behind_one_address():
    limit = parse(load_settings({}, environ={})["CHECK_RATE_LIMIT"])
    per_minute = limit.amount * 60 / limit.get_expiry()
    assert per_minute >= 300, "an office of dozens of people typing shares one NAT address"


def test_429_is_in_the_document_for_both_check_operations(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "429" in paths["/api/v1/check"]["post"]["responses"]
    assert "429" in paths["/v2/check"]["post"]["responses"]


def test_hundreds_of_matches_answer_capped_spans(client):
    text = "shit " * 400
    body = client.post("/api/v1/check", json={"text": text}).get_json()
    offensive = [w for w in body["warnings"] if w["category"] == "offensive"]
    assert offensive, body["warnings"]
    assert all(len(w["spans"]) <= MAX_SPANS_PER_WARNING for w in body["warnings"])
    assert max(len(w["spans"]) for w in offensive) == MAX_SPANS_PER_WARNING  # 400 matches, capped
    lt = client.post("/v2/check", data={"text": text, "language": "en-GB"}).get_json()
    assert 0 < len(lt["matches"]) <= MAX_SPANS_PER_WARNING * len(body["warnings"])


def _post(url, payload: bytes):
    request = urllib.request.Request(url, data=payload, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_body_over_the_byte_limit_is_413_over_real_http(live_server_url, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    status, body = _post(f"{live_server_url}/api/v1/check", json.dumps({"text": "a" * (limit + 10)}).encode())
    assert status == 413 and json.loads(body)["code"] == 413


def test_text_over_the_character_limit_is_413_over_real_http(live_server_url, app):
    chars = app.extensions["postcheck"].settings["MAX_TEXT_CHARS"]
    status, body = _post(f"{live_server_url}/api/v1/check", json.dumps({"text": "a" * (chars + 1)}).encode())
    assert status == 413 and json.loads(body)["code"] == 413
    assert b"aaaa" not in body  # the draft is not echoed
