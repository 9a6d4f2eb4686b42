"""Elections: list, add, edit, delete, a live preview of the statutory dates as a polling day is
typed, the Democracy Club import and the ICS link. Validation is the API's own schema
(`api.elections.ElectionInSchema`), dates are read by `elections.dates`, and the derived dates come
from `elections.records.describe`, so the page and the API cannot disagree."""
from __future__ import annotations

import calendar as month_names
import datetime as dt
import re
from types import SimpleNamespace

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from postcheck import jsonbody
from postcheck.admin.blueprint import bp
from postcheck.admin.forms import Form, load
from postcheck.api.elections import ElectionInSchema
from postcheck.auth import actor, request_id
from postcheck.elections.calendar import LONDON
from postcheck.elections.dates import DateInputError, parse_uk_date
from postcheck.elections.everyelection import candidates
from postcheck.elections.ids import ElectionIdError
from postcheck.elections.records import derive_id, describe
from postcheck.elections.timetable import KINDS
from postcheck.services import services
from postcheck.store import changes
from postcheck.store.models import Election, NonWorkingDay

KIND_NAMES = {"local": "Local (borough or ward)", "gla": "Greater London Authority", "mayor": "Mayor of London",
              "parl-general": "UK Parliament: general election", "parl-by": "UK Parliament: by-election",
              "referendum": "Referendum"}
FIELDS = ("name", "kind", "poll_date", "notice_date", "ends_override", "scope", "notes")
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})\s*$")


def _extra_days(session) -> list:
    return list(session.scalars(select(NonWorkingDay.day)))


def _scope_in(text: str):
    wards = [w.strip() for w in re.split(r"[\n;,]", text or "") if w.strip()]
    return wards or "borough"


def _scope_out(scope) -> str:
    return "\n".join(scope) if isinstance(scope, list) else ""


def form_values(row) -> dict:
    return {"name": row.name, "kind": row.kind, "poll_date": row.poll_date.isoformat(),
            "notice_date": row.notice_date.isoformat() if row.notice_date else "",
            "ends_override": row.ends_override.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") if row.ends_override else "",
            "scope": _scope_out(row.scope), "notes": row.notes, "revision": row.revision}


def _payload(values: dict) -> dict:
    """The form as the API's schema expects it: blank optional dates are absent, wards a list."""
    data = {"name": values.get("name", "").strip(), "kind": values.get("kind", ""),
            "poll_date": values.get("poll_date", ""), "scope": _scope_in(values.get("scope", "")),
            "notes": values.get("notes", "").strip()}
    for name in ("notice_date", "ends_override"):
        if values.get(name, "").strip():
            data[name] = values[name].strip()
        else:
            data[name] = None
    return data


def reading_note(text: str) -> str | None:
    """How a date written all in numbers was read, when it could be read the other way round."""
    found = _NUMERIC_DATE.match(text or "")
    if not found:
        return None
    first, second = int(found.group(1)), int(found.group(2))
    if first <= 12 and second <= 12 and first != second:
        try:
            day = parse_uk_date(text)
        except DateInputError:
            return None
        return (f"Read day first, as in the UK: {day:%A} {day.day} {day:%B %Y}, "
                f"not {month_names.month_name[first]} {second}.")
    return None


def _derive(data: dict) -> str:
    return derive_id(data["kind"], data["poll_date"], data["scope"], services().calendar_settings)


def preview(values: dict) -> dict:
    """What saving would give: the id, the notice deadline, the period, warnings; or errors per field.
    Only the fields that decide the dates are required here (a name can come later)."""
    errors, data = {}, {}
    kind = values.get("kind", "")
    if kind not in KINDS:
        errors["kind"] = "Choose the kind of election."
    for name in ("poll_date", "notice_date"):
        text = (values.get(name) or "").strip()
        if not text:
            if name == "poll_date":
                errors[name] = "Type polling day, e.g. Thursday 4 May 2028 or 4/5/2028."
            continue
        try:
            data[name] = parse_uk_date(text)
        except DateInputError as exc:
            errors[name] = str(exc)
    ends = None
    if (values.get("ends_override") or "").strip():
        try:
            ends = ElectionInSchema().fields["ends_override"].deserialize(values["ends_override"].strip())
        except ValidationError as exc:
            errors["ends_override"] = " ".join(exc.messages)
    if errors:
        return {"ok": False, "errors": errors}
    scope = _scope_in(values.get("scope", ""))
    try:
        election_id = derive_id(kind, data["poll_date"], scope, services().calendar_settings)
    except ElectionIdError as exc:
        return {"ok": False, "errors": {"scope": str(exc)}}
    row = SimpleNamespace(id=election_id, name=values.get("name", ""), kind=kind, poll_date=data["poll_date"],
                          notice_date=data.get("notice_date"), ends_override=ends, scope=scope, notes="",
                          revision=None, updated_at=None)
    with services().store.transaction() as session:
        described = describe(row, _extra_days(session))
    notes = [n for n in (reading_note(values.get("poll_date")), reading_note(values.get("notice_date"))) if n]
    return {"ok": True, "id": election_id, "poll_date": _words(data["poll_date"]),
            "notice_deadline": _words(described["notice_deadline"]), "starts": _moment(described["starts"]),
            "ends": _moment(described["ends"]), "warnings": described["warnings"], "notes": notes}


def _words(value) -> str | None:
    if value is None:
        return None
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day:%A} {day.day} {day:%B %Y}"


def _moment(value: str | None) -> str | None:
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(value).astimezone(LONDON)
    return f"{moment:%H:%M} on {moment:%A} {moment.day} {moment:%B %Y}"


