"""Audit log: who changed what and when, newest first, filterable by kind of thing, actor and dates."""
from __future__ import annotations

import datetime as dt

from flask import render_template, request
from sqlalchemy import func, select

from postcheck.admin.blueprint import bp
from postcheck.admin.forms import Form
from postcheck.elections.calendar import LONDON
from postcheck.services import services
from postcheck.store.models import AuditEntry

PAGE = 50


def changed_fields(before: dict | None, after: dict | None) -> list[tuple[str, object, object]]:
    """(field, before, after) for the fields an update changed; bookkeeping columns left out."""
    if not before or not after:
        return []
    skip = {"revision", "updated_at"}
    return [(k, before.get(k), after.get(k)) for k in after if k not in skip and before.get(k) != after.get(k)]


def _day(text: str, form: Form, name: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        form.errors[name] = "Give the day as a date, e.g. 2026-11-01."
        return None


@bp.route("/audit")
def audit():
    form = Form(values={k: request.args.get(k, "").strip()[:200] for k in ("entity", "actor", "from", "to", "before")})
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(PAGE)
    if form.values["entity"]:
        query = query.where(AuditEntry.entity == form.values["entity"])
    if form.values["actor"]:
        # Escaped, so a % or _ typed in a name matches itself.
        needle = form.values["actor"].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(AuditEntry.actor).like(f"%{needle}%", escape="\\"))
    start, end = _day(form.values["from"], form, "from"), _day(form.values["to"], form, "to")
    if start:
        query = query.where(AuditEntry.at >= dt.datetime.combine(start, dt.time(), LONDON))
    if end:
        query = query.where(AuditEntry.at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), LONDON))
    if form.values["before"].isdigit():
        query = query.where(AuditEntry.id < int(form.values["before"]))
    with services().store.transaction() as session:
        entities = list(session.scalars(select(AuditEntry.entity).distinct().order_by(AuditEntry.entity)))
        rows = session.scalars(query).all() if form.ok else []
    entries = [{"id": r.id, "at": r.at.astimezone(LONDON), "actor": r.actor, "action": r.action, "entity": r.entity,
                "entity_id": r.entity_id, "changes": changed_fields(r.before, r.after),
                "record": r.after if r.after is not None else r.before} for r in rows]
    next_before = rows[-1].id if len(rows) == PAGE else None
    return render_template("admin/audit.html", form=form, entries=entries, entities=entities,
                           next_before=next_before), (200 if form.ok else 422)
