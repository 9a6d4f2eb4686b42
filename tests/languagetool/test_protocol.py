"""The /v2 endpoints against LanguageTool's documented response shape, over Flask's test client."""
import json
import logging

import pytest

from tests.conftest import utf16_slice

DOCUMENTED_MATCH_KEYS = {"message", "shortMessage", "offset", "length", "replacements", "context", "sentence",
                         "type", "rule"}


def lt_check(client, **form):
    form.setdefault("language", "en-GB")
    response = client.post("/v2/check", data=form)
    assert response.status_code == 200, response.data
    return response.get_json()


def test_answer_has_languagetools_documented_shape(client):
    body = lt_check(client, text="What a pr!ck. Ring 07700 900123")
    assert {"name", "version", "apiVersion"} <= set(body["software"])
    assert body["warnings"] == {"incompleteResults": False}
    assert body["language"]["code"] == "en-GB" and body["language"]["name"]
    assert len(body["matches"]) == 2
    for match in body["matches"]:
        assert DOCUMENTED_MATCH_KEYS <= set(match)
        assert isinstance(match["offset"], int) and isinstance(match["length"], int)
        assert all(set(r) == {"value"} for r in match["replacements"])
        assert set(match["context"]) == {"text", "offset", "length"}
        assert match["type"] == {"typeName": "Other"}
        rule = match["rule"]
        assert {"id", "description", "issueType", "category", "urls"} <= set(rule)
        assert set(rule["category"]) == {"id", "name"}
        assert rule["id"] == rule["id"].upper()
        ctx = match["context"]
        assert utf16_slice(ctx["text"], ctx["offset"], ctx["offset"] + ctx["length"]) == \
            utf16_slice("What a pr!ck. Ring 07700 900123", match["offset"], match["offset"] + match["length"])
    first = body["matches"][0]
    assert first["sentence"] == "What a pr!ck."


def test_offsets_are_utf16_after_emoji(client):
    text = "😀😀 f*ck"
    [match] = lt_check(client, text=text)["matches"]
    assert (match["offset"], match["length"]) == (5, 4)  # two emoji are four UTF-16 units, then a space
    assert utf16_slice(text, 5, 9) == "f*ck"


def test_data_annotation_skips_markup_and_answers_in_original_offsets(client):
    annotation = {"annotation": [
        {"markup": "<p class=\"f*ck\">"}, {"text": "Ring "}, {"markup": "<b>"}, {"text": "07700 900123"},
        {"markup": "</b>"}, {"markup": "<br/>", "interpretAs": "\n"}, {"text": "😀 what a pr!ck"}, {"markup": "</p>"}]}
    original = "".join(i.get("text", i.get("markup")) for i in annotation["annotation"])
    body = lt_check(client, data=json.dumps(annotation))
    marked = {m["rule"]["id"]: utf16_slice(original, m["offset"], m["offset"] + m["length"]) for m in body["matches"]}
    assert marked == {"PERSONAL_DATA_PHONE_NUMBER": "07700 900123", "OFFENSIVE_STRONG_LANGUAGE": "pr!ck"}


@pytest.mark.parametrize("form, kept", [
    ({"disabledRules": "OFFENSIVE_STRONG_LANGUAGE"}, {"PERSONAL_DATA_PHONE_NUMBER"}),
    ({"disabledCategories": "POSTCHECK_PERSONAL_DATA"}, {"OFFENSIVE_STRONG_LANGUAGE"}),
    ({"enabledRules": "PERSONAL_DATA_PHONE_NUMBER", "enabledOnly": "true"}, {"PERSONAL_DATA_PHONE_NUMBER"}),
    ({"enabledCategories": "POSTCHECK_OFFENSIVE", "enabledOnly": "true"}, {"OFFENSIVE_STRONG_LANGUAGE"}),
    ({"enabledRules": "PERSONAL_DATA_PHONE_NUMBER"}, {"PERSONAL_DATA_PHONE_NUMBER", "OFFENSIVE_STRONG_LANGUAGE"}),
    ({"someFutureParameter": "x"}, {"PERSONAL_DATA_PHONE_NUMBER", "OFFENSIVE_STRONG_LANGUAGE"}),
])
def test_rule_and_category_filters(client, form, kept):
    body = lt_check(client, text="ring 07700 900123 and f*ck it", **form)
    assert {m["rule"]["id"] for m in body["matches"]} == kept


