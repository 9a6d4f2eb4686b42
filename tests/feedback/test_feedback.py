"""Outcome reports: counted per day in a real database (SQLite and PostgreSQL), never with text."""
import datetime as dt
import logging

import pytest
from sqlalchemy import inspect, select, text

from postcheck.limits import limiter
from postcheck.store.models import ExtensionCount, OutcomeComment, OutcomeCount

REPORT = {"rule": "offensive.strong-language", "category": "offensive", "outcome": "shown",
          "platform": "twitter", "account_type": "personal", "extension_version": "0.1.0"}


def post(api, **changes):
    return api.post("/api/v1/feedback", json={**REPORT, **changes})


@pytest.fixture(autouse=True)
def _fresh_limits(store_app):
    limiter.reset()  # the limiter's counters are per process; start each test from zero
    yield


def test_reports_are_counted_per_day_and_outcome(api, comms):
    for _ in range(3):
        assert post(api).status_code == 202
    assert post(api, outcome="edited").status_code == 202
    assert post(api, outcome="reported_wrong", comment="it's a band name").status_code == 202
    body = api.get("/api/v1/feedback/summary", headers=comms).get_json()
    [item] = body["items"]
    assert item["key"] == "offensive.strong-language"
    assert item["totals"] == {"shown": 3, "edited": 1, "posted_anyway": 0, "reported_wrong": 1, "silent": 0,
                              "dismissed": 0}
    assert item["edit_rate"] == round(1 / 3, 3)
    assert [d["shown"] for d in item["days"]] == [3]
    assert body["comments"][0]["comment"] == "it's a band name"


def test_summary_by_category(api, comms):
    post(api)
    post(api, rule="personal-data.phone-number", category="personal-data")
    body = api.get("/api/v1/feedback/summary?by=category", headers=comms).get_json()
    assert {i["key"] for i in body["items"]} == {"offensive", "personal-data"}


def test_text_and_handles_are_never_stored(api, store_app):
    marker = "FBK-draft-text-7741"
    response = api.post("/api/v1/feedback", json={**REPORT, "text": marker, "handle": "@" + marker,
                                                  "draft": marker})
    assert response.status_code == 202
    store = store_app.extensions["postcheck"].store
    with store.transaction() as session:
        rows = session.scalars(select(OutcomeCount)).all() + session.scalars(select(OutcomeComment)).all()
        assert rows and marker not in repr([vars(r) for r in rows])
        dumped = "\n".join(str(line) for line in session.connection().connection.driver_connection.iterdump()) \
            if store.backend == "sqlite" else ""
    assert marker not in dumped


@pytest.mark.parametrize("changes, field", [
    ({"outcome": "liked"}, "outcome"),
    ({"category": "rude"}, "category"),
    ({"rule": "Not An Id!"}, "rule"),
    ({"platform": "myspace"}, "platform"),
    ({"comment": "x" * 281, "outcome": "reported_wrong"}, "comment"),
    # A comment with another outcome is dropped unread, not refused: tests/hardening/test_document_agrees.py.
])
def test_bad_reports_are_422_naming_the_field(api, changes, field):
    response = post(api, **changes)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]


def test_unknown_rule_or_wrong_category_is_422(api):
    assert post(api, rule="no.such-rule").status_code == 422
    assert post(api, category="violent").status_code == 422


def test_summary_needs_a_comms_token(api):
    assert api.get("/api/v1/feedback/summary").status_code == 401


def test_summary_rejects_a_backwards_period(api, comms):
    assert api.get("/api/v1/feedback/summary?from=2026-05-01&to=2026-04-01", headers=comms).status_code == 422


