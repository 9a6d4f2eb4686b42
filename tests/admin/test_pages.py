"""The read-only pages: Now, Rules, How the warnings land, Audit log."""
import datetime as dt
import re

from postcheck.elections.calendar import LONDON
from postcheck.outcomes import record
from tests.admin.conftest import TOKEN_NAME
from tests.admin.helpers import audit_entries, field_error, post_form


def test_now_shows_the_next_period_with_a_countdown(admin_app, signed_in):
    snapshot = admin_app.extensions["postcheck"].calendar.current
    now = dt.datetime.now(dt.timezone.utc)
    upcoming = sorted((p for p in snapshot.periods if p.starts > now), key=lambda p: p.starts)
    page = signed_in.get("/admin/now").get_data(as_text=True)
    active = [p for p in snapshot.periods if p.starts <= now < p.ends]
    assert ("A pre-election period is active" in page) == bool(active)
    if upcoming:
        days = (upcoming[0].starts - now).days
        assert upcoming[0].name in page and (f"in {days} days" in page or f"in {days + 1} days" in page)
    else:
        assert "No election is in the calendar after today" in page


def test_now_shows_an_active_period_and_when_it_ends(admin_app, signed_in):
    today = dt.datetime.now(LONDON).date()
    poll = today + dt.timedelta(days=(3 - today.weekday()) % 7 + 7)  # a Thursday one to two weeks away
    assert post_form(signed_in, "/admin/elections/new",
                     {"name": "Bruce Castle by-election", "kind": "local", "poll_date": poll.isoformat(),
                      "notice_date": (today - dt.timedelta(days=3)).isoformat(), "scope": "Bruce Castle",
                      "action": "save"}).status_code == 302
    page = signed_in.get("/admin/now").get_data(as_text=True)
    assert "A pre-election period is active" in page and "Bruce Castle by-election" in page
    assert f"22:00 on {poll:%A} {poll.day} {poll:%B %Y}" in page


def test_rules_page_lists_every_rule_by_section(admin_app, signed_in):
    page = signed_in.get("/admin/rules").get_data(as_text=True)
    rules = admin_app.extensions["postcheck"].rules.current.rules
    for rule in rules:
        assert f'id="rule-{rule.id}"' in page
        assert rule.policy["clause"].replace('"', "&#34;").replace("'", "&#39;")[:20] in page or rule.policy["clause"][:20] in page
    sections = {r.policy["section"] for r in rules}
    assert all(f">{s}</h2>" in page.replace("&#39;", "'").replace("&amp;", "&") for s in sections)
    assert "<form" not in page.split("<main")[1] or "sign-out" in page  # read-only: no editing forms


def test_outcomes_page_counts_sorts_and_charts(admin_app, signed_in):
    store, today = admin_app.extensions["postcheck"].store, dt.datetime.now(LONDON).date()
    rules = admin_app.extensions["postcheck"].rules.current.rules[:2]
    plan = {rules[0]: {"shown": 5, "edited": 1}, rules[1]: {"shown": 2, "edited": 2, "reported_wrong": 1}}
    for rule, outcomes in plan.items():
        for outcome, times in outcomes.items():
            for _ in range(times):
                record(store, {"rule": rule.id, "category": rule.category, "outcome": outcome, "platform": "twitter",
                               "account_type": "personal", "extension_version": "1.0.0"}, today)
    page = signed_in.get("/admin/outcomes").get_data(as_text=True)
    order = re.findall(r'<th scope="row"><code>([^<]+)</code>', page)
    assert order == [rules[0].id, rules[1].id]  # most shown first
    assert page.count('<svg class="sparkline" role="img"') == 2 and "<title>" in page
    by_edits = signed_in.get("/admin/outcomes?sort=edited&dir=desc").get_data(as_text=True)
    assert re.findall(r'<th scope="row"><code>([^<]+)</code>', by_edits) == [rules[1].id, rules[0].id]
    assert 'aria-sort="descending"' in by_edits
    by_category = signed_in.get("/admin/outcomes?by=category").get_data(as_text=True)
    assert rules[0].category in by_category
    # A silent pilot's findings have their own column, and sort like the others.
    for _ in range(3):
        record(store, {"rule": rules[1].id, "category": rules[1].category, "outcome": "silent", "platform": "facebook",
                       "account_type": "council", "extension_version": "1.0.0"}, today)
    by_silent = signed_in.get("/admin/outcomes?sort=silent&dir=desc").get_data(as_text=True)
    assert "Found in silent pilot" in by_silent
    assert re.findall(r'<th scope="row"><code>([^<]+)</code>', by_silent) == [rules[1].id, rules[0].id]
    assert re.search(r"<td>1</td><td>3</td>", by_silent)  # reported wrong, then found silently
    bad = signed_in.get("/admin/outcomes?from=2026-12-01&to=2026-11-01")
    assert bad.status_code == 422 and field_error(bad.get_data(as_text=True), "from")


