"""The check API's contract, over HTTP through Flask's test client."""
import pytest

from postcheck.engine.schema import CATEGORIES
from tests.conftest import post_check, utf16_slice

OUTSIDE = "2026-09-15T12:00:00+01:00"
INSIDE = "2026-04-20T12:00:00+01:00"  # the 7 May 2026 borough elections' period


def test_clean_post_has_no_warnings_and_the_full_answer_shape(client):
    body = post_check(client, text="Lovely sunny day for the park run!", at=OUTSIDE)
    assert body["warnings"] == []
    assert body["election"] == {"active": False, "period": None, "stale": False}
    assert isinstance(body["rules_version"], str) and body["rules_version"]


def test_empty_text_is_allowed_and_yields_nothing(client):
    assert post_check(client, text="")["warnings"] == []


def test_warning_carries_every_contract_field(client):
    text = "What a pr!ck that bloke was"
    body = post_check(client, text=text, at=OUTSIDE)
    [warning] = [w for w in body["warnings"] if w["category"] == "offensive"]
    assert set(warning) >= {"rule", "category", "severity", "title", "message", "advice", "policy", "spans"}
    assert warning["category"] in CATEGORIES
    assert warning["severity"] in ("high", "medium", "low")
    assert set(warning["policy"]) == {"section", "clause", "quote"} and warning["policy"]["quote"]
    assert [utf16_slice(text, s["start"], s["end"]) for s in warning["spans"]] == ["pr!ck"]


@pytest.mark.parametrize("prefix", [
    "😀😀 ",                 # astral emoji: two UTF-16 units each
    "👩‍👩‍👧‍👦 family ",       # ZWJ sequence
    "e\u0301e\u0301 ",         # combining marks
    "مرحبا بكم ",              # right-to-left script
    "日本語のテキスト ",
    "𝒶𝒷𝒸 ",                   # mathematical letters outside the BMP
])
def test_spans_are_utf16_offsets_after_any_script(client, prefix):
    text = prefix + "ring 07700 900123 and say fuck it"
    body = post_check(client, text=text, at=OUTSIDE)
    marked = {w["category"]: [utf16_slice(text, s["start"], s["end"]) for s in w["spans"]] for w in body["warnings"]}
    assert marked["personal-data"] == ["07700 900123"]
    assert marked["offensive"] == ["fuck"]


def test_whole_post_warning_has_no_spans_and_offers_the_disclaimer_fix(client):
    body = post_check(client, text="so proud of the work we do at @haringeycouncil!", at=OUTSIDE,
                      account={"type": "personal"})
    [warning] = [w for w in body["warnings"] if w["category"] == "disclaimer"]
    assert warning["spans"] == []
    assert "views expressed here are my own" in warning["fix"]["append"]


def test_profile_disclaimer_silences_the_disclaimer_warning(client):
    body = post_check(client, text="so proud of the work we do at @haringeycouncil!", at=OUTSIDE,
                      profile_disclaimer=True)
    assert not [w for w in body["warnings"] if w["category"] == "disclaimer"]


def test_council_handle_without_type_counts_as_council_account(client):
    text = "so proud of the work we do at @haringeycouncil!"
    as_council = post_check(client, text=text, at=OUTSIDE, account={"handle": "@HaringeyCouncil"})
    as_unknown = post_check(client, text=text, at=OUTSIDE, account={"handle": "@someone_else"})
    assert as_council["account"] == {"type": "council"} and as_unknown["account"] == {"type": "personal"}
    assert not [w for w in as_council["warnings"] if w["category"] == "disclaimer"]
    assert [w for w in as_unknown["warnings"] if w["category"] == "disclaimer"]


def test_election_block_and_rules_follow_the_moment(client):
    text = "Cllr Maria Okonjo cut the ribbon at the new library today!"
    inside = post_check(client, text=text, at=INSIDE, account={"type": "council"})
    outside = post_check(client, text=text, at=OUTSIDE, account={"type": "council"})
    assert inside["election"]["active"] is True
    assert inside["election"]["period"]["id"] == "local.haringey.2026-05-07"
    assert [w["severity"] for w in inside["warnings"] if w["category"] == "election"] == ["high"]
    assert outside["election"]["active"] is False
    assert not outside["warnings"]


def test_unknown_fields_are_ignored(client):
    body = post_check(client, text="hello", future_field={"x": 1}, account={"type": "personal", "avatar": "x"})
    assert body["warnings"] == []


def test_date_only_and_naive_moments_are_local_time(client):
    assert post_check(client, text="hi", at="2026-04-20")["election"]["active"] is True
    assert post_check(client, text="hi", at="2026-05-07T21:59:00")["election"]["active"] is True
    assert post_check(client, text="hi", at="2026-05-07T22:00:00")["election"]["active"] is False


# Errors: always JSON with a message, never a 500.

def _error(response, status):
    assert response.status_code == status, response.data
    body = response.get_json()
    assert body["code"] == status and body["message"]
    return body


def test_malformed_json_is_400(client):
    _error(client.post("/api/v1/check", data="{not json", content_type="application/json"), 400)


def test_missing_text_is_422_with_field_details(client):
    body = _error(client.post("/api/v1/check", json={"platform": "twitter"}), 422)
    assert "text" in body["errors"]["json"]
    assert "text" in body["message"]


@pytest.mark.parametrize("payload, field", [
    ({"text": 5}, "text"),
    ({"text": "x", "platform": "myspace"}, "platform"),
    ({"text": "x", "account": {"type": "robot"}}, "account"),
    ({"text": "x", "reply": "perhaps"}, "reply"),
    ({"text": "x", "at": "next tuesday"}, "at"),
    ({"text": "x", "account": "council"}, "account"),
])
def test_schema_errors_are_422_naming_the_field(client, payload, field):
    body = _error(client.post("/api/v1/check", json=payload), 422)
    assert field in body["errors"]["json"]


def test_json_that_is_not_an_object_is_422(client):
    _error(client.post("/api/v1/check", json=["text"]), 422)


def test_non_json_content_type_is_415(client):
    _error(client.post("/api/v1/check", data="text=hello", content_type="application/x-www-form-urlencoded"), 415)


def test_text_over_100000_characters_is_413(client):
    _error(client.post("/api/v1/check", json={"text": "a" * 100_001}), 413)
    assert client.post("/api/v1/check", json={"text": "a " * 50_000}).status_code == 200


def test_body_over_the_byte_limit_is_413(client):
    _error(client.post("/api/v1/check", data='{"text": "' + "a" * 2_000_000 + '"}', content_type="application/json"), 413)


def test_wrong_method_is_405_json(client):
    _error(client.get("/api/v1/check"), 405)


def test_unknown_path_is_404_json(client):
    _error(client.get("/api/v1/nothing-here"), 404)


def test_error_bodies_never_echo_the_draft(client):
    marker = "ZQX-private-draft-4471"
    for payload in ({"text": marker, "at": "not a date " + marker}, {"text": [marker]},
                    {"text": marker, "platform": marker}):
        response = client.post("/api/v1/check", json=payload)
        assert response.status_code == 422
        assert marker not in response.get_data(as_text=True)