def test_postcheck_parameters_give_account_and_moment(client):
    text = "Cllr Maria Okonjo opened the new library today!"
    inside = lt_check(client, text=text, postcheckAccount="council", postcheckAt="2026-04-20T10:00:00+01:00")
    outside = lt_check(client, text=text, postcheckAccount="council", postcheckAt="2026-09-15T10:00:00+01:00")
    assert [m["rule"]["id"] for m in inside["matches"]] == ["ELECTION_NAMES_COUNCILLOR"]
    assert inside["postcheck"]["election"]["active"] is True
    assert outside["matches"] == []


def test_whole_post_warning_marks_the_last_word_and_replaces_it_with_the_fix(client):
    text = "so proud of the work we do at @haringeycouncil!"
    [match] = lt_check(client, text=text)["matches"]
    assert utf16_slice(text, match["offset"], match["offset"] + match["length"]) == "@haringeycouncil!"
    assert match["replacements"][0]["value"].startswith("@haringeycouncil! The views expressed here are my own")


@pytest.mark.parametrize("form, status, words", [
    ({"text": "hello"}, 400, "language"),
    ({"language": "de-DE", "text": "hallo"}, 400, "English"),
    ({"language": "en-GB"}, 400, "'text' or 'data'"),
    ({"language": "en-GB", "data": "{not json"}, 400, "JSON"),
    ({"language": "en-GB", "data": json.dumps({"annotation": [{"text": "a", "markup": "b"}]})}, 400, "exactly one"),
    ({"language": "en-GB", "text": "hi", "postcheckAccount": "robot"}, 400, "postcheckAccount"),
    ({"language": "en-GB", "text": "hi", "postcheckAt": "soon"}, 400, "postcheckAt"),
    ({"language": "en-GB", "text": "hi", "enabledOnly": "true"}, 400, "enabledOnly"),
    ({"language": "en-GB", "text": "a" * 100_001}, 413, "limit"),
])
def test_errors_answer_plain_text_as_languagetool_does(client, form, status, words):
    response = client.post("/v2/check", data=form)
    assert response.status_code == status
    assert response.mimetype == "text/plain"
    assert words in response.get_data(as_text=True)


@pytest.mark.parametrize("language, named", [
    ("de-DE", "Error: 'de-DE' is not a language code known to this server"),
    ("EN_gb_oxendict", "Error: 'EN_gb_oxendict' is not a language code"),
    # Cut to 20 characters, as LanguageTool cuts what it quotes.
    ("zz-abcdefgh-abcdefgh-abcdefgh", "Error: 'zz-abcdefgh-abcdefgh…' is not a language code"),
])
def test_an_unknown_language_code_is_named_in_the_error(client, language, named):
    response = client.post("/v2/check", data={"language": language, "text": "hallo"})
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith(named)


@pytest.mark.parametrize("language", ["Call me on 07700 900123", "de-DE\n[FORGED] line", "en-GB\u2028x", "ab;cd"])
def test_a_language_value_that_is_no_code_is_described_not_quoted(client, language):
    response = client.post("/v2/check", data={"language": language, "text": "hallo"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert body == (f"Error: 'language' (a value of {len(language)} characters, not quoted) is not a language code "
                    "known to this server; it checks English (en, en-GB, en-US...)")


def test_languages_and_healthcheck(client):
    languages = client.get("/v2/languages").get_json()
    assert {"name": "English (GB)", "code": "en", "longCode": "en-GB"} in languages
    assert all(lang["code"] == "en" for lang in languages)
    health = client.get("/v2/healthcheck")
    assert health.status_code == 200 and health.mimetype == "text/plain"


def test_protocol_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/v2/check", "/v2/languages", "/v2/healthcheck"} <= set(paths)


def test_text_never_reaches_the_logs_or_error_bodies(client, caplog):
    marker = "LTQ-private-draft-5521"
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="postcheck")
    lt_check(client, text=f"{marker} f*ck")
    errors = [client.post("/v2/check", data={"text": marker}),
              client.post("/v2/check", data={"language": "en", "data": marker}),
              # A draft sent in the wrong parameter: a language code is named, a draft is not.
              client.post("/v2/check", data={"language": f"{marker} f*ck", "text": marker})]
    for response in errors:
        assert response.status_code == 400 and marker not in response.get_data(as_text=True)
    assert caplog.records
    assert not [r for r in caplog.records if marker in r.getMessage()]
