"""The comms pages in a real headless Chromium: sign-in (refused with a bad token, keyboard only),
an election added by typing polling day with the dates computed as it is typed, the roster edited by
CSV with one bad row, a council channel registered and then a check from it treated as council, a
post tried in and out of a period, each change in the audit log, a form without its CSRF token
refused; axe-core finds no serious or critical problem on any page, and each page is saved as a
1280x800 screenshot under artifacts/admin/."""
import datetime as dt
import json
import re

import pytest

from postcheck.elections.records import derive_id, describe
from postcheck.elections.schedule import schedule_of
from tests.admin.browser import TOKEN_NAME

pytestmark = pytest.mark.browser

PAGES = {"now": "/admin/now", "elections": "/admin/elections", "election-form": "/admin/elections/new",
         "election-import": "/admin/elections/import", "roster": "/admin/roster", "roster-import": "/admin/roster/import",
         "roster-person": "/admin/roster/people/new", "channels": "/admin/channels", "channel-form": "/admin/channels/new",
         "rules": "/admin/rules", "try": "/admin/try", "outcomes": "/admin/outcomes", "health": "/admin/health", "audit": "/admin/audit"}


def _expect_no_accessibility_problems(admin, where):
    problems = admin.accessibility_problems()
    assert problems == [], f"axe on {where}: {json.dumps(problems, indent=1)}"


def test_sign_in_is_refused_with_a_bad_token_and_works_with_the_keyboard_alone(admin):
    admin.goto("/admin/now")
    assert admin.page.url.startswith(admin.base + "/admin/sign-in")
    _expect_no_accessibility_problems(admin, "sign-in")
    admin.screenshot("sign-in")
    admin.page.get_by_label("Your token").fill("pc_this-is-not-a-token")
    admin.page.get_by_role("button", name="Sign in").click()
    alert = admin.page.locator("#error-token[role=alert]")
    assert "not valid or has been revoked" in alert.inner_text()
    assert "error-token" in admin.page.get_by_label("Your token").get_attribute("aria-describedby")
    _expect_no_accessibility_problems(admin, "sign-in with an error")
    admin.screenshot("sign-in-refused")
    # Keyboard only: the skip link comes first, then the field, then Enter submits.
    admin.goto("/admin/sign-in")
    admin.page.keyboard.press("Tab")
    assert admin.page.evaluate("document.activeElement.textContent").startswith("Skip to")
    for _press in range(3):  # past the site name's link to the field
        admin.page.keyboard.press("Tab")
        if admin.page.evaluate("document.activeElement.id") == "f-token":
            break
    assert admin.page.evaluate("document.activeElement.id") == "f-token"
    admin.page.keyboard.type(admin.token)
    admin.page.keyboard.press("Enter")
    admin.page.wait_for_url("**/admin/now")
    assert TOKEN_NAME in admin.page.locator(".masthead").inner_text()


@pytest.mark.parametrize("name", PAGES)
def test_every_page_passes_axe_and_is_screenshotted(admin, name):
    admin.sign_in()
    response = admin.goto(PAGES[name])
    assert response.status == 200
    _expect_no_accessibility_problems(admin, name)
    assert admin.screenshot(name).stat().st_size > 5000
    assert not [e for e in admin.console_errors if "Content Security Policy" in e]


