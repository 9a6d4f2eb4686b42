"""Roster: parties and groups, councillors and candidates, generic roles; add, edit, remove; CSV
import with a preview and CSV export. Validation is the API's own roster schemas."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from postcheck.admin.blueprint import bp
from postcheck.admin.forms import Form, join_list, load, split_list
from postcheck.admin.roster_import import COLUMNS, apply_plan, plan_import
from postcheck.api.roster import COLLECTIONS
from postcheck.auth import actor, request_id
from postcheck.elections.roster import export_csv
from postcheck.services import services
from postcheck.store import changes

# collection -> (what one is called, the form's fields, which of them are lists)
KINDS = {
    "parties": ("party or group", ("name", "kind", "aliases", "hashtags", "slogans"), ("aliases", "hashtags", "slogans")),
    "people": ("person", ("name", "kind", "party", "ward", "aliases", "handles", "roles"), ("aliases", "handles", "roles")),
    "roles": ("role", ("name",), ()),
}
MAX_CSV_BYTES = 2_000_000


def _kind_or_404(collection: str):
    if collection not in KINDS:
        abort(404)
    return COLLECTIONS[collection][0], COLLECTIONS[collection][1], *KINDS[collection]


def _after_change():
    services().calendar.refresh()  # the roster feeds the rules: this process reloads them at once


@bp.route("/roster")
def roster():
    with services().store.transaction() as session:
        lists = {name: session.scalars(select(model).order_by(model.name)).all()
                 for name, (model, _schema) in COLLECTIONS.items()}
    return render_template("admin/roster.html", lists=lists)


def _values_of(row, fields, list_fields) -> dict:
    return {f: join_list(getattr(row, f)) if f in list_fields else getattr(row, f) for f in fields} | {"revision": row.revision}


def _payload(form_values: dict, fields, list_fields) -> dict:
    return {f: split_list(form_values.get(f)) if f in list_fields else (form_values.get(f) or "").strip() for f in fields}


def _render(collection, form, item_id=None, status=200):
    return render_template("admin/roster_form.html", collection=collection, noun=KINDS[collection][0], form=form,
                           item_id=item_id), status


@bp.route("/roster/<collection>/new", methods=["GET", "POST"])
def roster_new(collection):
    model, schema, noun, fields, list_fields = _kind_or_404(collection)
    if request.method == "GET":
        return _render(collection, Form(values={"kind": "party" if collection == "parties" else "councillor"}))
    form = Form(values={f: request.form.get(f, "") for f in fields})
    data, form.errors = load(schema(), _payload(form.values, fields, list_fields))
    if data is not None:
        with services().store.transaction() as session:
            if session.scalar(select(model).where(model.name == data["name"])) is not None:
                form.errors["name"] = f"{data['name']} is already in the roster; edit that entry instead."
            else:
                changes.create(session, model(**data), actor(), request_id())
        if form.ok:
            _after_change()
            flash(f"Added {data['name']}.")
            return redirect(url_for("admin.roster") + f"#{collection}")
    return _render(collection, form, status=422)


@bp.route("/roster/<collection>/<int:item_id>/edit", methods=["GET", "POST"])
def roster_edit(collection, item_id):
    model, schema, noun, fields, list_fields = _kind_or_404(collection)
    with services().store.transaction() as session:
        row = session.get(model, item_id)
        if row is None:
            abort(404, description=f"That {noun} is no longer in the roster.")
        if request.method == "GET":
            return _render(collection, Form(values=_values_of(row, fields, list_fields)), item_id)
    form = Form(values={f: request.form.get(f, "") for f in (*fields, "revision")})
    data, form.errors = load(schema(), _payload(form.values, fields, list_fields))
    if data is not None:
        try:
            with services().store.transaction() as session:
                row = session.get(model, item_id)
                other = session.scalar(select(model).where(model.name == data["name"]))
                if row is None:
                    abort(404, description=f"That {noun} is no longer in the roster.")
                if str(row.revision) != form.values["revision"]:
                    form.errors["_form"] = "Someone else changed this entry while you were editing it; their version is shown."
                    form.values = _values_of(row, fields, list_fields)
                elif other is not None and other is not row:
                    form.errors["name"] = f"{data['name']} is already in the roster."
                else:
                    changes.update(session, row, data, actor(), request_id())
        except StaleDataError:
            form.errors["_form"] = "Someone else changed this entry at the same moment; reload and reapply your change."
        if form.ok:
            _after_change()
            flash(f"Saved {data['name']}.")
            return redirect(url_for("admin.roster") + f"#{collection}")
    return _render(collection, form, item_id, status=409 if "_form" in form.errors else 422)


@bp.route("/roster/<collection>/<int:item_id>/delete", methods=["GET", "POST"])
def roster_delete(collection, item_id):
    model, _schema, noun, _fields, _lists = _kind_or_404(collection)
    with services().store.transaction() as session:
        row = session.get(model, item_id)
        if row is None:
            abort(404, description=f"That {noun} is no longer in the roster.")
        if request.method == "GET":
            return render_template("admin/confirm_delete.html", what=f"the {noun} {row.name}", revision=row.revision,
                                   cancel=url_for("admin.roster"))
        if str(row.revision) != request.form.get("revision"):
            flash(f"{row.name} changed since you opened it; nothing was removed.", "error")
            return redirect(url_for("admin.roster"))
        name = row.name
        changes.delete(session, row, actor(), request_id())
    _after_change()
    flash(f"Removed {name}.")
    return redirect(url_for("admin.roster") + f"#{collection}")


@bp.route("/roster.csv")
def roster_csv():
    with services().store.transaction() as session:
        text = export_csv(session)
    response = make_response(text)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="roster.csv"'
    return response


@bp.route("/roster/import", methods=["GET", "POST"])
def roster_import():
    form = Form()
    if request.method == "GET":
        return render_template("admin/roster_import.html", form=form, plan=None, columns=COLUMNS)
    replace = request.form.get("replace") == "yes"
    form.values["replace"] = replace
    upload = request.files.get("file")
    raw = upload.read(MAX_CSV_BYTES + 1) if upload and upload.filename else request.form.get("csv", "").encode("utf-8")
    if not raw.strip():
        form.errors["file"] = "Choose the roster's CSV file."
    elif len(raw) > MAX_CSV_BYTES:
        form.errors["file"] = "That file is over 2 MB; a roster is much smaller. Check it is the right file."
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            form.errors["file"] = "The file is not UTF-8 text: in Excel choose Save As, 'CSV UTF-8 (Comma delimited)'."
    if not form.ok:
        return render_template("admin/roster_import.html", form=form, plan=None, columns=COLUMNS), 422
    with services().store.transaction() as session:
        plan = plan_import(session, text, replace)
        if plan.problem:
            form.errors["file"] = plan.problem
            return render_template("admin/roster_import.html", form=form, plan=None, columns=COLUMNS), 422
        if request.form.get("action") != "apply":
            return render_template("admin/roster_import.html", form=form, plan=plan, csv_text=text, columns=COLUMNS)
        apply_plan(session, plan, actor(), request_id())
    if plan.changes:
        _after_change()
    flash(f"Roster updated: {plan.count('create')} added, {plan.count('update')} changed, {plan.count('delete')} removed"
          + (f"; {len(plan.rejected)} row{'s' if len(plan.rejected) != 1 else ''} rejected (listed below)." if plan.rejected else "."))
    if plan.rejected:
        return render_template("admin/roster_import.html", form=Form(), plan=None, applied=plan, columns=COLUMNS)
    return redirect(url_for("admin.roster"))
