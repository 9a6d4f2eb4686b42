"""Where the probe's schemathesis run found the OpenAPI document and the server disagreeing (issue 17,
item 11), each side as decided: the document now states what the server asks (If-Match, date types,
the summary's range, LanguageTool's parameters, the request bodies), and the server refuses what the
document refuses (`0` as a boolean, a missing body) and accepts what it accepts (a comment with any
outcome). test_fuzz.py runs schemathesis itself; these pin each finding in a few requests."""
from __future__ import annotations

import pytest

from tests.hardening.helpers import openapi_document

DOCUMENT = openapi_document()
SCHEMAS = DOCUMENT["components"]["schemas"]
CONDITIONAL = [("patch", "/api/v1/elections/{election_id}"), ("delete", "/api/v1/elections/{election_id}"),
               *((method, f"/api/v1/roster/{part}/{{item_id}}") for part in ("parties", "people", "roles")
                 for method in ("patch", "delete"))]
JSON_BODIES = [(method.upper(), path) for path, item in DOCUMENT["paths"].items() for method, operation in item.items()
               if method in ("post", "put", "patch")
               and "application/json" in operation.get("requestBody", {}).get("content", {})]


def _operation(method: str, path: str) -> dict:
    return DOCUMENT["paths"][path][method]


@pytest.mark.parametrize(("method", "path"), CONDITIONAL)
def test_if_match_is_a_documented_required_header(method, path):
    operation = _operation(method, path)
    (header,) = [p for p in operation.get("parameters", []) if p["in"] == "header" and p["name"] == "If-Match"]
    assert header["required"] is True
    assert {"412", "428"} <= set(operation["responses"])


def test_without_if_match_a_change_answers_the_documented_428(api, comms):
    created = api.post("/api/v1/roster/roles", json={"name": "Portfolio Holder"}, headers=comms)
    assert created.status_code == 201
    assert api.patch(created.headers["Location"], json={"name": "Deputy"}, headers=comms).status_code == 428
    # The ETag it answered is the If-Match its links send (as the stateful fuzzer follows them).
    links = _operation("post", "/api/v1/roster/roles")["responses"]["201"]["links"]
    assert links["Change"]["parameters"]["header.If-Match"] == "$response.header.ETag"
    changed = api.patch(created.headers["Location"], json={"name": "Deputy"},
                        headers={**comms, "If-Match": created.headers["ETag"]})
    assert changed.status_code == 200


@pytest.mark.parametrize(("schema", "field"), [("ElectionIn", "poll_date"), ("ElectionPatch", "poll_date"),
                                                ("NonWorkingDayIn", "day")])
def test_dates_are_documented_as_dates_and_not_null(schema, field):
    prop = SCHEMAS[schema]["properties"][field]
    assert prop["type"] == "string" and prop["format"] == "date" and not prop.get("nullable")


@pytest.mark.parametrize(("path", "body"), [("/api/v1/elections", {"name": "By-election", "kind": "local", "poll_date": None}),
                                            ("/api/v1/non-working-days", {"day": None, "name": "Day of mourning"})])
def test_a_null_date_is_refused_as_the_document_says(api, comms, path, body):
    assert api.post(path, json=body, headers=comms).status_code == 422


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_a_date_outside_the_documented_years_is_refused_not_a_500(api, comms, day):
    for kind in ("local", "gla", "mayor"):
        response = api.post("/api/v1/elections", json={"name": "Far off", "kind": kind, "poll_date": day}, headers=comms)
        assert response.status_code == 422, response.get_data(as_text=True)
    assert api.post("/api/v1/non-working-days", json={"day": day, "name": "Far off"}, headers=comms).status_code == 422
    assert api.get(f"/api/v1/feedback/summary?to={day}", headers=comms).status_code == 422
    assert api.get("/api/v1/elections.ics").status_code == 200


