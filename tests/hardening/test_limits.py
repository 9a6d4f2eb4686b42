"""Limits: checks per client (shared by both check protocols, 429 with Retry-After), spans per
warning, request body and text size over real HTTP."""
import json
import urllib.error
import urllib.request

import pytest
from limits import parse

from postcheck import create_app
from postcheck.config import load_settings
from postcheck.engine.evaluate import MAX_SPANS_PER_WARNING
from postcheck.limits import limiter
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
