"""Audit log: who changed what and when, newest first, filterable by kind of thing, actor and dates.
Each row says what changed, from what the row stores (`before` and `after`, see `store.changes`): the
fields an update changed, what a new entry was created with, what a removed one was. The first start's
seeding from `policy_rules/` (some twenty rows at once) is folded into one line that opens to its rows."""
from __future__ import annotations

import datetime as dt

from flask import render_template, request
from sqlalchemy import func, select

from postcheck.admin.blueprint import bp
from postcheck.admin.forms import Form, form_day
from postcheck.elections.calendar import LONDON
from postcheck.services import services
from postcheck.store.models import AuditEntry
from postcheck.store.seeding import SEED_ACTOR

PAGE = 50
# Bookkeeping, not what anyone changed: the key is shown already, the rest moves on every write.
_SKIP = {"id", "revision", "updated_at", "created_at"}
_LONGEST = 160  # characters of one value shown (a long note is cut, the record keeps it whole)
_NOUNS = {"election": ("election", "elections"), "role": ("role", "roles"), "party": ("party", "parties"),
          "group": ("group", "groups"), "councillor": ("councillor", "councillors"),
          "candidate": ("candidate", "candidates"), "person": ("person", "people"),
          "non-working-day": ("non-working day", "non-working days"), "channel": ("channel", "channels"),
          "token": ("token", "tokens")}


def changed_fields(before: dict | None, after: dict | None) -> list[tuple[str, object, object]]:
    """(field, before, after) for the fields an update changed; bookkeeping columns left out."""
    if not before or not after:
        return []
    return [(k, before.get(k), after.get(k)) for k in after if k not in _SKIP and before.get(k) != after.get(k)]


def shown(value) -> str:
    """A stored value as a person reads it: lists joined, yes/no, a dash for nothing, long text cut."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= _LONGEST else text[:_LONGEST - 1] + "…"


def details(action: str, before: dict | None, after: dict | None) -> dict:
    """What the Details column says: {'kind': 'changed'|'created'|'removed', 'fields': [(name, before, after)]}."""
    if before and after:
        return {"kind": "changed", "fields": [(k.replace("_", " "), shown(b), shown(a))
                                              for k, b, a in changed_fields(before, after)]}
    record, kind = (after, "created") if after else (before, "removed")
    fields = [(k.replace("_", " "), None, shown(v)) for k, v in (record or {}).items()
              if k not in _SKIP and v not in (None, "", [])]
    return {"kind": kind, "fields": fields}


def _entry(row: AuditEntry) -> dict:
    record = row.after if row.after is not None else row.before
    return {"id": row.id, "at": row.at.astimezone(LONDON), "actor": row.actor, "action": row.action,
            "entity": row.entity, "entity_id": row.entity_id, "details": details(row.action, row.before, row.after),
            "record": record if isinstance(record, dict) else None}


def _noun(entry: dict) -> str:
    kind = (entry["record"] or {}).get("kind") if entry["entity"] in ("party", "person") else None
    return kind if kind in _NOUNS else entry["entity"]


def seeding_summary(entries: list[dict]) -> str:
    """'14 councillors, 3 elections, 4 roles and 2 parties', in the order they were seeded."""
    counts: dict[str, int] = {}
    for entry in reversed(entries):  # the page is newest first; seeding wrote elections first
        noun = _noun(entry)
        counts[noun] = counts.get(noun, 0) + 1
    parts = [f"{n} {_NOUNS.get(noun, (noun, noun + 's'))[n != 1]}" for noun, n in counts.items()]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def fold_seeding(entries: list[dict]) -> list[dict]:
    """Consecutive rows of one first start become one {'seeding': True, 'entries': [...]} line."""
    out: list[dict] = []
    for entry in entries:
        if entry["actor"] == SEED_ACTOR and entry["action"] == "create":
            last = out[-1] if out else None
            if last and last.get("seeding") and abs((last["at"] - entry["at"]).total_seconds()) < 600:
                last["entries"].append(entry)
                continue
            out.append({"seeding": True, "at": entry["at"], "actor": entry["actor"], "entries": [entry]})
        else:
            out.append(entry)
    for item in out:
        if item.get("seeding"):
            item["summary"] = seeding_summary(item["entries"])
            item["at"] = item["entries"][-1]["at"]  # when the start began
    return out


def _filtered(query, form: Form, start: dt.date | None, end: dt.date | None):
    if form.values["entity"]:
        query = query.where(AuditEntry.entity == form.values["entity"])
    if form.values["actor"]:
        # Escaped, so a % or _ typed in a name matches itself.
        needle = form.values["actor"].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(AuditEntry.actor).like(f"%{needle}%", escape="\\"))
    if start:
        query = query.where(AuditEntry.at >= dt.datetime.combine(start, dt.time(), LONDON))
    if end:
        query = query.where(AuditEntry.at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), LONDON))
    return query


@bp.route("/audit")
def audit():
    form = Form(values={k: request.args.get(k, "").strip()[:200] for k in ("entity", "actor", "from", "to", "before")})
    start, end = form_day(form, "from"), form_day(form, "to")
    query = _filtered(select(AuditEntry).order_by(AuditEntry.id.desc()), form, start, end)
    if form.values["before"].isdigit():
        query = query.where(AuditEntry.id < int(form.values["before"]))
    rows: list[AuditEntry] = []
    next_before = None
    with services().store.transaction() as session:
        entities = list(session.scalars(select(AuditEntry.entity).distinct().order_by(AuditEntry.entity)))
        if form.ok:
            rows = list(session.scalars(query.limit(PAGE)))
            if len(rows) == PAGE and rows[-1].actor == SEED_ACTOR:
                # A first start cut by the page's end: take the rest of it, so it stays one line.
                for row in session.scalars(query.where(AuditEntry.id < rows[-1].id).limit(1000)):
                    if row.actor != SEED_ACTOR:
                        break
                    rows.append(row)
            if len(rows) >= PAGE and session.scalar(query.where(AuditEntry.id < rows[-1].id).limit(1)) is not None:
                next_before = rows[-1].id
    entries = fold_seeding([_entry(r) for r in rows])
    return render_template("admin/audit.html", form=form, entries=entries, entities=entities, start=start, end=end,
                           next_before=next_before), (200 if form.ok else 422)