def test_reports_are_rate_limited_per_client_with_retry_after(database_url):
    from tests.store.backends import make_app
    app = make_app(database_url, FEEDBACK_RATE_LIMIT="3 per minute")
    client = app.test_client()
    limiter.reset()
    try:
        codes = [client.post("/api/v1/feedback", json=REPORT).status_code for _ in range(4)]
        assert codes == [202, 202, 202, 429]
        limited = client.post("/api/v1/feedback", json=REPORT)
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
        assert limited.get_json()["message"]
    finally:
        app.extensions["postcheck"].store.dispose()


def test_comment_text_is_not_logged(api, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="postcheck")
    post(api, outcome="reported_wrong", comment="COMMENT-MARKER-1")
    assert not [r for r in caplog.records if "COMMENT-MARKER-1" in r.getMessage()]


def test_learned_warnings_are_counted_apart(api, comms):
    for _ in range(2):
        assert post(api, rule="model.violent", category="violent", source="model").status_code == 202
    assert post(api, source="both", outcome="edited").status_code == 202
    assert post(api).status_code == 202  # no source: an older extension's report counts as the rules'
    body = api.get("/api/v1/feedback/summary", headers=comms).get_json()
    assert body["learned"]["model"]["shown"] == 2 and body["learned"]["both"]["edited"] == 1
    assert body["learned"]["both"]["shown"] == 0
    items = {item["key"]: item for item in body["items"]}
    assert items["model.violent"]["by_source"]["model"]["shown"] == 2
    assert items["offensive.strong-language"]["by_source"]["rules"]["shown"] == 1
    assert items["offensive.strong-language"]["by_source"]["both"]["edited"] == 1


@pytest.mark.parametrize("changes", [
    {"source": "model"},  # a rule's warning is not the model's alone
    {"rule": "model.violent", "category": "violent", "source": "rules"},
    {"rule": "model.violent", "category": "violent", "source": "both"},
    {"rule": "model.violent", "category": "offensive", "source": "model"},
    {"rule": "model.no-such-category", "category": "violent", "source": "model"},
    {"source": "oracle"},
])
def test_a_source_that_does_not_fit_the_warning_is_422(api, changes):
    assert post(api, **changes).status_code == 422


# ------------------------------------------------------------------------- posts that went out unchecked

UNCHECKED = {"outcome": "unchecked", "platform": "twitter", "extension_version": "0.1.0"}


def test_an_unchecked_post_is_counted_without_a_rule(api, comms):
    for platform in ("twitter", "twitter", "facebook"):
        assert api.post("/api/v1/feedback", json={**UNCHECKED, "platform": platform}).status_code == 202
    assert post(api).status_code == 202  # a warning's report beside them
    body = api.get("/api/v1/feedback/summary", headers=comms).get_json()
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    assert body["unchecked"] == {"total": 3, "by_platform": {"twitter": 2, "facebook": 1, "other": 0},
                                 "days": [{"day": today, "count": 3}]}
    [item] = body["items"]  # counted apart: no rule's row gains or loses anything
    assert item["key"] == "offensive.strong-language" and sum(item["totals"].values()) == 1
    by_category = api.get("/api/v1/feedback/summary?by=category", headers=comms).get_json()
    assert by_category["unchecked"]["total"] == 3 and [i["key"] for i in by_category["items"]] == ["offensive"]
    earlier = api.get("/api/v1/feedback/summary?from=2026-01-01&to=2026-01-31", headers=comms).get_json()
    assert earlier["unchecked"] == {"total": 0, "by_platform": {"twitter": 0, "facebook": 0, "other": 0}, "days": []}


@pytest.mark.parametrize("field", ["rule", "category"])
def test_an_unchecked_report_naming_a_rule_is_422(api, field):
    response = api.post("/api/v1/feedback", json={**UNCHECKED, field: REPORT[field]})
    assert response.status_code == 422
    assert "belongs to no rule" in response.get_json()["errors"]["json"][field][0]


