"""The Roster pages: add, edit, remove; CSV import with a preview of the changes and the rejected rows;
CSV export; every change audited."""
import csv
import io

from tests.admin.conftest import TOKEN_NAME
from tests.admin.helpers import audit_entries, field_error, post_form

GOOD_AND_BAD = ("type,name,kind,party,ward,aliases,handles,hashtags,slogans,roles\r\n"
                "person,Maria Okonjo,councillor,Labour,Noel Park,Cllr Okonjo,@MariaForNoelPark,,,Cabinet Member for Libraries\r\n"
                "wizard,Merlin,,,,,,,,\r\n"
                "party,Haringey First,group,,,,,#HaringeyFirst,,\r\n")


def _upload(client, text, **extra):
    return post_form(client, "/admin/roster/import", {"file": (io.BytesIO(text.encode()), "roster.csv"), **extra},
                     page="/admin/roster/import", content_type="multipart/form-data")


def test_csv_import_previews_then_applies_the_good_rows_and_reports_the_bad_one(admin_app, signed_in):
    before = len(audit_entries(admin_app))
    preview = _upload(signed_in, GOOD_AND_BAD, action="preview")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "2 to add" in html and "1 row rejected" in html and "<td>3</td>" in html and "type must be one of" in html
    assert len(audit_entries(admin_app)) == before, "a preview must not change anything"
    applied = post_form(signed_in, "/admin/roster/import", {"csv": GOOD_AND_BAD, "action": "apply"}, page="/admin/roster/import")
    assert applied.status_code == 200 and "1 row rejected" in applied.get_data(as_text=True)
    people = audit_entries(admin_app, entity="person", action="create")
    assert [p.after["name"] for p in people] == ["Maria Okonjo"] and TOKEN_NAME in people[0].actor
    assert people[0].after["handles"] == ["@MariaForNoelPark"]
    assert [p.after["name"] for p in audit_entries(admin_app, entity="party", action="create") if TOKEN_NAME in p.actor] == ["Haringey First"]
    assert "Merlin" not in signed_in.get("/admin/roster").get_data(as_text=True)


def test_a_second_import_shows_what_changes_and_replace_removes(admin_app, signed_in):
    post_form(signed_in, "/admin/roster/import", {"csv": GOOD_AND_BAD, "action": "apply"}, page="/admin/roster/import")
    changed = GOOD_AND_BAD.replace("Noel Park,Cllr Okonjo", "Bruce Castle,Cllr Okonjo").replace("wizard,Merlin,,,,,,,,\r\n", "")
    html = _upload(signed_in, changed, action="preview", replace="yes").get_data(as_text=True)
    assert "1 to change" in html and "ward" in html and "to remove" in html
    post_form(signed_in, "/admin/roster/import", {"csv": changed, "replace": "yes", "action": "apply"}, page="/admin/roster/import")
    roster = signed_in.get("/admin/roster").get_data(as_text=True)
    assert "Bruce Castle" in roster and "Reform UK" not in roster
    assert audit_entries(admin_app, entity="party", action="delete")


def test_an_unusable_file_is_explained(signed_in):
    response = _upload(signed_in, "name,colour\r\nLabour,red\r\n", action="preview")
    assert response.status_code == 422 and field_error(response.get_data(as_text=True), "file")
    empty = post_form(signed_in, "/admin/roster/import", {"action": "preview"}, page="/admin/roster/import")
    assert empty.status_code == 422 and "Choose" in field_error(empty.get_data(as_text=True), "file")


def test_export_is_the_roster_as_csv(signed_in):
    post_form(signed_in, "/admin/roster/import", {"csv": GOOD_AND_BAD, "action": "apply"}, page="/admin/roster/import")
    response = signed_in.get("/admin/roster.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    maria = next(r for r in rows if r["name"] == "Maria Okonjo")
    assert maria["type"] == "person" and maria["roles"] == "Cabinet Member for Libraries"


def test_add_edit_and_remove_a_person(admin_app, signed_in):
    bad = post_form(signed_in, "/admin/roster/people/new", {"name": " ", "kind": "candidate"})
    assert bad.status_code == 422 and field_error(bad.get_data(as_text=True), "name")
    added = post_form(signed_in, "/admin/roster/people/new",
                      {"name": "Sam Lee", "kind": "candidate", "handles": "@samlee\n@SamForWard", "roles": ""})
    assert added.status_code == 302
    (created,) = audit_entries(admin_app, entity="person", action="create")
    assert created.after["handles"] == ["@samlee", "@SamForWard"]
    edit = f"/admin/roster/people/{created.entity_id}/edit"
    revision = signed_in.get(edit).get_data(as_text=True).split('name="revision" value="')[1].split('"')[0]
    assert post_form(signed_in, edit, {"name": "Sam Lee", "kind": "councillor", "party": "Green Party",
                                       "revision": revision}).status_code == 302
    (updated,) = audit_entries(admin_app, entity="person", action="update")
    assert updated.before["kind"] == "candidate" and updated.after["party"] == "Green Party"
    duplicate = post_form(signed_in, "/admin/roster/people/new", {"name": "Sam Lee", "kind": "candidate"})
    assert "already in the roster" in field_error(duplicate.get_data(as_text=True), "name")
    remove = f"/admin/roster/people/{created.entity_id}/delete"
    revision = signed_in.get(remove).get_data(as_text=True).split('name="revision" value="')[1].split('"')[0]
    assert post_form(signed_in, remove, {"revision": revision}).status_code == 302
    assert audit_entries(admin_app, entity="person", action="delete")


def test_a_roster_change_reaches_the_check_at_once(signed_in, token):
    post_form(signed_in, "/admin/roster/people/new", {"name": "Zanele Moyo", "kind": "candidate"})
    body = signed_in.post("/api/v1/check", json={"text": "Zanele Moyo at the market", "account": {"type": "council"},
                                                 "at": "2026-04-20T12:00:00+01:00"}).get_json()
    assert any(w["category"] == "election" for w in body["warnings"])
