"""Learned warnings through the API, on a rule folder whose model is tiny and hand-made (every weight
known), so each answer follows from the numbers: ids, cards, source, confidence, spans, merging with
the rules, /v2/check, GET /api/v1/rules, the OpenAPI document, and reloading a broken model."""
import pytest

from postcheck import create_app
from postcheck.model import artefact
from tests.conftest import utf16_slice
from tests.model.conftest import tiny_layer

MUPPET = "Honestly what a muppet he is"


@pytest.fixture()
def tiny_rules(rules_copy):
    layer = tiny_layer({"muppet": {"harassment": 6.0}, "napalm": {"violent": 6.0}})
    artefact.save(layer.model, rules_copy / "model", {"trained_on": {"posts": 2, "files": ["a", "b"]}})
    return rules_copy


@pytest.fixture()
def client(tiny_rules):
    return create_app({"TESTING": True, "RULES_DIR": str(tiny_rules), "RULES_RELOAD_SECONDS": 0}).test_client()


def check(client, text, **body):
    response = client.post("/api/v1/check", json={"text": text, "at": "2026-09-15T10:00:00+01:00", **body})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_learned_warning_carries_its_card_source_confidence_and_words(client):
    answer = check(client, MUPPET)
    [w] = answer["warnings"]
    assert (w["rule"], w["category"], w["source"]) == ("model.harassment", "harassment", "model")
    assert w["title"] == "Targets a person" and w["policy"]["clause"] == "12. Be aware of bullying and harassment"
    assert w["confidence"] == pytest.approx(0.88, abs=0.005)
    assert [utf16_slice(MUPPET, s["start"], s["end"]) for s in w["spans"]] == ["muppet"]
    assert answer["incomplete"] is False and "not_checked" not in answer


def test_where_the_rule_and_model_agree_one_warning_is_shown_the_rules(client):
    [w] = check(client, "Tottenham needs napalm", account={"type": "personal"})["warnings"]
    assert w["rule"] == "violent.destroying-a-place" and w["source"] == "both"
    assert w["confidence"] == pytest.approx(0.88, abs=0.005)


def test_a_rules_warning_says_so_and_carries_no_confidence(client):
    [w] = check(client, "call me on 07700 900123")["warnings"]
    assert w["source"] == "rules" and "confidence" not in w


def test_v2_check_carries_learned_matches_like_any_other(client):
    response = client.post("/v2/check", data={"text": MUPPET, "language": "en-GB"})
    assert response.status_code == 200
    body = response.get_json()
    [match] = body["matches"]
    assert match["rule"]["id"] == "MODEL_HARASSMENT" and match["rule"]["category"]["id"] == "POSTCHECK_HARASSMENT"
    assert MUPPET[match["offset"]:match["offset"] + match["length"]] == "muppet"
    assert body["warnings"]["incompleteResults"] is False


def test_rules_endpoint_shows_each_category_of_the_model(client):
    body = client.get("/api/v1/rules").get_json()
    model = body["model"]
    assert model["trained_on"]["posts"] == 2
    by_category = {c["category"]: c for c in model["categories"]}
    assert by_category["harassment"]["id"] == "model.harassment"
    assert by_category["harassment"]["threshold"] == 0.5
    assert by_category["disclaimer"]["when"] == {"account": "personal", "profile_disclaimer": False}


def test_openapi_documents_the_new_fields(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    warning = spec["components"]["schemas"]["Warning"]["properties"]
    assert warning["source"]["enum"] == ["rules", "model", "both"] and warning["confidence"]["type"] == "number"
    answer = spec["components"]["schemas"]["CheckResponse"]["properties"]
    assert "incomplete" in answer and "not_checked" in answer
    feedback = spec["components"]["schemas"]["Feedback"]["properties"]
    assert feedback["source"]["enum"] == ["rules", "model", "both"]


def test_a_broken_model_keeps_the_last_good_one_and_a_new_one_changes_the_version(client, tiny_rules):
    source = client.application.extensions["postcheck"].rules
    before = source.current.version
    weights = tiny_rules / "model" / "weights.npy"
    weights.write_bytes(weights.read_bytes()[:-8])  # cut short, as a full disk or a half copy would
    assert source.reload(force=True) is False
    body = client.get("/api/v1/rules").get_json()
    assert any("model/weights.npy" in line for line in body["reload_error"])
    assert body["rules_version"] == before
    assert check(client, MUPPET)["warnings"][0]["rule"] == "model.harassment", "the last good model still works"
    layer = tiny_layer({"muppet": {"harassment": 8.0}})
    artefact.save(layer.model, tiny_rules / "model", {})
    assert source.reload(force=True) is True
    assert source.current.version != before
    assert check(client, MUPPET)["warnings"][0]["confidence"] == pytest.approx(0.98, abs=0.005)
