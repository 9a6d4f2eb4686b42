"""Try a post: the warnings the API gives, shown with the words underlined at their spans; in and out
of a pre-election period; the draft is never logged, stored or kept in the session."""
import html as html_lib
import logging
import re

from sqlalchemy import select, text

from postcheck.store.models import AuditEntry
from tests.admin.helpers import field_error, post_form

IN_PERIOD, OUT_OF_PERIOD = "20 April 2026", "15 September 2026"
DRAFT = "Vote Labour on 7 May! Cllr Jones has done wonders for Noel Park 🌳 #VoteLabour"


def _try(client, **fields):
    return post_form(client, "/admin/try", {"text": DRAFT, "account": "council", "platform": "other", **fields})


def _api(client, at):
    return client.post("/api/v1/check", json={"text": DRAFT, "account": {"type": "council"},
                                              "at": f"{at}T12:00:00+01:00"}).get_json()


def _shown_rules(page: str) -> list[str]:
    return re.findall(r'data-rule="([^"]+)"', page)


def test_inside_and_outside_a_period_the_page_shows_what_the_api_answers(signed_in):
    inside = _try(signed_in, at=IN_PERIOD).get_data(as_text=True)
    outside = _try(signed_in, at=OUT_OF_PERIOD).get_data(as_text=True)
    api_inside, api_outside = _api(signed_in, "2026-04-20"), _api(signed_in, "2026-09-15")
    assert _shown_rules(inside) == [w["rule"] for w in api_inside["warnings"]]
    assert _shown_rules(outside) == [w["rule"] for w in api_outside["warnings"]]
    assert any(w["category"] == "election" for w in api_inside["warnings"])
    assert not any(w["category"] == "election" for w in api_outside["warnings"])
    assert "A pre-election period is active" in inside and "No pre-election period then" in outside


def test_the_words_at_fault_are_underlined_at_the_spans(signed_in):
    page = _try(signed_in, at=IN_PERIOD).get_data(as_text=True)
    marked = [html_lib.unescape(m) for m in re.findall(r'<mark class="underline"[^>]*>(.*?)<span class="visually-hidden">', page)]
    expected = []
    for warning in _api(signed_in, "2026-04-20")["warnings"]:
        for span in warning["spans"]:
            units = DRAFT.encode("utf-16-le")[span["start"] * 2:span["end"] * 2].decode("utf-16-le")
            expected.append(units)
    assert marked and all(any(part in e or e in part for e in expected) for part in marked)
    assert "".join(expected) and all(any(e in m or m in e for m in marked) for e in expected)


def test_a_registered_handle_is_judged_as_council(signed_in):
    post_form(signed_in, "/admin/channels/new", {"platform": "twitter", "handle": "@HaringeyYouth", "team": "Youth",
                                                 "owner_name": "Priya Shah", "owner_contact": "p@haringey.gov.uk"})
    page = _try(signed_in, account="", handle="@HaringeyYouth", at=OUT_OF_PERIOD).get_data(as_text=True)
    assert "Judged as a <strong>council</strong> account" in page
    page = _try(signed_in, account="", handle="@someone_else", at=OUT_OF_PERIOD).get_data(as_text=True)
    assert "Judged as a <strong>personal</strong> account" in page


def test_errors_are_shown_next_to_the_fields(signed_in):
    response = post_form(signed_in, "/admin/try", {"text": "  ", "account": "robot", "at": "4 May"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(page, "text") and field_error(page, "account") and "no year" in field_error(page, "at")


def test_the_draft_is_never_logged_stored_or_kept(admin_app, signed_in, caplog):
    secret = "Zyxwvut-unique-draft-words call 07700 900123 about Vote Labour"
    caplog.set_level(logging.DEBUG)
    response = post_form(signed_in, "/admin/try", {"text": secret, "account": "personal", "at": IN_PERIOD})
    assert response.status_code == 200 and "Zyxwvut-unique-draft-words" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Zyxwvut" not in caplog.text
    assert "Zyxwvut" not in response.headers.get("Set-Cookie", "")
    for cookie in signed_in._cookies.values():
        assert "Zyxwvut" not in cookie.value
    store = admin_app.extensions["postcheck"].store
    with store.transaction() as session:
        assert not any("Zyxwvut" in str(e.before) + str(e.after) for e in session.scalars(select(AuditEntry)))
        for table in ("audit_log", "outcome_counts", "outcome_comments", "council_channels", "people", "parties"):
            rows = session.execute(text(f"SELECT * FROM {table}")).all()
            assert not any("Zyxwvut" in str(row) for row in rows), table
