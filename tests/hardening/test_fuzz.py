"""Schemathesis against the app's own OpenAPI document, as the independent probe ran it (issue 17, item
11): every check schemathesis has, every phase (examples, coverage, fuzzing, and stateful testing over
the document's links), with a comms token and with an admin token, rate limits off, at least
MAX_EXAMPLES examples per operation and a fixed seed. The run must end with no failure at all: every
answer listed for its operation with its content type and body schema, valid requests accepted,
invalid ones refused, a missing required header or token refused, deleted rows gone.

The app is served over HTTP on loopback by werkzeug in a thread rather than called over WSGI:
schemathesis' WSGI transport passes `max_redirects` to werkzeug's test client in its `ignored_auth`
probe (a TypeError, schemathesis 4.32), so that check could not run in process.

Left out: gunicorn's own 414 (and nginx's) for a request line over its limit (gunicorn's
limit_request_line, 4,094 bytes). The HTTP server answers it with an HTML page before the app is
reached, so it is not the app's answer and the document does not list it; an app-side cap below that
limit would only refuse, in the app's words, some requests gunicorn lets through, and the lines over
it would still get gunicorn's page. Schemathesis generates no request line that long here.
"""
from __future__ import annotations

import collections
import threading
import time

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from werkzeug.serving import WSGIRequestHandler, make_server

from postcheck.auth import create_token, find_caller
from tests.store.backends import make_app

MAX_EXAMPLES = 100  # per operation, in each generating phase
SEED = 17

# Statuses a schema-valid request may get beyond schemathesis' own list (2xx, 3xx, 401, 403, 404, 409,
# 429, 5xx), each for a rule the document states in words because a JSON Schema cannot:
EXPECTED_BEYOND_THE_SCHEMA = {
    # the rule reported on must be one in force, with its own category and source: rules are data,
    # reloaded while the server runs; and rule and category are needed with every outcome but
    # `unchecked`, and refused with it;
    ("POST", "/api/v1/feedback"): [422],
    # the kind and the scope must fit (a parliamentary by-election names one constituency), and a
    # polling day may be typed the UK way;
    ("POST", "/api/v1/elections"): [422],
    ("PATCH", "/api/v1/elections/{election_id}"): [422],
    # `from` is not after `to`, and at most 366 days before it: two parameters together;
    ("GET", "/api/v1/feedback/summary"): [422],
    # the body is a CSV file, whose columns and rows a string schema cannot describe;
    ("POST", "/api/v1/roster.csv"): [422],
    # LanguageTool's protocol: one of `text` or `data` (GET), JSON in `data`, `enabledOnly` with a
    # list; which 400s these may be is checked by `languagetool_refuses_only_protocol_rules` below.
    ("GET", "/v2/check"): [400],
    ("POST", "/v2/check"): [400],
}
_PROTOCOL_RULES = ("Error: Missing 'text' or 'data' parameter", "Error: 'data' must be JSON",
                   "Error: 'data' needs an 'annotation' list", "Error: annotation item ",
                   "Error: enabledOnly needs enabledRules or enabledCategories")


@schemathesis.check
def languagetool_refuses_only_protocol_rules(ctx, response, case):
    """A valid /v2/check request is refused (400) only for a protocol rule the document states in words."""
    if case.path != "/v2/check" or response.status_code != 400 or case.meta is None \
            or not case.meta.generation.mode.is_positive:
        return None
    text = response.content.decode("utf-8", "replace")
    if not text.startswith(_PROTOCOL_RULES):
        raise AssertionError(f"a valid request was refused for a reason the document does not allow: {text[:200]}")
    return None