@pytest.mark.parametrize("outcome", ["shown", "edited", "posted_anyway", "reported_wrong", "silent", "dismissed"])
@pytest.mark.parametrize("field", ["rule", "category"])
def test_every_other_outcome_still_needs_a_rule_and_a_category(api, store_app, outcome, field):
    report = {k: v for k, v in REPORT.items() if k != field}
    response = api.post("/api/v1/feedback", json={**report, "outcome": outcome})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    with store_app.extensions["postcheck"].store.transaction() as session:
        assert session.scalars(select(OutcomeCount)).all() == []
        assert session.scalars(select(ExtensionCount)).all() == []


def test_an_unchecked_report_keeps_only_the_day_platform_and_version(api, store_app):
    marker = "UNCHECKED-draft-text-5521"
    response = api.post("/api/v1/feedback", json={**UNCHECKED, "platform": "facebook", "account_type": "council",
                                                  "source": "model", "comment": marker, "text": marker})
    assert response.status_code == 202
    with store_app.extensions["postcheck"].store.transaction() as session:
        [row] = session.scalars(select(ExtensionCount)).all()
        assert (row.outcome, row.platform, row.extension_version, row.count) == ("unchecked", "facebook", "0.1.0", 1)
        assert session.scalars(select(OutcomeCount)).all() == [] and session.scalars(select(OutcomeComment)).all() == []
        assert marker not in repr(vars(row))


def test_unchecked_posts_share_a_row_per_day_and_key_on_both_backends(store_app):
    from postcheck.outcomes import record
    store = store_app.extensions["postcheck"].store
    day = dt.date(2026, 11, 2)
    for _ in range(3):
        record(store, {**UNCHECKED}, day)
    record(store, {**UNCHECKED, "extension_version": "0.2.0"}, day)
    record(store, {**UNCHECKED}, day + dt.timedelta(days=1))
    with store.transaction() as session:
        rows = sorted((r.day, r.extension_version, r.count) for r in session.scalars(select(ExtensionCount)))
    assert rows == [(day, "0.1.0", 3), (day, "0.2.0", 1), (day + dt.timedelta(days=1), "0.1.0", 1)]


def test_migration_0006_adds_the_table_and_keys_it(store_app):
    store = store_app.extensions["postcheck"].store
    inspector = inspect(store.engine)
    assert "extension_counts" in inspector.get_table_names()
    columns = {c["name"]: c for c in inspector.get_columns("extension_counts")}
    assert set(columns) == {"id", "day", "outcome", "platform", "extension_version", "count"}
    assert not any(c["nullable"] for name, c in columns.items() if name != "id")
    [unique] = inspector.get_unique_constraints("extension_counts")
    assert unique["column_names"] == ["day", "outcome", "platform", "extension_version"]
    # No rule, no category, no comment, no text column: the table can hold nothing but counts.
    assert not {"rule", "category", "comment", "text", "handle"} & set(columns)


def test_a_newer_servers_outcome_in_the_shared_table_does_not_break_the_summary(api, comms, store_app):
    # During a rollout an older server reads rows a newer one wrote; this one must not fail on them either.
    post(api)
    with store_app.extensions["postcheck"].store.transaction() as session:
        session.add(OutcomeCount(day=dt.datetime.now(dt.timezone.utc).date(), rule=REPORT["rule"], category="offensive",
                                 outcome="from_the_future", platform="twitter", account_type="personal",
                                 extension_version="9.0.0", source="rules", count=4))
    response = api.get("/api/v1/feedback/summary", headers=comms)
    assert response.status_code == 200
    assert response.get_json()["items"][0]["totals"]["shown"] == 1


