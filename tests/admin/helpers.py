"""Driving the /admin pages with Flask's test client: forms carry their CSRF token as a browser would."""
from __future__ import annotations

import re

from sqlalchemy import select

from postcheck.store.models import AuditEntry

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str = "/admin/sign-in") -> str:
    page = client.get(path)
    found = _CSRF.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {path} ({page.status_code})"
    return found.group(1)


def post_form(client, path: str, data: dict, page: str | None = None, **kwargs):
    """POST a form as the browser does: with the token from the page it was on (default: the same path)."""
    return client.post(path, data={"csrf_token": csrf_token(client, page or path), **data}, **kwargs)


def sign_in(client, token: str):
    response = post_form(client, "/admin/sign-in", {"token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def audit_entries(app, **where) -> list[AuditEntry]:
    with app.extensions["postcheck"].store.transaction() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEntry, name) == value)
        return list(session.scalars(query))


def field_error(html: str, name: str) -> str | None:
    """The error shown next to a field, if the field points at it (aria-describedby) and is marked invalid."""
    error = re.search(rf'<p class="field-error" id="error-{name}" role="alert">(.*?)</p>', html, re.S)
    field = re.search(rf'id="f-{name}"[^>]*>', html, re.S)
    if not error or not field:
        return None
    assert f"error-{name}" in field.group(0) and 'aria-invalid="true"' in field.group(0), \
        f"the {name} field does not point at its error"
    return re.sub(r"<[^>]+>", "", error.group(1)).replace("Error:", "").strip()
