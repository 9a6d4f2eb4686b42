"""Bodies that cannot be parsed answer 400 with the app's JSON error (LanguageTool's plain text on
/v2/check), never a 500, whichever way json.loads fails: a number past Python's integer-digit limit
(a ValueError) and deep nesting (a RecursionError) as well as broken syntax. A well-formed body that
breaks the schema stays 422. A CSV cell past the csv module's field limit answers 422 naming its line.
(Issue 17, item 2.)"""
from __future__ import annotations

import io
import json

import flask_smorest
import pytest

from postcheck.api import Blueprint
from postcheck.auth import create_token
from tests.admin.helpers import field_error, post_form, sign_in
from tests.store.backends import make_app

DIGITS = 5000  # past sys.get_int_max_str_digits() (4,300)

UNPARSEABLE = {
    "a long number for at": '{"text": "Vote for me", "at": 1' + "0" * DIGITS + "}",
    "a long number for reply": '{"text": "Vote for me", "reply": ' + "9" * DIGITS + "}",
    "arrays 5,000 deep": "[" * 5000,
    "objects 20,000 deep": '{"a":' * 20000,
    "NaN, which is not JSON": '{"text": "Vote for me", "reply": NaN}',
    "broken syntax": '{"text": "Vote for me"',
}

# Each with a body that is well-formed JSON but breaks the operation's schema (422).
JSON_OPERATIONS = {
    "check": ("POST", "/api/v1/check", None, {"text": 5}),
    "feedback": ("POST", "/api/v1/feedback", None, {"rule": "x"}),
    "admin: add an election": ("POST", "/api/v1/elections", "comms", {"name": ""}),
    "admin: add a party": ("POST", "/api/v1/roster/parties", "comms", {"name": 5}),
    "admin: add a non-working day": ("POST", "/api/v1/non-working-days", "admin", {"day": "someday"}),
}


def _send(api, method, path, body, headers):
    return api.open(path, method=method, data=body, content_type="application/json", headers=headers)


def _headers(role, comms, admin):
    return {"comms": comms, "admin": admin}.get(role) or {}