def test_a_comment_with_another_outcome_is_accepted_and_dropped_unread(api, comms):
    report = {"rule": "offensive.strong-language", "category": "offensive", "outcome": "shown", "comment": "COMMENT-MARKER"}
    assert api.post("/api/v1/feedback", json=report).status_code == 202
    wrong = {**report, "outcome": "reported_wrong", "comment": "KEPT-MARKER"}
    assert api.post("/api/v1/feedback", json=wrong).status_code == 202
    summary = str(api.get("/api/v1/feedback/summary", headers=comms).get_json())
    assert "KEPT-MARKER" in summary and "COMMENT-MARKER" not in summary
    assert "dropped unread" in SCHEMAS["Feedback"]["properties"]["comment"]["description"]


def test_the_summary_range_limit_is_documented_and_held(api, comms):
    described = {p["name"]: p.get("description", "") for p in _operation("get", "/api/v1/feedback/summary")["parameters"]}
    assert "366 days" in described["from"]
    assert api.get("/api/v1/feedback/summary?from=2025-01-01&to=2026-01-02", headers=comms).status_code == 200
    assert api.get("/api/v1/feedback/summary?from=2025-01-01&to=2026-01-03", headers=comms).status_code == 422


def test_languagetool_check_documents_its_parameters_where_each_method_takes_them():
    get, post = _operation("get", "/v2/check"), _operation("post", "/v2/check")
    assert "requestBody" not in get  # a GET has no body: its parameters are in the query string
    query = {p["name"]: p for p in get["parameters"] if p["in"] == "query"}
    form = post["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    for language in (query["language"]["schema"], form["properties"]["language"]):
        assert "" not in language["enum"] and "en-GB" in language["enum"]
    assert query["language"]["required"] and "language" in form["required"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_language_the_document_refuses_is_refused(api, method):
    for language in ("", "fr"):
        fields = {"language": language, "text": "Vote for me"}
        response = api.get("/v2/check", query_string=fields) if method == "GET" else api.post("/v2/check", data=fields)
        assert response.status_code == 400 and response.mimetype == "text/plain", language


@pytest.mark.parametrize(("method", "path"), JSON_BODIES)
def test_every_json_body_is_required_and_a_missing_one_is_the_documented_415(api, admin, method, path):
    operation = _operation(method.lower(), path)
    assert operation["requestBody"]["required"] is True and {"400", "415"} <= set(operation["responses"])
    url = path.replace("{election_id}", "local.haringey.2026-05-07").replace("{item_id}", "1")
    headers = {**admin, "If-Match": "*"}
    missing = api.open(url, method=method, headers=headers)
    assert missing.status_code == 415 and missing.get_json()["code"] == 415
    empty = api.open(url, method=method, data="", content_type="application/json", headers=headers)
    assert empty.status_code == 400 and empty.get_json()["code"] == 400


def test_a_patch_without_a_body_changes_nothing_and_says_so(api, comms):
    before = api.get("/api/v1/roster/roles/1", headers=comms)
    response = api.patch("/api/v1/roster/roles/1", headers={**comms, "If-Match": before.headers["ETag"]})
    assert response.status_code == 415
    assert api.get("/api/v1/roster/roles/1", headers=comms).headers["ETag"] == before.headers["ETag"]


@pytest.mark.parametrize(("path", "media"), [("/api/v1/roster.csv", "text/csv"),
                                             ("/api/v1/elections/import/everyelection", "application/json")])
def test_the_imports_document_their_bodies(path, media):
    body = _operation("post", path)["requestBody"]
    assert body["required"] is True and media in body["content"]


@pytest.mark.parametrize("field", ["reply", "profile_disclaimer"])
def test_a_boolean_is_true_or_false_and_nothing_else(api, field):
    for value in (0, 1, "true", "yes", "on", None):
        response = api.post("/api/v1/check", json={"text": "Vote for me", field: value})
        assert response.status_code == 422, (value, response.get_data(as_text=True))
        assert field in response.get_json()["errors"]["json"], value


@pytest.mark.parametrize("value", [True, False])
def test_true_and_false_are_booleans(api, value):
    assert api.post("/api/v1/check", json={"text": "Vote for me", "profile_disclaimer": value, "reply": value}).status_code == 200
