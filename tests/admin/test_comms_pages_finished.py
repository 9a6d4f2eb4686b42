"""Issue 18, "The comms pages, finished": the audit log says what changed and folds the first start's
seeding into one line; the council channels page lists the handles organisation.yaml makes council
channels; the From/To fields are text read the UK way (ISO links still work); the Now page says when
elections share a polling day."""
import datetime as dt
import re

import pytest

from postcheck.elections.calendar import LONDON
from postcheck.store.seeding import SEED_ACTOR
from tests.admin.helpers import audit_entries, field_error, post_form

DATE_PAGES = ("/admin/audit", "/admin/outcomes", "/admin/health")


def _rows(page: str) -> list[str]:
    """The audit table's top-level rows (a folded seeding line keeps its own rows inside it)."""
    body = page.split('<table class="table audit">', 1)[1]
    body = re.sub(r"<details>.*?</details>", "<details/>", body, flags=re.S)
    return re.findall(r"<tr[ >].*?</tr>", body.split("<tbody>", 1)[1].split("</tbody>", 1)[0], re.S)


def _text(html: str) -> str:
    html = re.sub(r"</?(strong|code|span)[^>]*>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'").strip()


def test_a_fresh_install_shows_the_seeding_as_one_line_that_opens_to_its_rows(admin_app, signed_in):
    seeded = audit_entries(admin_app, actor=SEED_ACTOR)
    assert len(seeded) > 10
    page = signed_in.get("/admin/audit").get_data(as_text=True)
    rows = _rows(page)
    seeding = [r for r in rows if "first start" in r]
    assert len(seeding) == 1, "the first start's rows are one line"
    line = _text(page.split("<summary>", 1)[1].split("</summary>", 1)[0])
    kinds = {}
    for entry in seeded:
        noun = entry.after.get("kind") if entry.entity in ("person", "party") else entry.entity
        kinds[noun] = kinds.get(noun, 0) + 1
    assert "Seeded from policy_rules/ at first start:" in line
    assert f"{kinds['election']} elections" in line and f"{kinds['role']} roles" in line
    assert f"{kinds['party']} parties" in line
    opened = page.split("<details>", 1)[1].split("</details>", 1)[0]
    assert opened.count("<tr><td>") == len(seeded), "every seeded row is inside the line"
    first_election = next(e for e in seeded if e.entity == "election")
    assert f"<strong>poll date</strong>: {first_election.after['poll_date']}" in opened
    assert all(row_details.strip() for row_details in re.findall(r"<tr><td>.*?</td><td>(.*?)</td></tr>", opened, re.S))


def test_each_row_says_what_changed(admin_app, signed_in):
    assert post_form(signed_in, "/admin/roster/roles/new", {"name": "Chair of Planning"}).status_code == 302
    role = audit_entries(admin_app, entity="role", action="create")[-1]
    edit = f"/admin/roster/roles/{role.entity_id}/edit"
    assert post_form(signed_in, edit, {"name": "Chair of Planning Committee", "revision": "1"}).status_code == 302
    assert post_form(signed_in, f"/admin/roster/roles/{role.entity_id}/delete", {"revision": "2"}).status_code == 302
    rows = [_text(r) for r in _rows(signed_in.get("/admin/audit?entity=role").get_data(as_text=True))]
    deleted, updated, created = rows[:3]
    assert "delete role" in deleted and "It was: name: Chair of Planning Committee" in deleted
    assert "update role" in updated and "name: Chair of Planning → Chair of Planning Committee" in updated
    assert "revision" not in updated and "updated at" not in updated
    assert "create role" in created and "Created with: name: Chair of Planning" in created


def test_the_organisation_handles_are_listed_on_the_channels_page(admin_app, signed_in):
    handles = admin_app.extensions["postcheck"].rules.current.organisation.official_handles
    assert len(handles) >= 1
    page = signed_in.get("/admin/channels").get_data(as_text=True)
    table = page.split('id="organisation-handles"', 1)[1].split("</table>", 1)[0]
    listed = re.findall(r'<th scope="row">([^<]+)</th>', table)
    assert listed == [h if h.startswith("@") else "@" + h for h in handles]
    assert "policy_rules/organisation.yaml" in table and "official_handles" in table
    assert "<form" not in table and "edit" not in table.lower(), "read-only"