class FuzzServer:
    """The app on a SQLite file (so the admin endpoints really write), served on loopback, and a token of
    one role, made again whenever the fuzzer revokes it through DELETE /tokens/{id}."""

    def __init__(self, folder, role: str):
        self.role = role
        # Rate limits off for the run: the fuzzer's volume would otherwise turn answers into 429s.
        # The limits themselves are proven in test_limits.py.
        # (Raised, not switched off: flask-limiter's one Limiter is shared by every app in the process, and
        # RATELIMIT_ENABLED=False would switch it off for the apps of the tests that follow.)
        self.app = make_app(f"sqlite:///{folder / 'fuzz.sqlite3'}", CHECK_RATE_LIMIT="1000000 per minute",
                            FEEDBACK_RATE_LIMIT="1000000 per minute", ADMIN_SIGNIN_RATE_LIMIT="1000000 per minute")
        self.store = self.app.extensions["postcheck"].store
        self.token = None
        self.tokens_made = 0
        # Keep-alive saves a connection per request; a thread per connection, because some checks open a
        # second connection (a probe without the token) while the first is still kept alive.
        handler = type("KeepAlive", (WSGIRequestHandler,), {"protocol_version": "HTTP/1.1"})
        self.http = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=handler)
        self.url = f"http://127.0.0.1:{self.http.server_port}"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    def current_token(self) -> str:
        if self.token is None or find_caller(self.store, self.token) is None:
            self.token, _row = create_token(self.store, f"Fuzzer {self.tokens_made}", self.role, "tests")
            self.tokens_made += 1
        return self.token

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.http.shutdown()
        self.thread.join()
        self.store.dispose()


def _config(url: str, skipped: set[str] = frozenset(), stateful: bool = True) -> SchemathesisConfig:
    operations = [{"include-name": sorted(skipped), "enabled": False}] if skipped else []
    operations += [{"include-name": f"{method} {path}",  # the label: include-method and -path would match either
                   "checks": {"positive_data_acceptance": {"expected-statuses": [
                       "2xx", "3xx", "401", "403", "404", "409", "412", "429", *map(str, extra)]}}}
                  for (method, path), extra in EXPECTED_BEYOND_THE_SCHEMA.items()]
    return SchemathesisConfig.from_dict({
        "seed": SEED,
        "base-url": url,
        "cache": {"enabled": False},  # nothing written in the working tree
        "checks": {
            "enabled": True,  # every check schemathesis has, and languagetool_refuses_only_protocol_rules
            # 412: If-Match is well formed but names another version (the row changed): state, as 409 is.
            "positive_data_acceptance": {"expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "412",
                                                               "429"]},
            # A request whose only fault is its If-Match is refused with 412 when the header names no version
            # of the row; schemathesis' own list has every other refusal.
            "negative_data_rejection": {"expected-statuses": ["400", "401", "403", "404", "405", "406", "409", "412",
                                                              "415", "422", "428", "429"]},
            # 428 Precondition Required (RFC 6585) is the answer to a missing If-Match.
            "missing_required_header": {"expected-statuses": ["400", "401", "403", "406", "415", "422", "428"]},
        },
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "mode": "all"},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True},
                   "stateful": {"enabled": stateful}},
        "operations": operations,
    })


def _describe(phase, label, check, info, case, response) -> str:
    request = f"{case.method} {case.formatted_path} query={case.query!r} body={str(case.body)[:200]!r}"
    answer = f"{response.status_code} {response.content[:200]!r}" if response is not None else "no answer"
    return f"[{phase}] {label}: {check}: {info.failure.title if info else ''}\n    {request}\n    -> {answer}"


def _operations(document: dict, admin_only: bool = False) -> set[str]:
    """The labels of the document's operations; with `admin_only`, those a comms token gets 403 from."""
    return {f"{method.upper()} {path}" for path, item in document["paths"].items() for method, operation in item.items()
            if method in ("get", "put", "post", "patch", "delete") and (not admin_only or "403" in operation["responses"])}


