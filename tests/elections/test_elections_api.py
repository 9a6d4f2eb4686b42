"""The elections API over HTTP, on SQLite and on PostgreSQL: auth, CRUD, dates, conflicts, audit,
the ICS feed and the Democracy Club import."""
import json
from pathlib import Path

import icalendar
import pytest

from tests.store.backends import bearer

FIXTURES = Path(__file__).parent / "fixtures"
BY_ELECTION = {"name": "Noel Park by-election", "kind": "local", "poll_date": "Thursday 4 February 2027",
               "scope": ["Noel Park"]}


def create(api, headers, **body):
    response = api.post("/api/v1/elections", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response


def test_the_seed_calendar_is_there_on_first_start(api, comms):
    body = api.get("/api/v1/elections", headers=comms).get_json()
    by_id = {e["id"]: e for e in body["elections"]}
    assert set(by_id) == {"local.haringey.2026-05-07", "gla.a.2028-05-04", "mayor.london.2028-05-04"}
    local = by_id["local.haringey.2026-05-07"]
    assert local["notice_deadline"] == "2026-03-30"
    assert local["starts"] == "2026-03-30T00:00:00+01:00" and local["ends"] == "2026-05-07T22:00:00+01:00"
    assert by_id["gla.a.2028-05-04"]["notice_deadline"] == "2028-03-20"


@pytest.mark.parametrize("headers, status", [({}, 401), ({"Authorization": "Bearer pc_wrong"}, 401),
                                             ({"Authorization": "Basic abc"}, 401)])
def test_missing_or_wrong_token_is_401(api, headers, status):
    response = api.get("/api/v1/elections", headers=headers)
    assert response.status_code == status
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert "token" in response.get_json()["message"]


def test_a_revoked_token_stops_working(store_app, api):
    from postcheck.auth import create_token, revoke_token
    store = store_app.extensions["postcheck"].store
    token, row = create_token(store, "Leaver", "comms", "tests")
    assert api.get("/api/v1/elections", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    revoke_token(store, row.id, "tests")
    assert api.get("/api/v1/elections", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_create_derives_the_id_and_the_period_from_a_typed_date(api, comms):
    response = create(api, comms, **BY_ELECTION)
    body = response.get_json()
    assert body["id"] == "local.haringey.noel-park.2027-02-04"
    assert body["poll_date"] == "2027-02-04" and body["notice_deadline"] == "2026-12-30"
    assert body["starts"] == "2026-12-30T00:00:00+00:00" and body["ends"] == "2027-02-04T22:00:00+00:00"
    assert body["warnings"] == []
    assert response.headers["Location"].endswith("/api/v1/elections/local.haringey.noel-park.2027-02-04")
    assert response.headers["ETag"]
    again = api.get(response.headers["Location"], headers=comms)
    assert again.status_code == 200 and again.get_json()["name"] == "Noel Park by-election"


def test_a_poll_that_is_not_a_thursday_is_accepted_with_a_warning(api, comms):
    body = create(api, comms, name="Odd day", kind="local", poll_date="Friday 5 February 2027").get_json()
    assert body["poll_date"] == "2027-02-05"
    assert any("not a Thursday" in w for w in body["warnings"])


@pytest.mark.parametrize("typed, expected", [("4 February", "with no year"), ("February 2027", "with no day"),
                                             ("soon", "nothing recognisable"),
                                             ("Friday 4 February 2027", "not a Friday")])
def test_unclear_dates_answer_422_saying_what_was_understood(api, comms, typed, expected):
    response = api.post("/api/v1/elections", json={**BY_ELECTION, "poll_date": typed}, headers=comms)
    assert response.status_code == 422
    body = response.get_json()
    assert "poll_date" in body["errors"]["json"] and expected in body["message"]


def test_read_only_and_unknown_fields_are_refused(api, comms):
    response = api.post("/api/v1/elections", json={**BY_ELECTION, "notice_deadline": "2026-12-01"}, headers=comms)
    assert response.status_code == 422 and "notice_deadline" in response.get_json()["errors"]["json"]


def test_the_same_election_twice_is_409(api, comms):
    create(api, comms, **BY_ELECTION)
    assert api.post("/api/v1/elections", json=BY_ELECTION, headers=comms).status_code == 409


def test_parliamentary_start_is_entered_by_comms(api, comms):
    body = create(api, comms, name="General election", kind="parl-general", poll_date="2029-05-03").get_json()
    assert body["notice_deadline"] is None and body["starts"] is None
    assert any("notice_date" in w for w in body["warnings"])
    etag = api.get(f"/api/v1/elections/{body['id']}", headers=comms).headers["ETag"]
    patched = api.patch(f"/api/v1/elections/{body['id']}", json={"notice_date": "26/3/2029"},
                        headers={**comms, "If-Match": etag})
    assert patched.status_code == 200
    assert patched.get_json()["starts"] == "2029-03-26T00:00:00+01:00"


def test_patch_needs_if_match_and_refuses_a_stale_etag(api, comms):
    location = create(api, comms, **BY_ELECTION).headers["Location"]
    first = api.get(location, headers=comms).headers["ETag"]
    assert api.patch(location, json={"notes": "x"}, headers=comms).status_code == 428
    ok = api.patch(location, json={"notice_date": "2026-12-18", "ends_override": "5 February 2027 04:00"},
                   headers={**comms, "If-Match": first})
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["starts"] == "2026-12-18T00:00:00+00:00"
    assert ok.get_json()["ends"] == "2027-02-05T04:00:00+00:00"
    assert ok.headers["ETag"] != first
    late = api.patch(location, json={"notes": "someone else's edit"}, headers={**comms, "If-Match": first})
    assert late.status_code == 412
    assert api.get(location, headers=comms).get_json()["notes"] == ""
    assert api.delete(location, headers={**comms, "If-Match": first}).status_code == 412


def test_changing_polling_day_changes_the_id(api, comms):
    location = create(api, comms, **BY_ELECTION).headers["Location"]
    etag = api.get(location, headers=comms).headers["ETag"]
    moved = api.patch(location, json={"poll_date": "11/2/2027"}, headers={**comms, "If-Match": etag})
    assert moved.status_code == 200 and moved.get_json()["id"] == "local.haringey.noel-park.2027-02-11"
    assert api.get(location, headers=comms).status_code == 404


def test_delete_and_the_audit_log_records_who_before_and_after(api, comms, admin):
    location = create(api, comms, **BY_ELECTION).headers["Location"]
    etag = api.get(location, headers=comms).headers["ETag"]
    assert api.delete(location, headers={**comms, "If-Match": etag}).status_code == 204
    assert api.get(location, headers=comms).status_code == 404
    entries = api.get("/api/v1/audit?entity=election&entity_id=local.haringey.noel-park.2027-02-04",
                      headers=admin).get_json()["entries"]
    assert [e["action"] for e in entries] == ["delete", "create"]
    deleted, created = entries
    assert deleted["actor"].startswith("Test Comms (token") and deleted["after"] is None
    assert deleted["before"]["name"] == "Noel Park by-election" and created["before"] is None
    assert created["after"]["poll_date"] == "2027-02-04"


def test_the_audit_log_needs_a_token(api):
    assert api.get("/api/v1/audit").status_code == 401


def test_a_hand_added_day_of_mourning_moves_the_deadline(api, comms):
    assert api.post("/api/v1/non-working-days", json={"day": "15 April 2026", "name": "National day of mourning"},
                    headers=comms).status_code == 201
    local = api.get("/api/v1/elections/local.haringey.2026-05-07", headers=comms).get_json()
    assert local["notice_deadline"] == "2026-03-27"
    assert api.delete("/api/v1/non-working-days/2026-04-15", headers=comms).status_code == 204
    assert api.get("/api/v1/elections/local.haringey.2026-05-07", headers=comms).get_json()["notice_deadline"] == "2026-03-30"


def test_the_ics_feed_needs_no_token_and_parses_back(api, comms):
    create(api, comms, **BY_ELECTION)
    response = api.get("/api/v1/elections.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    period = next(e for uid, e in events.items() if uid.startswith("period-local.haringey.noel-park.2027-02-04"))
    assert period.decoded("DTSTART").isoformat() == "2026-12-30T00:00:00+00:00"
    assert period.decoded("DTEND").isoformat() == "2027-02-04T22:00:00+00:00"
    assert "Noel Park" in str(period["SUMMARY"])
    poll = next(e for uid, e in events.items() if uid.startswith("poll-local.haringey.2026-05-07"))
    assert poll.decoded("DTSTART").isoformat() == "2026-05-07"
    assert calendar.walk("VTIMEZONE") and str(calendar["VERSION"]) == "2.0"


def test_everyelection_import(api, comms):
    data = json.loads((FIXTURES / "everyelection.json").read_text())
    response = api.post("/api/v1/elections/import/everyelection", json=data, headers=comms)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [e["id"] for e in body["created"]] == ["local.haringey.bruce-castle.2027-02-04"]
    assert body["created"][0]["scope"] == ["Bruce Castle"] and body["created"][0]["notice_deadline"] == "2026-12-30"
    assert set(body["existing"]) == {"local.haringey.2026-05-07", "gla.a.2028-05-04"}
    reasons = {s["election_id"]: s["reason"] for s in body["skipped"]}
    assert reasons["local.haringey.hornsey.by.2027-03-11"] == "cancelled"
    assert "pcc" in reasons["pcc.avon-and-somerset.2028-05-04"]
    again = api.post("/api/v1/elections/import/everyelection", json=data, headers=comms).get_json()
    assert again["created"] == []


def test_everyelection_import_refuses_what_is_not_everyelection(api, comms):
    response = api.post("/api/v1/elections/import/everyelection", json={"results": "nope"}, headers=comms)
    assert response.status_code == 422


def test_a_comms_token_cannot_do_admin_things_but_admin_can_do_comms_things(api, comms, admin):
    refused = api.get("/api/v1/tokens", headers=comms)
    assert refused.status_code == 403 and "admin" in refused.get_json()["message"]
    assert api.get("/api/v1/elections", headers=admin).status_code == 200
    listed = api.get("/api/v1/tokens", headers=admin).get_json()
    assert {t["role"] for t in listed} == {"comms", "admin"}
    assert not any("hash" in key for t in listed for key in t)
    comms_id = next(t["id"] for t in listed if t["role"] == "comms")
    assert api.delete(f"/api/v1/tokens/{comms_id}", headers=admin).status_code == 200
    assert api.get("/api/v1/elections", headers=comms).status_code == 401
