"""Schemathesis against the app's own OpenAPI document, in process over WSGI: every operation, the
admin ones with an admin token. No answer may be a 5xx, and every answer must match the document:
its status listed for that operation (not only covered by `default`), its content type and its body
schema."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                              status_code_conformance)

from postcheck import create_app
from postcheck.auth import create_token, find_caller
from tests.conftest import RULES_DIR
from tests.store.backends import make_app

# Per operation and generation mode. Enough to find undocumented answers in a few seconds per
# operation; the suite stays under a couple of minutes.
MAX_EXAMPLES = 25


class FuzzTarget:
    """One app for every operation (a SQLite file, so the admin endpoints really write), and an
    admin token that is re-made whenever the fuzzer revokes it through DELETE /tokens/{id}."""

    def __init__(self, folder):
        # Limits are raised so the fuzzer's own volume does not turn every answer into a 429; the
        # limits themselves are proven in test_limits.py.
        self.app = make_app(f"sqlite:///{folder / 'fuzz.sqlite3'}",
                            CHECK_RATE_LIMIT="1000000 per minute", FEEDBACK_RATE_LIMIT="1000000 per minute")
        self.store = self.app.extensions["postcheck"].store
        self.token = None

    def headers(self) -> dict:
        if self.token is None or find_caller(self.store, self.token) is None:
            self.token, _row = create_token(self.store, "Fuzzer", "admin", "tests")
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory):
    target = FuzzTarget(tmp_path_factory.mktemp("fuzz"))
    yield target
    target.store.dispose()


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_target):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_target.app)


def status_code_listed(ctx, response, case):
    """Stricter than status_code_conformance: every operation also has a `default` response, which
    would cover any code; the code must be listed for the operation itself."""
    documented = set(case.operation.definition.raw.get("responses", {}))
    code = str(response.status_code)
    if code not in documented and f"{code[0]}XX" not in documented:
        raise AssertionError(f"{case.operation.label} answered {code}, which its document does not list "
                             f"(it lists {', '.join(sorted(documented))})")


CHECKS = [not_a_server_error, status_code_conformance, status_code_listed, content_type_conformance,
          response_schema_conformance]


def _operations() -> list:
    """(label, mode) for every operation in the document, read at collection from an in-memory app
    (the document does not depend on the data): valid requests for all, invalid ones for those that
    take parameters or a body (there is nothing to make invalid in the others). schemathesis' own
    pytest integration (from_fixture) cannot be used: it reads a pytest internal pytest 9 removed."""
    app = create_app({"TESTING": True, "RULES_DIR": str(RULES_DIR), "RULES_RELOAD_SECONDS": 0})
    try:
        document = app.test_client().get("/api/v1/openapi.json").get_json()
    finally:
        app.extensions["postcheck"].store.dispose()
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "patch", "delete"):
                continue
            label = f"{method.upper()} {path}"
            found.append(pytest.param(label, GenerationMode.POSITIVE, id=f"{label} positive"))
            if item.get("parameters") or operation.get("parameters") or operation.get("requestBody"):
                found.append(pytest.param(label, GenerationMode.NEGATIVE, id=f"{label} negative"))
    return found


@pytest.mark.parametrize(("label", "mode"), _operations())
def test_every_operation_answers_as_documented(fuzz_schema, fuzz_target, label, mode):
    """Valid requests (positive) and invalid ones (negative) alike."""
    operation = fuzz_schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is in the document but schemathesis cannot find it"

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case):
        case.call_and_validate(headers=fuzz_target.headers(), checks=CHECKS)

    fuzz()
