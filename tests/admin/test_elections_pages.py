"""The Elections pages: add by typing a polling day, the live preview, errors next to fields, edit,
delete, the Democracy Club import; every change audited with the signed-in token's name."""
import datetime as dt
import io
import json
from pathlib import Path

from postcheck.elections.dates import parse_uk_date
from tests.admin.conftest import TOKEN_NAME
from tests.admin.helpers import audit_entries, field_error, post_form

FIXTURES = Path(__file__).resolve().parents[1] / "elections" / "fixtures"
BY_ELECTION = {"name": "Noel Park by-election", "kind": "local", "poll_date": "Thursday 4 February 2027",
               "scope": "Noel Park"}


def test_add_an_election_typed_the_uk_way_is_saved_and_audited(admin_app, signed_in, token):
    response = post_form(signed_in, "/admin/elections/new", {**BY_ELECTION, "action": "save"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/elections"
    listed = signed_in.get("/admin/elections").get_data(as_text=True)
    assert "Noel Park by-election" in listed and "Thursday 4 February 2027" in listed
    api = signed_in.get("/api/v1/elections", headers={"Authorization": f"Bearer {token}"}).get_json()["elections"]
    saved = next(e for e in api if e["name"] == "Noel Park by-election")
    assert saved["poll_date"] == "2027-02-04" and saved["scope"] == ["Noel Park"]
    (entry,) = audit_entries(admin_app, entity="election", entity_id=saved["id"])
    assert entry.action == "create" and entry.actor.startswith(f"{TOKEN_NAME} (token ")


def test_the_preview_gives_the_same_dates_as_the_api(signed_in, token):
    seeded = signed_in.get("/api/v1/elections/local.haringey.2026-05-07",
                           headers={"Authorization": f"Bearer {token}"}).get_json()
    preview = signed_in.get("/admin/elections/preview?kind=local&poll_date=7/5/2026").get_json()
    assert preview["ok"] is True and preview["id"] == seeded["id"]
    assert parse_uk_date(preview["notice_deadline"]) == dt.date.fromisoformat(seeded["notice_deadline"])
    starts = dt.datetime.fromisoformat(seeded["starts"])
    assert preview["starts"] == f"{starts:%H:%M} on {starts:%A} {starts.day} {starts:%B %Y}"
    assert preview["ends"].startswith("22:00 on Thursday 7 May 2026")


def test_the_preview_explains_ambiguous_and_incomplete_dates(signed_in):
    both_ways = signed_in.get("/admin/elections/preview?kind=local&poll_date=4/5/2028").get_json()
    assert both_ways["poll_date"] == "Thursday 4 May 2028"
    assert any("day first" in n and "April 5" in n for n in both_ways["notes"])
    no_year = signed_in.get("/admin/elections/preview?kind=local&poll_date=4 May").get_json()
    assert no_year["ok"] is False and "no year" in no_year["errors"]["poll_date"]
    contradiction = signed_in.get("/admin/elections/preview?kind=local&poll_date=Friday 4 May 2028").get_json()
    assert "is not a Friday" in contradiction["errors"]["poll_date"]
    not_thursday = signed_in.get("/admin/elections/preview?kind=local&poll_date=3 May 2028").get_json()
    assert any("not a Thursday" in w for w in not_thursday["warnings"])


def test_without_javascript_the_dates_show_on_the_page_and_nothing_is_saved(admin_app, signed_in):
    before = len(audit_entries(admin_app))
    response = post_form(signed_in, "/admin/elections/new", {**BY_ELECTION, "action": "preview"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Latest notice of election" in html and "Thursday 4 February 2027" in html
    assert len(audit_entries(admin_app)) == before


def test_errors_are_shown_next_to_their_fields(admin_app, signed_in):
    before = len(audit_entries(admin_app))
    response = post_form(signed_in, "/admin/elections/new",
                         {"name": "", "kind": "local", "poll_date": "4 May", "notice_date": "31/2/2028", "action": "save"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "no year" in field_error(html, "poll_date")
    assert field_error(html, "name")
    assert field_error(html, "notice_date")
    assert 'class="error-summary" role="alert"' in html and 'href="#f-poll_date"' in html
    assert len(audit_entries(admin_app)) == before


def test_the_same_election_twice_is_refused_at_polling_day(signed_in):
    post_form(signed_in, "/admin/elections/new", {**BY_ELECTION, "action": "save"})
    again = post_form(signed_in, "/admin/elections/new", {**BY_ELECTION, "action": "save"})
    assert again.status_code == 422 and "already in the calendar" in field_error(again.get_data(as_text=True), "poll_date")


def test_edit_and_delete_are_audited_and_refuse_a_stale_form(admin_app, signed_in):
    path = "/admin/elections/local.haringey.2026-05-07/edit"
    page = signed_in.get(path).get_data(as_text=True)
    assert 'value="2026-05-07"' in page
    revision = page.split('name="revision" value="')[1].split('"')[0]
    form = {"name": "Haringey Council elections", "kind": "local", "poll_date": "7 May 2026", "scope": "",
            "notes": "Checked with Electoral Services", "revision": revision, "action": "save"}
    assert post_form(signed_in, path, form).status_code == 302
    (update,) = audit_entries(admin_app, entity="election", action="update")
    assert update.after["notes"] == "Checked with Electoral Services" and TOKEN_NAME in update.actor
    stale = post_form(signed_in, path, {**form, "notes": "an older edit"})
    assert stale.status_code == 409 and "Someone else changed" in stale.get_data(as_text=True)
    delete_page = signed_in.get("/admin/elections/local.haringey.2026-05-07/delete").get_data(as_text=True)
    current = delete_page.split('name="revision" value="')[1].split('"')[0]
    deleted = post_form(signed_in, "/admin/elections/local.haringey.2026-05-07/delete", {"revision": current})
    assert deleted.status_code == 302
    assert [e.action for e in audit_entries(admin_app, entity="election", entity_id="local.haringey.2026-05-07")][-1] == "delete"
    assert signed_in.get(path).status_code == 404


def test_forms_without_their_csrf_token_are_refused(admin_app, signed_in):
    before = len(audit_entries(admin_app))
    for path, data in [("/admin/elections/new", {**BY_ELECTION, "action": "save"}),
                       ("/admin/elections/local.haringey.2026-05-07/delete", {"revision": "1"}),
                       ("/admin/roster/people/new", {"name": "Sam Lee", "kind": "candidate"}),
                       ("/admin/channels/new", {"platform": "twitter", "handle": "@x", "team": "t", "owner_name": "o",
                                                "owner_contact": "o@example.org"}),
                       ("/admin/try", {"text": "hello"})]:
        response = signed_in.post(path, data=data)
        assert response.status_code == 400, path
        assert "security code" in response.get_data(as_text=True)
    assert len(audit_entries(admin_app)) == before


def test_democracy_club_import(admin_app, signed_in):
    data = (FIXTURES / "everyelection.json").read_bytes()
    response = post_form(signed_in, "/admin/elections/import",
                         {"file": (io.BytesIO(data), "elections.json")}, page="/admin/elections/import",
                         content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "added" in html
    created = [e for e in audit_entries(admin_app, entity="election", action="create") if TOKEN_NAME in e.actor]
    expected = json.loads(data)
    assert created and all(e.after["notes"].startswith("Imported from Democracy Club") for e in created)
    assert len(created) <= len(expected.get("results", expected))
    bad = post_form(signed_in, "/admin/elections/import", {"file": (io.BytesIO(b"not json"), "x.json")},
                    page="/admin/elections/import", content_type="multipart/form-data")
    assert bad.status_code == 422 and "not JSON" in field_error(bad.get_data(as_text=True), "file")


def test_the_elections_page_links_the_ics_feed(signed_in):
    html = signed_in.get("/admin/elections").get_data(as_text=True)
    assert "/api/v1/elections.ics" in html
    assert signed_in.get("/api/v1/elections.ics").status_code == 200
