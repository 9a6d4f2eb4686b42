"""Every operation the OpenAPI document marks as needing a token refuses a missing, wrong or revoked
token (401) and a token of too low a role (403); every other operation needs none."""
import pytest

from postcheck.auth import create_token, revoke_token
from tests.hardening.helpers import openapi_document, operations
from tests.store.backends import make_app

DOCUMENT = openapi_document()
SECURED = [(m, u, op) for m, u, op in operations(DOCUMENT) if op.get("security")]
OPEN = [(m, u) for m, u, op in operations(DOCUMENT) if not op.get("security")]
# Wrong role only where there is a role to be short of: the operations that document a 403 (admin).
CASES = [pytest.param(m, u, op, kind, id=f"{m} {u} {kind}") for m, u, op in SECURED
         for kind in ("missing", "wrong", "revoked", "wrong-role") if kind != "wrong-role" or "403" in op["responses"]]


@pytest.fixture(scope="module")
def access(tmp_path_factory):
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('access') / 'access.sqlite3'}")
    store = app.extensions["postcheck"].store
    comms, _row = create_token(store, "Access Comms", "comms", "tests")
    revoked, row = create_token(store, "Access Revoked", "admin", "tests")
    revoke_token(store, row.id, "tests")
    yield app.test_client(), {"missing": None, "wrong": "pc_" + "x" * 43, "revoked": revoked, "comms": comms}
    store.dispose()


def test_the_document_marks_the_admin_operations():
    secured = {f"{m} {u}" for m, u, _op in SECURED}
    assert "GET /api/v1/tokens" in secured and "POST /api/v1/elections" in secured
    assert "POST /api/v1/check" not in secured
    assert any(kind == "wrong-role" for *_rest, kind in (c.values for c in CASES)), "admin-only operations exist"


@pytest.mark.parametrize(("method", "url", "operation", "kind"), CASES)
def test_admin_operations_refuse_bad_tokens(access, method, url, operation, kind):
    client, tokens = access
    token = tokens["comms" if kind == "wrong-role" else kind]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {} if method in ("POST", "PATCH") else None
    response = client.open(url, method=method, headers=headers, json=body)
    expected = 403 if kind == "wrong-role" else 401
    assert response.status_code == expected, response.get_data(as_text=True)
    assert response.get_json()["code"] == expected and response.get_json()["message"]
    if expected == 401:
        assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert str(expected) in operation["responses"], "the document lists the refusal"


@pytest.mark.parametrize(("method", "url"), OPEN)
def test_operations_without_a_security_requirement_need_no_token(access, method, url):
    client, _tokens = access
    response = client.open(url, method=method)
    assert response.status_code not in (401, 403), f"{method} {url} wants a token the document does not declare"