def _is_json_error(response, code: int, what: str = "") -> dict:
    assert response.status_code == code, (what, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == code and body["message"], body
    return body


# The bodies are sent one after another to one app per operation: an app on a database of its own costs
# more than all of them (it was one test, and one app, for each body).
@pytest.mark.parametrize("operation", JSON_OPERATIONS.values(), ids=JSON_OPERATIONS.keys())
def test_a_body_json_cannot_read_answers_400(api, comms, admin, operation):
    method, path, role, _schema_breaking = operation
    for what, body in UNPARSEABLE.items():
        response = _send(api, method, path, body, _headers(role, comms, admin))
        assert "JSON" in _is_json_error(response, 400, what)["message"], what


@pytest.mark.parametrize("operation", JSON_OPERATIONS.values(), ids=JSON_OPERATIONS.keys())
def test_a_well_formed_body_that_breaks_the_schema_stays_422(api, comms, admin, operation):
    method, path, role, schema_breaking = operation
    _is_json_error(_send(api, method, path, json.dumps(schema_breaking), _headers(role, comms, admin)), 422)


def test_the_everyelection_import_reads_its_body_through_get_json_alike(api, comms):
    """This endpoint reads its body with Flask's request.get_json rather than webargs."""
    for what, body in UNPARSEABLE.items():
        response = _send(api, "POST", "/api/v1/elections/import/everyelection", body, comms)
        assert "not valid JSON" in _is_json_error(response, 400, what)["message"], what


def test_the_reason_is_given_without_quoting_the_body(api):
    response = _send(api, "POST", "/api/v1/check", '{"text": "MY-DRAFT", "at": ' + "7" * DIGITS + "}", {})
    message = _is_json_error(response, 400)["message"]
    assert "too many digits" in message and "MY-DRAFT" not in message and "777" not in message


LT_DATA = {
    "arrays 5,000 deep": '{"annotation": ' + "[" * 5000 + "}",
    "objects 20,000 deep": '{"a":' * 20000,
    "a long number": '{"annotation": [{"text": "Vote"}], "n": ' + "9" * DIGITS + "}",
    "a lone surrogate in text": '{"annotation": [{"text": "Vote \\ud83d for me"}]}',
    "a lone surrogate in markup": '{"annotation": [{"text": "Vote"}, {"markup": "<b \\udc00>"}]}',
}


@pytest.mark.parametrize("data", LT_DATA.values(), ids=LT_DATA.keys())
@pytest.mark.parametrize("method", ["POST", "GET"])
def test_languagetool_data_that_cannot_be_read_answers_400_in_plain_text(api, method, data):
    fields = {"language": "en-GB", "data": data}
    if method == "POST":
        response = api.post("/v2/check", data=fields)
    else:
        response = api.get("/v2/check", query_string=fields)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("Error: ")


def test_a_whole_surrogate_pair_in_languagetool_data_is_text(api):
    data = json.dumps({"annotation": [{"text": "Vote for me \U0001F600"}]})  # escaped as \ud83d\ude00
    assert api.post("/v2/check", data={"language": "en-GB", "data": data}).status_code == 200


HEADER = "type,name,kind,party,ward,aliases,handles,hashtags,slogans,roles\r\n"
LONG_CELL = "x" * 140_000  # past csv.field_size_limit() (131,072)


@pytest.mark.parametrize(("text", "line"), [
    (HEADER + "role,Cabinet Member\r\nparty," + LONG_CELL + ",party,,,,,,,\r\n", 3),
    (HEADER + 'party,"Labour,party,,,,,,,\r\n' + ("role,Leader\r\n" * 12_000), 2),  # a quote never closed
    ("type,name," + LONG_CELL + "\r\n", 1),
], ids=["a long cell", "an unclosed quote", "a long header"])
def test_a_csv_cell_past_the_field_limit_answers_422_naming_its_line(api, comms, text, line):
    response = api.post("/api/v1/roster.csv", data=text.encode(), content_type="text/csv", headers=comms)
    message = _is_json_error(response, 422)["message"]
    assert message.startswith(f"line {line}: ") and "131,072" in message


@pytest.fixture()
def signed_in_page(database_url):
    """A client signed in to the /admin pages with a comms token."""
    app = make_app(database_url, SECRET_KEY="test-secret", ADMIN_SIGNIN_FAILURE_DELAY_SECONDS=0)
    token, _row = create_token(app.extensions["postcheck"].store, "Page user", "comms", "tests")
    client = app.test_client()
    sign_in(client, token)
    yield client
    app.extensions["postcheck"].store.dispose()


def _upload(client, path, body: bytes, name: str, **fields):
    return post_form(client, path, {"file": (io.BytesIO(body), name), **fields}, page=path,
                     content_type="multipart/form-data")


def test_the_roster_page_explains_a_csv_cell_past_the_field_limit(signed_in_page):
    text = HEADER + "party," + LONG_CELL + ",party,,,,,,,\r\n"
    response = _upload(signed_in_page, "/admin/roster/import", text.encode(), "roster.csv", action="preview")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "file").startswith("line 2: ")


@pytest.mark.parametrize("body", [UNPARSEABLE["arrays 5,000 deep"], UNPARSEABLE["a long number for at"]],
                         ids=["deep", "long number"])
def test_the_elections_page_import_explains_a_file_json_cannot_read(signed_in_page, body):
    response = _upload(signed_in_page, "/admin/elections/import", body.encode(), "x.json")
    assert response.status_code == 422 and "not JSON" in field_error(response.get_data(as_text=True), "file")


def test_every_api_blueprint_reads_json_through_the_one_parser(store_app):
    """A blueprint made from flask_smorest.Blueprint directly would read bodies with webargs' own parser,
    where deep nesting and long numbers are 500s again."""
    smorest = [bp for bp in store_app.blueprints.values() if isinstance(bp, flask_smorest.Blueprint)]
    assert smorest and all(isinstance(bp, Blueprint) for bp in smorest), \
        [bp.name for bp in smorest if not isinstance(bp, Blueprint)]