def run(server: FuzzServer, operations: set[str] | None = None, stateful: bool = True):
    """Every phase of schemathesis against the server, on `operations` (default all; the stateful phase
    only with `stateful`, as it needs links among them): (failures, errors, requests per phase and
    operation, the document)."""
    document = server.app.test_client().get("/api/v1/openapi.json").get_json()
    skipped = _operations(document) - operations if operations is not None else set()
    schema = schemathesis.openapi.from_dict(document, config=_config(server.url, skipped, stateful))

    @schema.auth()
    class Token:
        def get(self, case, context):
            return server.current_token()

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    failures, errors, cases = [], [], collections.Counter()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            cases[(event.phase.value, recorder.label)] += len(recorder.cases)
            for case_id, nodes in recorder.checks.items():
                for node in nodes:
                    if node.status == Status.FAILURE:
                        interaction = recorder.interactions.get(case_id)
                        failures.append(_describe(event.phase.value, recorder.label, node.name, node.failure_info,
                                                  recorder.cases[case_id].value,
                                                  interaction.response if interaction else None))
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            errors.append(f"{getattr(event, 'label', '')}: {getattr(event, 'value', getattr(event, 'exception', ''))!r}")
    return failures, errors, cases, document


# The comms token on every operation, as the probe ran it (it gets 403 from the admin-only ones), and
# an admin token on the admin-only operations, which a comms token cannot get past. An admin token on
# the others takes the same paths as a comms token and would double the run (about 90 s more).
# The comms run is cut into parts by resource, so that `make test`'s processes share it (it was one
# test of three and a half minutes). Every link in the document stays inside its resource (a new
# election's id to GET, PATCH and DELETE it), so each part's stateful phase has every link it had; an
# operation no part names falls to the last, so none escapes.
PARTS = {
    "checks": ("/api/v1/check", "/api/v1/rules", "/v2/"),
    "elections": ("/api/v1/elections", "/api/v1/non-working-days"),
    "people": ("/api/v1/roster/people",),
    "parties": ("/api/v1/roster/parties",),
    "roles": ("/api/v1/roster/roles",),
    "the rest": ("/",),  # the roster as a whole and as CSV, the audit, feedback and tokens
}
LINKED = {"elections", "people", "parties", "roles"}  # parts whose operations the document links


def _part(label: str) -> str:
    path = label.split(" ", 1)[1]
    return next(part for part, prefixes in PARTS.items() if path.startswith(prefixes))


def test_every_operation_falls_in_one_part_and_no_part_is_empty(client):
    document = client.get("/api/v1/openapi.json").get_json()
    by_part = collections.Counter(_part(label) for label in _operations(document))
    assert set(by_part) == set(PARTS), f"a part with no operation: {sorted(set(PARTS) - set(by_part))}"


@pytest.mark.parametrize(("role", "part"), [*(("comms", part) for part in PARTS), ("admin", None)])
def test_the_api_answers_as_its_document_says(tmp_path, role, part, pattern_gate_off):
    # pattern_gate_off: every roster change the fuzzer makes reloads the rules, and each reload would
    # compile a Hyperscan database the run never waits for (about 70 s of CPU in all).
    started = time.perf_counter()
    with FuzzServer(tmp_path, role) as server:
        document = server.app.test_client().get("/api/v1/openapi.json").get_json()
        operations = {label for label in _operations(document, admin_only=role == "admin")
                      if part is None or _part(label) == part}
        failures, errors, cases, _document = run(server, operations, stateful=part is None or part in LINKED)
    assert not errors, "schemathesis could not run:\n" + "\n".join(errors[:20])
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])
    # Zero must not come from a tiny run: every operation was fuzzed, and the stateful phase ran.
    fuzzed = {label for (phase, label), n in cases.items() if phase == "fuzzing" and n}
    assert operations and operations <= fuzzed, f"not fuzzed: {sorted(operations - fuzzed)}"
    if part in LINKED:
        assert cases[("stateful", "Stateful tests")] > 0, "the stateful phase made no requests"
    print(f"{role} {part or ''}: {sum(cases.values())} requests in {time.perf_counter() - started:.0f} s")
