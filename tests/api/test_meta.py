"""The endpoints around the check: rules, health, OpenAPI, CORS."""
from postcheck import create_app
from tests.conftest import RULES_DIR


def test_rules_lists_every_rule_without_patterns(client, app):
    body = client.get("/api/v1/rules").get_json()
    ids = [r["id"] for r in body["rules"]]
    assert ids == [r.id for r in app.extensions["postcheck"].rules.current.rules]
    assert len(ids) == len(set(ids))
    for rule in body["rules"]:
        assert {"id", "category", "severity", "title", "policy"} <= set(rule)
        assert "match" not in rule and "pattern" not in str(rule.get("when"))


def test_healthz(app, client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["rules"] > 0
    assert body["pattern_gate"] in ("ready", "compiling", "off")
    if app.extensions["postcheck"].rules.current.gate.wait(60):  # False only without Hyperscan
        assert client.get("/healthz").get_json()["pattern_gate"] == "ready"


def test_openapi_document_is_generated_from_the_schemas(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    check = doc["paths"]["/api/v1/check"]["post"]
    schema_ref = check["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "text" in doc["components"]["schemas"][schema_ref]["properties"]
    assert {"200", "413", "415", "422"} <= set(check["responses"])
    assert client.get("/api/v1/docs").status_code == 200


def test_cors_only_for_configured_extension_origins():
    origin = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
    app = create_app({"TESTING": True, "RULES_DIR": str(RULES_DIR), "CORS_ORIGINS": origin})
    client = app.test_client()
    allowed = client.options("/api/v1/check", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert allowed.headers.get("Access-Control-Allow-Origin") == origin
    other = client.options("/api/v1/check", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_no_cors_by_default(client):
    response = client.post("/api/v1/check", json={"text": "hi"}, headers={"Origin": "https://x.com"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_wildcard_cors_is_refused():
    import pytest
    with pytest.raises(ValueError, match="not '\\*'"):
        create_app({"TESTING": True, "RULES_DIR": str(RULES_DIR), "CORS_ORIGINS": "*"})


def test_the_favicon_is_served_so_no_page_logs_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")
    assert 'rel="icon"' in client.get("/admin/sign-in").get_data(as_text=True)
