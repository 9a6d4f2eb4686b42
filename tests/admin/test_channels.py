"""Council channels: the page (register, edit, remove, review flags, no password field), the model and
migration on each backend, and the in-memory handles that make a check from a registered channel count
as a council post without a query per check."""
import datetime as dt
import time

from sqlalchemy import event, inspect

from postcheck.channels import LiveChannels, review_flags
from tests.admin.conftest import TOKEN_NAME
from tests.admin.helpers import audit_entries, field_error, post_form
from tests.store.backends import bearer, make_app

CHANNEL = {"platform": "twitter", "handle": "https://x.com/HaringeyYouth", "team": "Youth Services",
           "owner_name": "Priya Shah", "owner_contact": "priya.shah@haringey.gov.uk", "authorised_on": "3 March 2025",
           "authorised_by": "Head of Communications", "password_changed_on": "", "staff_with_access": "Priya Shah\nTom Reed"}


def _check(client, handle, text="Great turnout at the youth hub today"):
    return client.post("/api/v1/check", json={"text": text, "account": {"handle": handle}}).get_json()


def test_registering_a_channel_makes_its_posts_council_posts(admin_app, signed_in):
    assert _check(signed_in, "@haringeyyouth")["account"]["type"] == "personal"
    response = post_form(signed_in, "/admin/channels/new", CHANNEL)
    assert response.status_code == 302
    assert _check(signed_in, "@haringeyyouth")["account"]["type"] == "council"  # any case, with or without @
    (entry,) = audit_entries(admin_app, entity="channel")
    assert entry.action == "create" and TOKEN_NAME in entry.actor and entry.after["handle"] == "@HaringeyYouth"
    assert entry.after["staff_with_access"] == ["Priya Shah", "Tom Reed"]
    assert not any("password" == key for key in entry.after)


def test_a_check_reads_the_channels_from_memory(admin_app, signed_in):
    post_form(signed_in, "/admin/channels/new", CHANNEL)
    statements = []
    engine = admin_app.extensions["postcheck"].store.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert _check(signed_in, "@HaringeyYouth")["account"]["type"] == "council"
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert statements == []


def test_another_server_process_sees_a_new_channel_within_seconds(database_url):
    writer, reader = make_app(database_url), make_app(database_url)
    channels = reader.extensions["postcheck"].channels
    channels.watch(0.3)
    try:
        writer.extensions["postcheck"].settings["ADMIN_SIGNIN_FAILURE_DELAY_SECONDS"] = 0
        client = writer.test_client()
        token = bearer(writer)["Authorization"].split()[1]
        post_form(client, "/admin/sign-in", {"token": token})
        assert post_form(client, "/admin/channels/new", CHANNEL).status_code == 302
        started = time.monotonic()
        while "@HaringeyYouth" not in channels.handles and time.monotonic() - started < 5:
            time.sleep(0.05)
        assert _check(reader.test_client(), "@HaringeyYouth")["account"]["type"] == "council"
    finally:
        channels.stop()
        for app in (writer, reader):
            app.extensions["postcheck"].store.dispose()