@pytest.mark.parametrize("path", DATE_PAGES)
def test_the_period_fields_are_text_read_the_uk_way(signed_in, path):
    page = signed_in.get(path).get_data(as_text=True)
    assert 'type="date"' not in page
    for name in ("from", "to"):
        field = re.search(rf'<input id="f-{name}"[^>]*>', page).group(0)
        assert 'type="text"' in field and f"hint-{name}" in field
    assert "For example, 7 May 2026 or 07/05/2026" in page
    # 01/02/2026 is 1 February, day first, whatever the browser's locale.
    typed = signed_in.get(f"{path}?from=01/02/2026&to=3 February 2026")
    assert typed.status_code == 200
    shown = typed.get_data(as_text=True)
    assert re.search(r'id="f-from"[^>]*value="1 February 2026"', shown)
    assert re.search(r'id="f-to"[^>]*value="3 February 2026"', shown)
    # Links and bookmarks in ISO still work, and are shown back the UK way.
    iso = signed_in.get(f"{path}?from=2026-02-01&to=2026-02-03")
    assert iso.status_code == 200 and re.search(r'id="f-from"[^>]*value="1 February 2026"', iso.get_data(as_text=True))
    bad = signed_in.get(f"{path}?from=31/02/2026")
    assert bad.status_code == 422
    error = field_error(bad.get_data(as_text=True), "from")
    assert error and "31/02/2026" in error and "day, month and year" in error
    assert re.search(r'id="f-from"[^>]*value="31/02/2026"', bad.get_data(as_text=True)), "shown back as typed"


def test_outcomes_read_a_typed_period_day_first(admin_app, signed_in):
    page = signed_in.get("/admin/outcomes?from=05/07/2026&to=06/07/2026").get_data(as_text=True)
    assert "between 5 July 2026 and 6 July 2026" in page  # 5 to 6 July, not 7 May to 7 June
    health = signed_in.get("/admin/health?from=05/07/2026&to=06/07/2026").get_data(as_text=True)
    assert "from 5 July 2026 to 6 July 2026" in health


def test_the_audit_log_reads_a_typed_day(admin_app, signed_in):
    post_form(signed_in, "/admin/roster/roles/new", {"name": "Chair of Planning"})
    today = dt.datetime.now(LONDON).date()
    typed = f"{today:%d/%m/%Y}"
    signed_in.get("/admin/now")  # shows the "Added" notice, so the audit page below does not
    response = signed_in.get(f"/admin/audit?from={typed}&to={today.day} {today:%B %Y}")
    assert response.status_code == 200
    assert any("Chair of Planning" in row for row in _rows(response.get_data(as_text=True)))
    tomorrow = today + dt.timedelta(days=1)
    assert "No changes match" in signed_in.get(f"/admin/audit?from={tomorrow:%d/%m/%Y}").get_data(as_text=True)


def _thursday(weeks: int) -> dt.date:
    today = dt.datetime.now(LONDON).date()
    return today + dt.timedelta(days=(3 - today.weekday()) % 7 + 7 * weeks)


def _add(client, name, ward, poll, notice=None):
    data = {"name": name, "kind": "local", "poll_date": poll.isoformat(), "scope": ward, "action": "save"}
    if notice:
        data["notice_date"] = notice.isoformat()
    assert post_form(client, "/admin/elections/new", data).status_code == 302


def test_now_says_when_two_active_elections_share_polling_day(admin_app, signed_in):
    poll, notice = _thursday(1), dt.datetime.now(LONDON).date() - dt.timedelta(days=3)
    _add(signed_in, "Bruce Castle by-election", "Bruce Castle", poll, notice)
    _add(signed_in, "Noel Park by-election", "Noel Park", poll, notice)
    page = signed_in.get("/admin/now").get_data(as_text=True)
    assert page.count("A pre-election period is active") == 1
    line = _text(page.split('class="big">', 1)[1].split("</p>", 1)[0])
    assert line == "Bruce Castle by-election and Noel Park by-election"
    assert f"These 2 elections share polling day, {poll:%A} {poll.day} {poll:%B %Y}." in _text(page)


def test_now_says_when_the_next_elections_share_polling_day(admin_app, signed_in):
    poll = _thursday(20)  # far enough that neither period has started
    _add(signed_in, "Bruce Castle by-election", "Bruce Castle", poll)
    _add(signed_in, "Noel Park by-election", "Noel Park", poll)
    snapshot = admin_app.extensions["postcheck"].calendar.current
    now = dt.datetime.now(dt.timezone.utc)
    first = min((p for p in snapshot.periods if p.starts > now), key=lambda p: p.starts)
    same_day = sorted(p.name for p in snapshot.periods if p.starts > now and p.poll_date == first.poll_date)
    assert len(same_day) >= 2, "the test needs two elections on the next polling day"
    page = signed_in.get("/admin/now").get_data(as_text=True)
    panel = _text(page.split('id="next-period"', 1)[1].split("</section>", 1)[0])
    assert all(name in panel for name in same_day)
    assert f"These {len(same_day)} elections share polling day, {first.poll_date:%A} {first.poll_date.day} {first.poll_date:%B %Y}." in panel
