"""A NUL character cannot be stored in PostgreSQL text; every backend refuses it the same way, as a 422,
before the database sees it, and nothing is written."""
import pytest
from sqlalchemy import func, select

from postcheck.store.models import AuditEntry
from tests.store.backends import admin, api, comms, database_url, store_app  # noqa: F401  (fixtures)

NUL = "Bad\x00Name"


@pytest.mark.parametrize("path, body", [
    ("/api/v1/roster/parties", {"name": NUL}),
    ("/api/v1/roster/roles", {"name": NUL}),
    ("/api/v1/roster/people", {"name": NUL}),
    ("/api/v1/elections", {"name": NUL, "kind": "local", "poll_date": "2030-05-02"}),
    ("/api/v1/feedback", {"rule": "offensive.strong-language", "category": "offensive", "outcome": "reported_wrong",
                          "comment": NUL}),
])
def test_nul_in_stored_text_is_422_and_nothing_is_written(api, admin, store_app, path, body):
    store = store_app.extensions["postcheck"].store
    with store.transaction() as session:
        audit_before = session.scalar(select(func.count()).select_from(AuditEntry))
    response = api.post(path, json=body, headers=admin)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "NUL" in response.get_json()["message"]
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before


def test_a_draft_with_nul_is_still_checked(api):
    # Drafts are never stored, so a NUL in one is only text to check.
    response = api.post("/api/v1/check", json={"text": "f*ck\x00 it"})
    assert response.status_code == 200 and response.get_json()["warnings"]