def test_the_form_validates_next_to_each_field_and_asks_for_no_password(admin_app, signed_in):
    form = signed_in.get("/admin/channels/new").get_data(as_text=True)
    assert 'type="password"' not in form and "Never type a password" in form
    response = post_form(signed_in, "/admin/channels/new",
                         {**CHANNEL, "handle": "not a handle!", "owner_name": "", "password_changed_on": "31/2/2026"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "handle as it appears" in field_error(html, "handle")
    assert "Name the person" in field_error(html, "owner_name")
    assert field_error(html, "password_changed_on")
    assert audit_entries(admin_app, entity="channel") == []


def test_the_same_handle_twice_is_refused(signed_in):
    post_form(signed_in, "/admin/channels/new", CHANNEL)
    again = post_form(signed_in, "/admin/channels/new", {**CHANNEL, "handle": "@haringeyyouth"})
    assert "already registered" in field_error(again.get_data(as_text=True), "handle")


def test_review_flags_old_passwords_and_access_changed_since(admin_app, signed_in):
    old = (dt.date.today() - dt.timedelta(days=120)).isoformat()
    post_form(signed_in, "/admin/channels/new", {**CHANNEL, "password_changed_on": old})
    page = signed_in.get("/admin/channels").get_data(as_text=True)
    assert "days ago (the limit is 90)" in page
    (entry,) = audit_entries(admin_app, entity="channel")
    edit = f"/admin/channels/{entry.entity_id}/edit"
    revision = signed_in.get(edit).get_data(as_text=True).split('name="revision" value="')[1].split('"')[0]
    today = dt.date.today().isoformat()
    # The password is changed today, but later the same day someone leaves: a new password is due again.
    post_form(signed_in, edit, {**CHANNEL, "password_changed_on": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
                                "staff_with_access": "Priya Shah", "revision": revision})
    (update,) = audit_entries(admin_app, entity="channel", action="update")
    assert update.after["access_changed_on"] == today and update.before["staff_with_access"] == ["Priya Shah", "Tom Reed"]
    page = signed_in.get("/admin/channels").get_data(as_text=True)
    assert "Staff with access changed on" in page and "days ago" not in page


def test_review_flags_each_case():
    today = dt.date(2026, 11, 24)

    class Row:
        authorised_on = dt.date(2025, 3, 3)
        password_changed_on = today - dt.timedelta(days=30)
        access_changed_on = None
    assert review_flags(Row, today, 90) == []
    Row.password_changed_on = today - dt.timedelta(days=91)
    assert [f.kind for f in review_flags(Row, today, 90)] == ["password-age"]
    Row.password_changed_on, Row.access_changed_on = today - dt.timedelta(days=10), today - dt.timedelta(days=2)
    assert [f.kind for f in review_flags(Row, today, 90)] == ["access-changed"]
    Row.password_changed_on, Row.authorised_on = None, None
    assert [f.kind for f in review_flags(Row, today, 90)] == ["no-password-date", "access-changed", "not-authorised"]


def test_the_interval_is_a_setting(database_url):
    app = make_app(database_url, CHANNEL_PASSWORD_MAX_DAYS=7)
    try:
        assert app.extensions["postcheck"].settings["CHANNEL_PASSWORD_MAX_DAYS"] == 7
    finally:
        app.extensions["postcheck"].store.dispose()


def test_removing_a_channel_makes_its_posts_personal_again(admin_app, signed_in):
    post_form(signed_in, "/admin/channels/new", CHANNEL)
    (entry,) = audit_entries(admin_app, entity="channel")
    remove = f"/admin/channels/{entry.entity_id}/delete"
    revision = signed_in.get(remove).get_data(as_text=True).split('name="revision" value="')[1].split('"')[0]
    assert post_form(signed_in, remove, {"revision": revision}).status_code == 302
    assert _check(signed_in, "@HaringeyYouth")["account"]["type"] == "personal"
    assert [e.action for e in audit_entries(admin_app, entity="channel")] == ["create", "delete"]


def test_migration_0003_adds_the_table_and_the_counter(admin_app):
    inspector = inspect(admin_app.extensions["postcheck"].store.engine)
    assert "council_channels" in inspector.get_table_names()
    assert "channels_version" in {c["name"] for c in inspector.get_columns("store_state")}
    columns = {c["name"] for c in inspector.get_columns("council_channels")}
    assert {"handle", "owner_name", "authorised_on", "password_changed_on", "staff_with_access"} <= columns
    assert not any("password" == c or c.endswith("_hash") for c in columns)


def test_an_unreachable_store_keeps_the_last_handles(admin_app, signed_in):
    post_form(signed_in, "/admin/channels/new", CHANNEL)
    live = admin_app.extensions["postcheck"].channels
    assert isinstance(live, LiveChannels) and live.handles == ("@HaringeyYouth",)
    admin_app.extensions["postcheck"].store.engine.dispose()
    broken = LiveChannels(type("Down", (), {"transaction": lambda self: (_ for _ in ()).throw(
        __import__("postcheck.store", fromlist=["StoreUnavailable"]).StoreUnavailable("down"))})())
    broken.handles = live.handles
    assert broken.refresh() is False and broken.handles == ("@HaringeyYouth",)