def _list():
    with services().store.transaction() as session:
        days = _extra_days(session)
        rows = session.scalars(select(Election).order_by(Election.poll_date, Election.id)).all()
        return [describe(r, days) for r in rows]


def _after_change():
    services().calendar.refresh()  # this process at once; the others within the poll interval


@bp.route("/elections")
def elections():
    return render_template("admin/elections.html", elections=_list(), kinds=KIND_NAMES, words=_words, moment=_moment)


def _render_form(form: Form, election_id: str | None = None, status: int = 200):
    shown = preview(form.values) if form.values.get("poll_date") else None
    return render_template("admin/election_form.html", form=form, kinds=KIND_NAMES, election_id=election_id,
                           preview=shown), status


@bp.route("/elections/new", methods=["GET", "POST"])
def election_new():
    if request.method == "GET":
        return _render_form(Form(values={"kind": "local"}))
    form = Form(values={k: request.form.get(k, "") for k in FIELDS})
    if request.form.get("action") == "preview":
        return _render_form(form)
    data, form.errors = load(ElectionInSchema(), _payload(form.values))
    if data is not None:
        try:
            new_id = _derive(data)
        except ElectionIdError as exc:
            form.errors["scope"] = str(exc)
        else:
            with services().store.transaction() as session:
                if session.get(Election, new_id) is not None:
                    form.errors["poll_date"] = f"{new_id} is already in the calendar; edit that election instead."
                else:
                    changes.create(session, Election(id=new_id, **data), actor(), request_id())
            if form.ok:
                _after_change()
                flash(f"Added {data['name']} ({new_id}).")
                return redirect(url_for("admin.elections"))
    return _render_form(form, status=422)


def _get_or_404(session, election_id):
    row = session.get(Election, election_id)
    if row is None:
        abort(404, description=f"There is no election {election_id} in the calendar; it may have been deleted.")
    return row


@bp.route("/elections/<election_id>/edit", methods=["GET", "POST"])
def election_edit(election_id):
    if request.method == "GET":
        with services().store.transaction() as session:
            return _render_form(Form(values=form_values(_get_or_404(session, election_id))), election_id)
    form = Form(values={k: request.form.get(k, "") for k in (*FIELDS, "revision")})
    if request.form.get("action") == "preview":
        return _render_form(form, election_id)
    data, form.errors = load(ElectionInSchema(), _payload(form.values))
    if data is not None:
        try:
            with services().store.transaction() as session:
                row = _get_or_404(session, election_id)
                if str(row.revision) != form.values["revision"]:
                    form.errors["_form"] = ("Someone else changed this election while you were editing it. "
                                            "Their version is shown below; reapply your change.")
                    form.values = form_values(row)
                else:
                    new_id = _derive(data)
                    if new_id != row.id and session.get(Election, new_id) is not None:
                        form.errors["poll_date"] = f"{new_id} is already in the calendar."
                    else:
                        changes.update(session, row, {**data, "id": new_id}, actor(), request_id())
        except ElectionIdError as exc:
            form.errors["scope"] = str(exc)
        except StaleDataError:
            form.errors["_form"] = "Someone else changed this election at the same moment; reload and reapply your change."
        if form.ok:
            _after_change()
            flash(f"Saved {data['name']}.")
            return redirect(url_for("admin.elections"))
    return _render_form(form, election_id, status=409 if "_form" in form.errors else 422)


@bp.route("/elections/<election_id>/delete", methods=["GET", "POST"])
def election_delete(election_id):
    with services().store.transaction() as session:
        row = _get_or_404(session, election_id)
        if request.method == "GET":
            return render_template("admin/confirm_delete.html", what=f"the election {row.name} ({row.id})",
                                   revision=row.revision, cancel=url_for("admin.elections"))
        if str(row.revision) != request.form.get("revision"):
            flash(f"{row.name} changed since you opened it; nothing was deleted. Check it and try again.", "error")
            return redirect(url_for("admin.elections"))
        name = row.name
        changes.delete(session, row, actor(), request_id())
    _after_change()
    flash(f"Deleted {name}.")
    return redirect(url_for("admin.elections"))


@bp.route("/elections/preview")
def election_preview():
    """The derived dates for what is typed so far (the form's script asks as the person types)."""
    return jsonify(preview({k: request.args.get(k, "")[:200] for k in FIELDS}))


@bp.route("/elections/import", methods=["GET", "POST"])
def election_import():
    if request.method == "GET":
        return render_template("admin/election_import.html", form=Form(), result=None)
    form = Form()
    upload = request.files.get("file")
    raw = upload.read() if upload else b""
    data = None
    if not raw:
        form.errors["file"] = "Choose the JSON file you saved from Democracy Club."
    else:
        try:
            data = jsonbody.loads(raw)  # too deep or a number too long is "not JSON" too, not a 500
        except ValueError:
            form.errors["file"] = "That file is not JSON: save the page from Democracy Club as it is (File, Save as)."
    found = skipped = None
    if data is not None:
        try:
            found, skipped = candidates(data, lambda kind, poll, scope: derive_id(kind, poll, scope,
                                                                                 services().calendar_settings))
        except ValueError as exc:
            form.errors["file"] = str(exc)
    if not form.ok:
        return render_template("admin/election_import.html", form=form, result=None), 422
    created, existing = [], []
    with services().store.transaction() as session:
        for item in found:
            if session.get(Election, item["id"]) is not None:
                existing.append(item["id"])
                continue
            changes.create(session, Election(**item), actor(), request_id())
            created.append(item)
    if created:
        _after_change()
    return render_template("admin/election_import.html", form=Form(),
                           result={"created": created, "existing": existing, "skipped": skipped})
