"""The election rules judged against the calendar and roster in the store, in and out of a period."""
import pytest

INSIDE = "2026-04-20T12:00:00+01:00"
OUTSIDE = "2026-09-15T12:00:00+01:00"


def check(api, text, at, account="council"):
    response = api.post("/api/v1/check", json={"text": text, "at": at, "account": {"type": account}})
    assert response.status_code == 200
    return response.get_json()


def election_warnings(body):
    return [w for w in body["warnings"] if w["category"] == "election"]


@pytest.mark.parametrize("account, severity", [("council", "high"), ("personal", "medium")])
def test_a_councillor_named_inside_the_period_warns(api, account, severity):
    body = check(api, "Cllr Maria Okonjo opened the new library today!", INSIDE, account)
    assert body["election"]["active"] is True and body["election"]["stale"] is False
    period = body["election"]["period"]
    assert period["id"] == "local.haringey.2026-05-07" and period["poll_date"] == "2026-05-07"
    assert period["starts"] == "2026-03-30T00:00:00+01:00" and period["ends"] == "2026-05-07T22:00:00+01:00"
    assert [w["severity"] for w in election_warnings(body)] == [severity]


def test_the_same_mention_outside_any_period_passes(api):
    body = check(api, "Cllr Maria Okonjo opened the new library today!", OUTSIDE)
    assert body["election"]["active"] is False and election_warnings(body) == []


@pytest.mark.parametrize("text", ["Polling stations are open 7am to 10pm on Thursday 7 May.",
                                  "Register to vote by 20 April; postal vote applications close on 21 April.",
                                  "Vote for your favourite park in the Green Flag awards!",
                                  "Conservative estimate: 300 people came to the market."])
def test_neutral_electoral_information_passes_inside_the_period(api, text):
    assert election_warnings(check(api, text, INSIDE)) == []


def test_a_person_added_to_the_roster_is_recognised_at_once(api, comms):
    text = "Great to see Maria Okonjo at the library today"
    assert election_warnings(check(api, text, INSIDE)) == []
    response = api.post("/api/v1/roster/people", json={"name": "Maria Okonjo", "handles": ["@MariaForNoelPark"],
                                                        "roles": ["Cabinet Member for Libraries"]}, headers=comms)
    assert response.status_code == 201, response.get_json()
    assert election_warnings(check(api, text, INSIDE))
    assert election_warnings(check(api, "Thanks @MariaForNoelPark for coming", INSIDE))
    assert election_warnings(check(api, "Thanks @MariaForNoelPark for coming", OUTSIDE)) == []


def test_a_new_election_starts_warning_and_a_deleted_one_stops(api, comms):
    at = "2027-01-20T12:00:00+00:00"
    assert check(api, "Cllr Jones at the market", at)["election"]["active"] is False
    created = api.post("/api/v1/elections", json={"name": "Bruce Castle by-election", "kind": "local",
                                                   "poll_date": "4/2/2027", "scope": ["Bruce Castle"]}, headers=comms)
    body = check(api, "Cllr Jones at the market", at)
    assert body["election"]["period"]["name"] == "Bruce Castle by-election" and election_warnings(body)
    etag = api.get(created.headers["Location"], headers=comms).headers["ETag"]
    assert api.delete(created.headers["Location"], headers={**comms, "If-Match": etag}).status_code == 204
    assert check(api, "Cllr Jones at the market", at)["election"]["active"] is False


def test_ends_override_extends_the_period_to_the_declaration(api, comms):
    after_close = "2026-05-08T01:00:00+01:00"
    assert check(api, "Cllr Jones at the count", after_close)["election"]["active"] is False
    location = "/api/v1/elections/local.haringey.2026-05-07"
    etag = api.get(location, headers=comms).headers["ETag"]
    assert api.patch(location, json={"ends_override": "8 May 2026 06:00"},
                     headers={**comms, "If-Match": etag}).status_code == 200
    assert check(api, "Cllr Jones at the count", after_close)["election"]["active"] is True