def test_typing_polling_day_shows_the_dates_then_saving_is_audited(admin, admin_server):
    _base, app, _token = admin_server
    admin.sign_in()
    admin.goto("/admin/elections/new")
    page = admin.page
    page.get_by_label("Name").fill("Noel Park by-election")
    page.get_by_label("Wards").fill("Noel Park")
    page.get_by_label("Polling day").press_sequentially("Thursday 4 February 2027", delay=5)
    deadline = page.locator("#election-preview [data-field=notice_deadline]")
    deadline.wait_for()
    expected_id = derive_id("local", dt.date(2027, 2, 4), ["Noel Park"], app.extensions["postcheck"].calendar_settings)
    expected = schedule_of(expected_id, "local", dt.date(2027, 2, 4), None, None)
    assert deadline.inner_text() == f"{expected.notice_deadline:%A} {expected.notice_deadline.day} {expected.notice_deadline:%B %Y}"
    assert page.locator("#election-preview [data-field=starts]").inner_text().startswith(f"00:00 on {expected.starts:%A}")
    assert "22:00 on Thursday 4 February 2027" in page.locator("#election-preview [data-field=ends]").inner_text()
    assert page.get_by_role("button", name="Show the dates").is_hidden()  # the script does it as you type
    # An ambiguous date is explained as it is typed.
    page.get_by_label("Polling day").fill("")
    page.get_by_label("Polling day").press_sequentially("4/2/2027", delay=5)
    page.locator("#election-preview [data-field=note]").wait_for()
    assert "day first" in page.locator("#election-preview [data-field=note]").inner_text()
    _expect_no_accessibility_problems(admin, "election form with preview")
    admin.screenshot("election-form-preview")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/admin/elections")
    assert "Noel Park by-election" in page.locator("main").inner_text()
    admin.goto("/admin/audit?entity=election")
    row = page.locator("tbody tr", has_text=expected_id).first
    assert "create election" in row.inner_text() and TOKEN_NAME in row.inner_text()


def test_a_wrong_date_is_announced_next_to_its_field(admin):
    admin.sign_in()
    admin.goto("/admin/elections/new")
    admin.page.get_by_label("Name").fill("Bad date")
    admin.page.get_by_label("Polling day").fill("4 May")
    admin.page.get_by_role("button", name="Save").click()
    error = admin.page.locator("#error-poll_date[role=alert]")
    assert "no year" in error.inner_text()
    assert "error-poll_date" in admin.page.get_by_label("Polling day").get_attribute("aria-describedby")
    _expect_no_accessibility_problems(admin, "election form with errors")
    admin.screenshot("election-form-errors")