def test_outcomes_page_counts_posts_that_went_out_unchecked_apart(admin_app, signed_in):
    store, today = admin_app.extensions["postcheck"].store, dt.datetime.now(dt.timezone.utc).date()
    page = signed_in.get("/admin/outcomes").get_data(as_text=True)
    assert "Posts that went out unchecked" in page and 'id="unchecked-none"' in page
    for platform in ("twitter", "twitter", "facebook"):
        record(store, {"outcome": "unchecked", "platform": platform, "extension_version": "1.0.0"}, today)
    page = signed_in.get("/admin/outcomes").get_data(as_text=True)
    table = page[page.index('id="unchecked-counts"'):]
    assert re.findall(r"<td>(\d+)</td>", table.split("</table>")[0]) == ["3", "2", "1", "0"]
    assert "No reports about warnings between" in page  # no rule's row: these belong to none
    assert "<code>unchecked</code>" not in page


def test_outcomes_page_shows_dismissed_warnings(admin_app, signed_in):
    store, today = admin_app.extensions["postcheck"].store, dt.datetime.now(dt.timezone.utc).date()
    report = {"rule": "offensive.strong-language", "category": "offensive", "platform": "twitter",
              "account_type": "personal", "extension_version": "1.0.0"}
    record(store, {**report, "outcome": "shown"}, today)
    for _ in range(2):
        record(store, {**report, "outcome": "dismissed"}, today)
    page = signed_in.get("/admin/outcomes").get_data(as_text=True)
    assert "Dismissed" in page and "Dismiss for this post" in page
    row = page[page.index("<code>offensive.strong-language</code>"):].split("</tr>")[0]
    # Shown, Edited, Posted anyway, Reported wrong, Found in silent pilot, Dismissed
    assert re.findall(r"<td>(\d+)</td>", row)[:6] == ["1", "0", "0", "0", "0", "2"]


def test_extension_health_page_shows_site_changes_per_day_and_site(admin_app, signed_in):
    store = admin_app.extensions["postcheck"].store
    today = dt.datetime.now(LONDON).date()
    page = signed_in.get("/admin/health").get_data(as_text=True)
    assert "<h1>Extension health</h1>" in page and 'id="health-none"' in page
    assert "a selector broke: tell IT" in page
    assert 'href="/admin/health"' in signed_in.get("/admin/now").get_data(as_text=True), "in the pages' menu"
    for outcome, platform, day in [("no_composer", "twitter", today), ("no_composer", "twitter", today),
                                   ("submit_missed", "twitter", today), ("no_composer", "facebook", today),
                                   ("no_composer", "twitter", today - dt.timedelta(days=1)),
                                   ("unchecked", "twitter", today)]:
        record(store, {"outcome": outcome, "platform": platform, "extension_version": "1.0.0"}, day)
    page = signed_in.get("/admin/health").get_data(as_text=True)
    totals = page[page.index('id="health-totals"'):].split("</table>")[0]
    assert re.findall(r"<td>(\d+)</td>", totals) == ["3", "1", "1", "0", "0", "0"]
    days = page[page.index('id="health-days"'):].split("</table>")[0]
    rows = [re.findall(r"<t[hd][^>]*>([^<]+)</t[hd]>", r) for r in days.split("<tbody>")[1].split("</tr>")[:-1]]
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert rows == [[today.isoformat(), "X", "2", "1"], [today.isoformat(), "Facebook", "1", "0"],
                    [yesterday, "X", "1", "0"]]
    earlier = signed_in.get("/admin/health?from=2026-01-01&to=2026-01-31").get_data(as_text=True)
    assert 'id="health-none"' in earlier
    bad = signed_in.get("/admin/health?from=yesterday")
    assert bad.status_code == 422 and field_error(bad.get_data(as_text=True), "from")


def test_audit_log_filters_by_entity_actor_and_date(admin_app, signed_in):
    post_form(signed_in, "/admin/roster/roles/new", {"name": "Chair of Planning"})
    everything = signed_in.get("/admin/audit").get_data(as_text=True)
    assert "Chair of Planning" in everything and TOKEN_NAME in everything
    roles = signed_in.get("/admin/audit?entity=role").get_data(as_text=True)
    assert "create role" in roles and "create election" not in roles
    mine = signed_in.get("/admin/audit?actor=jo bloggs").get_data(as_text=True)
    assert "Chair of Planning" in mine and "first start" not in mine
    today = dt.datetime.now(LONDON).date()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert "No changes match" in signed_in.get(f"/admin/audit?from={tomorrow}").get_data(as_text=True)
    assert "Chair of Planning" in signed_in.get(f"/admin/audit?from={today.isoformat()}&to={today.isoformat()}").get_data(as_text=True)
    bad = signed_in.get("/admin/audit?from=yesterday")
    assert bad.status_code == 422 and field_error(bad.get_data(as_text=True), "from")
    assert len(audit_entries(admin_app, entity="role", action="create")) > 1


def test_a_nul_character_is_refused_with_a_page_not_a_500(admin_app, signed_in):
    response = post_form(signed_in, "/admin/roster/roles/new", {"name": "Chair\x00 of Planning"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # Refused by the form's own check on typed names (api.fields.Name) before the store's guard sees it.
    assert "NUL" in field_error(page, "name")
    assert "Chair" not in signed_in.get("/admin/audit").get_data(as_text=True)