def test_the_document_states_the_unchecked_outcome(api):
    document = api.get("/api/v1/openapi.json").get_json()
    body = document["paths"]["/api/v1/feedback"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schema = document["components"]["schemas"][body["$ref"].split("/")[-1]] if "$ref" in body else body
    assert "unchecked" in schema["properties"]["outcome"]["enum"]
    assert schema["required"] == ["outcome"], "rule and category are optional in the document"
    for field in ("rule", "category"):
        assert "except `unchecked`" in schema["properties"][field]["description"]
    assert "unchecked" in document["paths"]["/api/v1/feedback"]["post"]["summary"] + \
        document["paths"]["/api/v1/feedback"]["post"]["description"]


# ------------------------------------------------------------- warnings dismissed for one post (issue 20, 8)

def test_a_dismissed_warning_is_counted_against_its_rule(api, comms):
    post(api)
    for _ in range(2):
        assert post(api, outcome="dismissed", comment="not sent with this outcome").status_code == 202
    assert post(api, outcome="dismissed", rule="model.offensive", source="model").status_code == 202
    body = api.get("/api/v1/feedback/summary", headers=comms).get_json()
    by_key = {i["key"]: i for i in body["items"]}
    assert by_key["offensive.strong-language"]["totals"]["dismissed"] == 2
    assert by_key["offensive.strong-language"]["totals"]["shown"] == 1
    assert by_key["offensive.strong-language"]["days"][0]["dismissed"] == 2
    assert by_key["model.offensive"]["by_source"]["model"]["dismissed"] == 1
    assert body["learned"]["model"]["dismissed"] == 1
    assert body["comments"] == []
    by_category = api.get("/api/v1/feedback/summary?by=category", headers=comms).get_json()
    [item] = by_category["items"]
    assert item["key"] == "offensive" and item["totals"]["dismissed"] == 3


def test_a_dismissal_is_kept_apart_from_outcome_counts_on_both_backends(api, store_app):
    from postcheck.store.models import DismissalCount
    for platform in ("twitter", "twitter", "facebook"):
        assert post(api, outcome="dismissed", platform=platform).status_code == 202
    with store_app.extensions["postcheck"].store.transaction() as session:
        # A server from before 0007 reads every outcome in outcome_counts and fails on one it does not know.
        assert session.scalars(select(OutcomeCount)).all() == []
        rows = sorted((r.rule, r.category, r.platform, r.source, r.count) for r in session.scalars(select(DismissalCount)))
    assert rows == [("offensive.strong-language", "offensive", "facebook", "rules", 1),
                    ("offensive.strong-language", "offensive", "twitter", "rules", 2)]


def test_a_dismissal_needs_a_rule_in_force_with_its_category(api):
    assert post(api, outcome="dismissed", rule="no.such-rule").status_code == 422
    assert post(api, outcome="dismissed", category="violent").status_code == 422


def test_migration_0007_adds_the_dismissal_table_and_keys_it(store_app):
    store = store_app.extensions["postcheck"].store
    inspector = inspect(store.engine)
    columns = {c["name"]: c for c in inspector.get_columns("dismissal_counts")}
    assert set(columns) == {"id", "day", "rule", "category", "platform", "account_type", "extension_version",
                            "source", "count"}
    assert not any(c["nullable"] for name, c in columns.items() if name != "id")
    [unique] = inspector.get_unique_constraints("dismissal_counts")
    assert unique["column_names"] == ["day", "rule", "category", "platform", "account_type", "extension_version",
                                      "source"]
    assert not {"comment", "text", "handle"} & set(columns)
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0007"


def test_the_document_states_the_dismissed_outcome(api):
    document = api.get("/api/v1/openapi.json").get_json()
    body = document["paths"]["/api/v1/feedback"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schema = document["components"]["schemas"][body["$ref"].split("/")[-1]] if "$ref" in body else body
    assert "dismissed" in schema["properties"]["outcome"]["enum"]
    assert "Dismiss for this post" in schema["properties"]["outcome"]["description"]


# ------------------------------------------------- sites that changed under the extension (issue 20, health)

SITE_CHANGE = ["no_composer", "submit_missed"]


@pytest.mark.parametrize("outcome", SITE_CHANGE)
def test_a_site_change_is_counted_without_a_rule_per_day_and_platform(api, comms, outcome):
    for platform in ("twitter", "twitter", "facebook"):
        report = {**UNCHECKED, "outcome": outcome, "platform": platform}
        assert api.post("/api/v1/feedback", json=report).status_code == 202
    assert post(api).status_code == 202
    body = api.get("/api/v1/feedback/summary", headers=comms).get_json()
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    assert body["health"][outcome] == {"total": 3, "by_platform": {"twitter": 2, "facebook": 1, "other": 0},
                                       "days": [{"day": today, "count": 3,
                                                 "by_platform": {"twitter": 2, "facebook": 1, "other": 0}}]}
    [other] = [name for name in SITE_CHANGE if name != outcome]
    assert body["health"][other]["total"] == 0
    assert body["unchecked"]["total"] == 0, "counted apart from posts that went out unchecked"
    [item] = body["items"]
    assert sum(item["totals"].values()) == 1


@pytest.mark.parametrize("outcome", SITE_CHANGE)
@pytest.mark.parametrize("field", ["rule", "category"])
def test_a_site_change_report_naming_a_rule_is_422(api, store_app, outcome, field):
    response = api.post("/api/v1/feedback", json={**UNCHECKED, "outcome": outcome, field: REPORT[field]})
    assert response.status_code == 422
    assert "belongs to no rule" in response.get_json()["errors"]["json"][field][0]
    with store_app.extensions["postcheck"].store.transaction() as session:
        assert session.scalars(select(ExtensionCount)).all() == []


@pytest.mark.parametrize("outcome", SITE_CHANGE)
def test_a_site_change_report_keeps_only_the_day_platform_and_version(api, store_app, outcome):
    marker = "SITE-draft-text-8830"
    response = api.post("/api/v1/feedback", json={**UNCHECKED, "outcome": outcome, "account_type": "council",
                                                  "source": "model", "comment": marker, "text": marker,
                                                  "url": "https://x.com/" + marker})
    assert response.status_code == 202
    with store_app.extensions["postcheck"].store.transaction() as session:
        [row] = session.scalars(select(ExtensionCount)).all()
        assert (row.outcome, row.platform, row.extension_version, row.count) == (outcome, "twitter", "0.1.0", 1)
        assert session.scalars(select(OutcomeComment)).all() == []
        assert marker not in repr(vars(row))


def test_the_document_states_the_site_change_outcomes(api):
    document = api.get("/api/v1/openapi.json").get_json()
    body = document["paths"]["/api/v1/feedback"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schema = document["components"]["schemas"][body["$ref"].split("/")[-1]] if "$ref" in body else body
    assert {"no_composer", "submit_missed"} <= set(schema["properties"]["outcome"]["enum"])
    assert schema["required"] == ["outcome"]
    for field in ("rule", "category"):
        assert "`no_composer` and `submit_missed`" in schema["properties"][field]["description"]
    operation = document["paths"]["/api/v1/feedback"]["post"]
    assert "site changed" in operation["summary"] + operation["description"]
    summary = document["paths"]["/api/v1/feedback/summary"]["get"]
    assert "`health`" in summary["description"]


def _metric(api, outcome: str, platform: str) -> float:
    page = api.get("/metrics").get_data(as_text=True)
    for line in page.splitlines():
        if line.startswith("postcheck_outcome_reports_total{") and f'outcome="{outcome}"' in line \
                and f'platform="{platform}"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.mark.parametrize("outcome", [*SITE_CHANGE, "dismissed"])
def test_metrics_count_each_outcome_report_per_platform(api, outcome):
    # The counter lives in the process, so the test reads the rise rather than a total.
    before = _metric(api, outcome, "facebook")
    report = {**UNCHECKED, "outcome": outcome, "platform": "facebook"} if outcome in SITE_CHANGE \
        else {**REPORT, "outcome": outcome, "platform": "facebook"}
    for _ in range(2):
        assert api.post("/api/v1/feedback", json=report).status_code == 202
    assert api.post("/api/v1/feedback", json={**report, "rule": "no.such-rule"}).status_code == 422
    assert _metric(api, outcome, "facebook") == before + 2, "counted once per report the server counted"


# ------------------------------------ outcomes the extension kept while the server could not take them (issue 19)
# Over real HTTP: the count arrives as JSON from a socket, as the extension sends it.

@pytest.fixture()
def served_url(store_app):
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, store_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def test_a_count_is_recorded_as_that_many_outcomes_and_no_count_as_one(served_url, comms, store_app):
    import requests

    def send(**changes):
        return requests.post(f"{served_url}/api/v1/feedback", json={**REPORT, **changes}, timeout=10).status_code

    assert send(count=5) == 202
    assert send() == 202  # an extension that sends no count: one, as before
    assert send(outcome="edited", count=1000) == 202
    assert send(outcome="dismissed", count=3) == 202
    assert requests.post(f"{served_url}/api/v1/feedback", json={**UNCHECKED, "count": 4}, timeout=10).status_code == 202
    body = requests.get(f"{served_url}/api/v1/feedback/summary", headers=comms, timeout=10).json()
    [item] = body["items"]
    assert item["totals"] == {"shown": 6, "edited": 1000, "posted_anyway": 0, "reported_wrong": 0, "silent": 0,
                              "dismissed": 3}
    assert body["unchecked"]["total"] == 4
    with store_app.extensions["postcheck"].store.transaction() as session:
        # One row per day and kind, whatever the count: the count is added, not a row per outcome.
        assert sorted((r.outcome, r.count) for r in session.scalars(select(OutcomeCount))) == \
            [("edited", 1000), ("shown", 6)]


def test_a_counted_report_wrong_keeps_its_comment_once(served_url, comms):
    import requests

    report = {**REPORT, "outcome": "reported_wrong", "comment": "a band name", "count": 3}
    assert requests.post(f"{served_url}/api/v1/feedback", json=report, timeout=10).status_code == 202
    body = requests.get(f"{served_url}/api/v1/feedback/summary", headers=comms, timeout=10).json()
    assert body["items"][0]["totals"]["reported_wrong"] == 3
    assert [c["comment"] for c in body["comments"]] == ["a band name"]


@pytest.mark.parametrize("count", [0, -1, 1001, 10 ** 30, 2.5, 1.0, "3", True, None, [2], {"n": 2}])
def test_a_count_that_is_not_a_whole_number_from_1_to_1000_is_422_and_counts_nothing(served_url, store_app, count):
    import requests

    response = requests.post(f"{served_url}/api/v1/feedback", json={**REPORT, "count": count}, timeout=10)
    assert response.status_code == 422, response.text
    assert "count" in response.json()["errors"]["json"]
    with store_app.extensions["postcheck"].store.transaction() as session:
        assert session.scalars(select(OutcomeCount)).all() == []


def test_metrics_count_outcomes_not_reports(api):
    before = _metric(api, "dismissed", "twitter")
    assert post(api, outcome="dismissed", count=7).status_code == 202
    assert _metric(api, "dismissed", "twitter") == before + 7


def test_record_refuses_a_count_out_of_range(store_app):
    from postcheck.outcomes import record
    with pytest.raises(ValueError):
        record(store_app.extensions["postcheck"].store, REPORT, dt.date(2026, 12, 6), 0)


def test_the_document_states_the_count(api):
    document = api.get("/api/v1/openapi.json").get_json()
    body = document["paths"]["/api/v1/feedback"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schema = document["components"]["schemas"][body["$ref"].split("/")[-1]] if "$ref" in body else body
    count = schema["properties"]["count"]
    assert (count["type"], count["minimum"], count["maximum"], count["default"]) == ("integer", 1, 1000, 1)
    assert "count" not in schema["required"]
    assert "could not send" in count["description"]