def test_roster_csv_with_one_bad_row(admin):
    admin.sign_in()
    admin.goto("/admin/roster/import")
    csv_text = ("type,name,kind,party,ward,aliases,handles,hashtags,slogans,roles\r\n"
                "person,Maria Okonjo,councillor,Labour,Noel Park,Cllr Okonjo,@MariaForNoelPark,,,\r\n"
                "person,Jo Wrong,mayor,,,,,,,\r\n"
                "role,Chair of Licensing,,,,,,,,\r\n")
    admin.page.get_by_label("CSV file").set_input_files(
        files=[{"name": "roster.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}])
    admin.page.get_by_role("button", name="Show what will change").click()
    main = admin.page.locator("main")
    assert "2 to add" in main.inner_text() and "1 row rejected" in main.inner_text()
    rejected = admin.page.locator(".error-summary tbody tr").first.inner_text()
    assert rejected.startswith("3") and "kind" in rejected
    _expect_no_accessibility_problems(admin, "roster import preview")
    admin.screenshot("roster-import-preview")
    admin.page.get_by_role("button", name="Apply these changes").click()
    assert "2 added" in admin.page.locator(".notices").inner_text()
    admin.goto("/admin/roster")
    assert "Maria Okonjo" in admin.page.locator("main").inner_text()
    assert "Jo Wrong" not in admin.page.locator("main").inner_text()
    admin.goto("/admin/audit?entity=person")
    assert "Maria Okonjo" in admin.page.locator("tbody").inner_text()


def test_register_a_channel_then_a_check_from_it_is_council(admin):
    admin.sign_in()
    admin.goto("/admin/channels/new")
    page = admin.page
    page.get_by_label("Platform").select_option("twitter")
    page.get_by_label("Handle").fill("@HaringeyYouthHub")
    page.get_by_label("Team that runs it").fill("Youth Services")
    page.get_by_label("Named owner").fill("Priya Shah")
    page.get_by_label("Owner contact").fill("priya.shah@haringey.gov.uk")
    page.get_by_label("Authorised on").fill("3 March 2025")
    page.get_by_label("Staff with access").fill("Priya Shah\nTom Reed")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/admin/channels")
    row = page.locator("tbody tr", has_text="@HaringeyYouthHub")
    assert "No password change recorded" in row.inner_text()
    admin.screenshot("channels-registered")
    answer = page.request.post(admin.base + "/api/v1/check",
                               data={"text": "Fun day at the youth hub", "account": {"handle": "@haringeyyouthhub"}})
    assert answer.json()["account"]["type"] == "council"
    admin.goto("/admin/try")
    page.get_by_label("Draft post").fill("Fun day at the youth hub")
    page.get_by_label("Handle").fill("@HaringeyYouthHub")
    page.get_by_role("button", name="Check").click()
    assert "council account post" in page.locator(".result").inner_text()
    admin.goto("/admin/audit?entity=channel")
    assert "create channel" in page.locator("tbody").inner_text() and TOKEN_NAME in page.locator("tbody").inner_text()


@pytest.mark.parametrize("when, in_period", [("20 April 2026", True), ("15 September 2026", False)])
def test_try_a_post_in_and_out_of_a_period(admin, when, in_period):
    draft = "Vote Labour on 7 May! #VoteLabour"
    admin.sign_in()
    admin.goto("/admin/try")
    page = admin.page
    page.get_by_label("Draft post").fill(draft)
    page.get_by_label("Account", exact=True).select_option("council")
    page.get_by_label("Date").fill(when)
    page.get_by_role("button", name="Check").click()
    result = page.locator(".result")
    api = page.request.post(admin.base + "/api/v1/check", data={"text": draft, "account": {"type": "council"},
                                                                "at": dt.datetime.strptime(when, "%d %B %Y").strftime("%Y-%m-%dT12:00:00+01:00")}).json()
    shown = [page.locator(".warning").nth(i).get_attribute("data-rule") for i in range(page.locator(".warning").count())]
    assert shown == [w["rule"] for w in api["warnings"]]
    assert any(w["category"] == "election" for w in api["warnings"]) is in_period
    assert ("A pre-election period is active" in result.inner_text()) is in_period
    if api["warnings"] and any(w["spans"] for w in api["warnings"]):
        assert page.locator("mark.underline").count() >= 1
    _expect_no_accessibility_problems(admin, "try a post result")
    result.scroll_into_view_if_needed()
    admin.screenshot(f"try-{'in' if in_period else 'out-of'}-period")


def test_a_form_without_its_csrf_token_is_refused(admin, admin_server):
    _base, app, _token = admin_server
    admin.sign_in()
    admin.goto("/admin/roster/roles/new")
    admin.page.get_by_label("Role").fill("Forged Role")
    admin.page.evaluate("document.querySelector('main form input[name=csrf_token]').remove()")
    admin.page.get_by_role("button", name="Save").click()
    assert "could not be accepted" in admin.page.locator("h1").inner_text()
    admin.screenshot("csrf-refused")
    admin.goto("/admin/roster")
    assert "Forged Role" not in admin.page.locator("main").inner_text()


def test_sign_out(admin):
    admin.sign_in()
    admin.page.get_by_role("button", name="Sign out").click()
    admin.page.wait_for_url("**/admin/sign-in")
    admin.goto("/admin/roster")
    assert re.search(r"/admin/sign-in", admin.page.url)


def test_the_accessibility_check_does_find_problems(admin):
    """The axe check above is not vacuous: an unlabelled field and an empty button are caught."""
    admin.sign_in()
    admin.goto("/admin/try")
    admin.page.evaluate("""() => {
        const form = document.querySelector('main form');
        form.appendChild(document.createElement('input'));
        form.appendChild(document.createElement('button'));
    }""")
    assert {"label", "button-name"} <= {p["id"] for p in admin.accessibility_problems()}


def test_the_rules_page_is_short_by_default_and_filters_without_script(admin):
    """The Rules page opens with each rule folded to its title, category, severity and where it applies,
    so it is a fraction of the 10,000-odd pixels it was; the filters work as a plain GET form."""
    admin.sign_in()
    admin.goto("/admin/rules")
    height = admin.page.evaluate("document.documentElement.scrollHeight")
    rules = admin.page.locator("[id^='rule-']").count()
    # Per rule, not a fixed height, so a council adding rules does not fail this: folded, a rule takes
    # well under 200 px (about 120 at 1280x800); unfolded it took about 450 (14,815 px for 33 rules).
    assert rules and height / rules < 200, f"the Rules page is {height}px tall for {rules} rules at 1280x800"
    _expect_no_accessibility_problems(admin, "rules")
    admin.page.get_by_label("Category").select_option("violent")
    admin.page.get_by_label("Severity").select_option("high")
    admin.page.get_by_role("button", name="Show rules").click()
    admin.page.wait_for_url("**/admin/rules?*category=violent*")
    assert "severity=high" in admin.page.url
    assert re.search(r"\d+ of \d+ rules", admin.page.locator("main").inner_text())
    _expect_no_accessibility_problems(admin, "rules filtered")
    admin.page.get_by_role("link", name="Show all").click()
    admin.page.wait_for_url("**/admin/rules")


def test_try_a_post_lines_up_the_labels_and_fields_of_account_handle_and_platform(admin):
    """Account has a long hint, Handle a short one and Platform none: the labels still sit on one line,
    and so do the three controls under them (issue 18)."""
    admin.sign_in()
    admin.goto("/admin/try")
    page = admin.page
    labels = [page.locator(f"label[for=f-{name}]").bounding_box() for name in ("account", "handle", "platform")]
    controls = [page.locator(f"#f-{name}").bounding_box() for name in ("account", "handle", "platform")]
    assert labels[0]["x"] < labels[1]["x"] < labels[2]["x"], "side by side at 1280 pixels"
    assert max(b["y"] for b in labels) - min(b["y"] for b in labels) <= 1, labels
    assert max(b["y"] for b in controls) - min(b["y"] for b in controls) <= 1, controls
    # With an error on one of them, the labels stay in line (the error sits between hint and control).
    page.get_by_label("Handle").fill("@" + "x" * 120)
    page.get_by_label("Draft post").fill("Hello")
    page.get_by_role("button", name="Check").click()
    page.locator("#error-handle").wait_for()
    labels = [page.locator(f"label[for=f-{name}]").bounding_box() for name in ("account", "handle", "platform")]
    assert max(b["y"] for b in labels) - min(b["y"] for b in labels) <= 1, labels
    _expect_no_accessibility_problems(admin, "try a post with an error on the handle")
    admin.screenshot("try-labels-aligned")


def test_the_finished_comms_pages_in_a_browser(admin):
    """Issue 18's states, each through axe and screenshotted: the first start folded into one line and
    opened, the organisation.yaml handles on the channels page, a period typed day first and one that
    cannot be read."""
    admin.sign_in()
    page = admin.page
    admin.goto("/admin/audit?actor=first start")
    summary = page.locator("tr.audit-seeding summary")
    assert summary.inner_text().startswith("Seeded from policy_rules/ at first start:")
    assert page.locator("tr.audit-seeding table").is_hidden()
    summary.click()
    assert page.locator("tr.audit-seeding table tbody tr").count() > 10
    _expect_no_accessibility_problems(admin, "audit log with the seeding opened")
    admin.screenshot("audit-seeding-opened")
    admin.goto("/admin/channels")
    page.locator("#org-handles").scroll_into_view_if_needed()
    assert "@HaringeyParks" in page.locator("#organisation-handles").inner_text()
    _expect_no_accessibility_problems(admin, "channels with the organisation handles")
    admin.screenshot("channels-organisation-handles")
    admin.goto("/admin/outcomes")
    page.get_by_label("From").fill("01/02/2026")
    page.get_by_label("To").fill("3 February 2026")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_label("From").input_value() == "1 February 2026"
    assert "between 1 February 2026 and 3 February 2026" in page.locator("main").inner_text()
    admin.screenshot("outcomes-typed-period")
    page.get_by_label("From").fill("31/02/2026")
    page.get_by_role("button", name="Show").click()
    assert "31/02/2026" in page.locator("#error-from[role=alert]").inner_text()
    _expect_no_accessibility_problems(admin, "outcomes with a day that cannot be read")
    admin.screenshot("outcomes-bad-date")
