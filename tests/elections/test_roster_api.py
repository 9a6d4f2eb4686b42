"""The roster API and its CSV import and export."""
import csv
import io


def test_defaults_ship_parties_and_generic_roles_but_no_names(api, comms):
    body = api.get("/api/v1/roster", headers=comms).get_json()
    parties = {p["name"]: p for p in body["parties"]}
    assert {"Labour", "Liberal Democrats", "Conservatives", "Green Party", "Reform UK", "Independent"} <= set(parties)
    assert "#VoteLabour" in parties["Labour"]["hashtags"] and "Lib Dems" in parties["Liberal Democrats"]["aliases"]
    assert "Leader of the Council" in {r["name"] for r in body["roles"]}
    assert body["people"] == []


def test_roster_crud_with_etags_and_validation(api, comms):
    assert api.post("/api/v1/roster/parties", json={"name": "Haringey First", "kind": "group",
                                                    "hashtags": ["#HaringeyFirst"]}, headers=comms).status_code == 201
    assert api.post("/api/v1/roster/parties", json={"name": "Haringey First"}, headers=comms).status_code == 409
    bad = api.post("/api/v1/roster/people", json={"name": "X", "kind": "mayor"}, headers=comms)
    assert bad.status_code == 422 and "kind" in bad.get_json()["errors"]["json"]
    location = api.post("/api/v1/roster/people", json={"name": "Sam Lee", "kind": "candidate"},
                        headers=comms).headers["Location"]
    etag = api.get(location, headers=comms).headers["ETag"]
    changed = api.patch(location, json={"handles": ["@samlee"]}, headers={**comms, "If-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["handles"] == ["@samlee"]
    assert api.patch(location, json={"party": "Labour"}, headers={**comms, "If-Match": etag}).status_code == 412
    assert api.delete(location, headers={**comms, "If-Match": changed.headers["ETag"]}).status_code == 204
    assert api.post("/api/v1/roster/roles", json={"name": "Chair of Planning"}, headers={}).status_code == 401


def test_csv_round_trip_and_replace(api, comms):
    exported = api.get("/api/v1/roster.csv", headers=comms)
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    labour = next(r for r in rows if r["type"] == "party" and r["name"] == "Labour")
    assert "#VoteLabour" in labour["hashtags"].split("; ")
    extra = "person,Maria Okonjo,councillor,Labour,Noel Park,,@MariaForNoelPark,,,Cabinet Member for Libraries\r\n"
    imported = api.post("/api/v1/roster.csv", data=exported.get_data(as_text=True) + extra,
                        headers={**comms, "Content-Type": "text/csv"})
    assert imported.get_json() == {"created": 1, "updated": 0, "deleted": 0}
    people = api.get("/api/v1/roster/people", headers=comms).get_json()
    assert people[0]["handles"] == ["@MariaForNoelPark"] and people[0]["roles"] == ["Cabinet Member for Libraries"]
    only_one = "type,name,kind\r\nparty,Labour,party\r\n"
    replaced = api.post("/api/v1/roster.csv?replace=true", data=only_one, headers={**comms, "Content-Type": "text/csv"})
    body = replaced.get_json()
    assert body["deleted"] > 5 and body["updated"] == 1
    after = api.get("/api/v1/roster", headers=comms).get_json()
    assert [p["name"] for p in after["parties"]] == ["Labour"] and after["people"] == [] and after["roles"] == []
    audit = api.get("/api/v1/audit?entity=person", headers=comms).get_json()["entries"]
    assert [e["action"] for e in audit] == ["delete", "create"]


def test_csv_problems_are_422_with_line_numbers(api, comms):
    bad = "type,name,kind\r\nparty,Labour,party\r\nwizard,Merlin,\r\nperson,Jo,mayor\r\n"
    response = api.post("/api/v1/roster.csv", data=bad, headers={**comms, "Content-Type": "text/csv"})
    assert response.status_code == 422 and "line 3" in response.get_json()["message"]
    response = api.post("/api/v1/roster.csv", data="type,name,kind\r\nperson,Jo,mayor\r\n",
                        headers={**comms, "Content-Type": "text/csv"})
    assert response.status_code == 422 and "line 2: kind" in response.get_json()["message"]
    assert api.post("/api/v1/roster.csv", json={}, headers=comms).status_code == 415
