"""Draft text is personal data: a unique marker posted through every endpoint that takes text, on
success and error paths, must appear in no log record at any level, no row of any table and no error
body. A bearer token must appear in no log record and no row (its name may)."""
import json
import logging

import pytest

from tests.hardening.helpers import dump_database, openapi_document, operations
from tests.store.backends import bearer

MARKER = "Zq9_PRIVATE_Draft_Marker_4417"  # unlike any rule id, handle or word the rules know
# A part of it is a leak too (an error that quotes the first 20 characters of a field).
FRAGMENT = MARKER[:10]


def _capture(caplog):
    caplog.set_level(logging.DEBUG)  # the root logger, every level
    caplog.set_level(logging.DEBUG, logger="postcheck")  # ours sets its own level


def _logged(caplog) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)


def _send_the_marker_everywhere(api):
    """(response, expected to be an error) for every way a draft, or something mistaken for one, arrives."""
    text = f"ring {MARKER} on 07700 900123, Cllr {MARKER} is a fuck, email {MARKER}@example.com"
    at = "2026-04-20T10:00:00+01:00"  # inside a pre-election period: the election rules run too
    full = {"text": text, "platform": "twitter", "account": {"handle": f"@{MARKER}", "type": "council"},
            "reply": True, "profile_disclaimer": False, "at": at, "unknown_field": MARKER}
    lt = {"language": "en-GB", "postcheckAccount": "personal", "postcheckHandle": f"@{MARKER}",
          "postcheckReply": "true", "postcheckProfileDisclaimer": "false", "postcheckPlatform": "facebook",
          "postcheckAt": at, "enabledCategories": "POSTCHECK_OFFENSIVE", "disabledRules": MARKER}
    data = json.dumps({"annotation": [{"text": text}, {"markup": f"<b data-x='{MARKER}'>"},
                                      {"text": MARKER}, {"markup": "</b>"}]})
    report = {"rule": "offensive.strong-language", "category": "offensive", "outcome": "edited",
              "text": text, "draft": MARKER, "handle": f"@{MARKER}"}
    yield api.post("/api/v1/check", json=full), False
    yield api.post("/api/v1/check", json={**full, "account": {"handle": f"@{MARKER}"}}), False
    yield api.post("/v2/check", data={**lt, "text": text}), False
    yield api.post("/v2/check", data={**lt, "data": data}), False
    yield api.post("/api/v1/feedback", json=report), False
    # Error paths: the marker in each field that can be wrong.
    yield api.post("/api/v1/check", json={**full, "at": MARKER}), True
    yield api.post("/api/v1/check", json={**full, "platform": MARKER}), True
    yield api.post("/api/v1/check", json={**full, "account": {"type": MARKER, "handle": MARKER * 10}}), True
    yield api.post("/api/v1/check", json={**full, "reply": MARKER}), True
    yield api.post("/api/v1/check", json={"text": [MARKER]}), True
    yield api.post("/api/v1/check", json=MARKER), True
    yield api.post("/api/v1/check", data="{" + MARKER, content_type="application/json"), True
    yield api.post("/api/v1/check", data=MARKER, content_type="text/plain"), True
    yield api.post("/api/v1/check", json={"text": MARKER * 4000}), True  # over the character limit
    yield api.post("/v2/check", data={**lt, "text": text, "language": MARKER}), True
    yield api.post("/v2/check", data={**lt, "text": text, "postcheckAt": MARKER}), True
    yield api.post("/v2/check", data={**lt, "text": text, "postcheckAccount": MARKER}), True
    yield api.post("/v2/check", data={**lt, "text": text, "postcheckPlatform": MARKER}), True
    yield api.post("/v2/check", data={**lt, "data": "{" + MARKER}), True
    yield api.post("/v2/check", data={**lt, "data": json.dumps({"annotation": [{"text": MARKER, "markup": MARKER}]})}), True
    yield api.post("/v2/check", data={**lt, "text": MARKER * 4000}), True
    yield api.post("/api/v1/feedback", json={**report, "rule": MARKER}), True
    yield api.post("/api/v1/feedback", json={**report, "outcome": MARKER}), True
    yield api.post("/api/v1/feedback", json={**report, "extension_version": MARKER + " x"}), True
    # A comment goes only with reported_wrong: with another outcome it is accepted and dropped unread, so the
    # database search below shows it is never stored.
    yield api.post("/api/v1/feedback", json={**report, "comment": MARKER}), False
    yield api.post("/api/v1/feedback", data=MARKER, content_type="application/json"), True


def test_a_draft_leaves_no_trace_in_logs_database_or_errors(api, store_app, caplog):
    _capture(caplog)
    answered = list(_send_the_marker_everywhere(api))
    for response, error in answered:
        assert (response.status_code >= 400) == error, (response.status_code, response.get_data(as_text=True)[:200])
        if error or response.request.path.startswith("/api/"):
            # Error bodies never echo, and the check API's own answer carries spans, not text.
            assert FRAGMENT not in response.get_data(as_text=True), response.request.path
    assert any(r.name == "postcheck.access" for r in caplog.records), "the access log must have been captured"
    assert FRAGMENT not in _logged(caplog)
    rows = dump_database(store_app.extensions["postcheck"].store)
    assert "feedback" in rows or "outcome" in rows, "the outcome report must have been stored, as counts"
    assert FRAGMENT not in rows


def test_a_token_appears_in_no_log_and_no_row(store_app, api, caplog):
    _capture(caplog)
    headers = bearer(store_app, "admin", "Privacy Test Admin")
    token = headers["Authorization"].split(" ", 1)[1]
    secured = [(m, u) for m, u, op in operations(openapi_document()) if op.get("security")]
    assert secured, "the document names the operations that need a token"
    for method, url in secured:
        if (method, url) == ("DELETE", "/api/v1/tokens/1"):
            continue  # revoking a token is done last
        response = api.open(url, method=method, headers=headers, json={} if method in ("POST", "PATCH") else None)
        assert response.status_code not in (401, 403), (method, url)
        assert token not in response.get_data(as_text=True)
    # A change, so the audit table has a row by this token.
    assert api.post("/api/v1/roster/roles", json={"name": "Deputy Leader"}, headers=headers).status_code == 201
    assert api.delete("/api/v1/tokens/1", headers=headers).status_code == 200
    rows = dump_database(store_app.extensions["postcheck"].store)
    assert "Privacy Test Admin" in rows  # the audit names who did it ...
    assert token not in rows             # ... never with what
    assert token not in _logged(caplog)
