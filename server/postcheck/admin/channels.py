"""Council channels: the official accounts, their owners, authorisation and access review. Registered
handles count as council accounts in every check (through `postcheck.channels.LiveChannels`)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm.exc import StaleDataError

from postcheck.admin.blueprint import bp
from postcheck.admin.forms import Form, join_list, load
from postcheck.auth import actor, request_id
from postcheck.channels import (PLATFORM_NAMES, ChannelSchema, DuplicateChannel, create_channel, delete_channel,
                                handle_key, list_channels, review_flags, update_channel)
from postcheck.elections.calendar import LONDON
from postcheck.services import services
from postcheck.store.models import CouncilChannel

FIELDS = ("platform", "handle", "team", "owner_name", "owner_contact", "authorised_on", "authorised_by",
          "password_changed_on", "staff_with_access", "notes")


def _today() -> dt.date:
    return dt.datetime.now(LONDON).date()


def _after_change():
    services().channels.refresh()  # this process at once; the others within the poll interval


def _values_of(row) -> dict:
    return {"platform": row.platform, "handle": row.handle, "team": row.team, "owner_name": row.owner_name,
            "owner_contact": row.owner_contact, "authorised_by": row.authorised_by, "notes": row.notes,
            "authorised_on": row.authorised_on.isoformat() if row.authorised_on else "",
            "password_changed_on": row.password_changed_on.isoformat() if row.password_changed_on else "",
            "staff_with_access": join_list(row.staff_with_access), "revision": row.revision}


def _render(form, channel_id=None, status=200):
    return render_template("admin/channel_form.html", form=form, platforms=PLATFORM_NAMES, channel_id=channel_id,
                           max_days=services().settings["CHANNEL_PASSWORD_MAX_DAYS"]), status


@bp.route("/channels")
def channels():
    today, max_days = _today(), services().settings["CHANNEL_PASSWORD_MAX_DAYS"]
    with services().store.transaction() as session:
        rows = [(row, review_flags(row, today, max_days)) for row in list_channels(session)]
    return render_template("admin/channels.html", rows=rows, platforms=PLATFORM_NAMES, max_days=max_days,
                           flagged=sum(1 for _row, flags in rows if flags), **organisation_handles(rows))


def organisation_handles(rows) -> dict:
    """The handles the rules folder's organisation.yaml names (`official_handles`): they count as council
    channels too, on every platform, and are changed in that file, not here. Each with whether it is
    also registered on this page."""
    registered = {handle_key(row.handle) for row, _flags in rows}
    handles = services().rules.current.organisation.official_handles
    return {"org_handles": [{"handle": h if h.startswith("@") else "@" + h, "registered": handle_key(h) in registered}
                            for h in handles],
            "org_file": f"{Path(services().settings['RULES_DIR']).name}/organisation.yaml"}


@bp.route("/channels/new", methods=["GET", "POST"])
def channel_new():
    if request.method == "GET":
        return _render(Form(values={"platform": "twitter"}))
    form = Form(values={f: request.form.get(f, "") for f in FIELDS})
    data, form.errors = load(ChannelSchema(), form.values)
    if data is not None:
        try:
            with services().store.transaction() as session:
                create_channel(session, data, actor(), request_id())
        except DuplicateChannel as exc:
            form.errors["handle"] = str(exc)
        if form.ok:
            _after_change()
            flash(f"Registered {data['handle']} on {PLATFORM_NAMES[data['platform']]}: posts from it now count as council posts.")
            return redirect(url_for("admin.channels"))
    return _render(form, status=422)


@bp.route("/channels/<int:channel_id>/edit", methods=["GET", "POST"])
def channel_edit(channel_id):
    with services().store.transaction() as session:
        row = session.get(CouncilChannel, channel_id)
        if row is None:
            abort(404, description="That channel is no longer registered.")
        if request.method == "GET":
            return _render(Form(values=_values_of(row)), channel_id)
    form = Form(values={f: request.form.get(f, "") for f in (*FIELDS, "revision")})
    data, form.errors = load(ChannelSchema(), form.values)
    if data is not None:
        try:
            with services().store.transaction() as session:
                row = session.get(CouncilChannel, channel_id)
                if row is None:
                    abort(404, description="That channel is no longer registered.")
                if str(row.revision) != form.values["revision"]:
                    form.errors["_form"] = "Someone else changed this channel while you were editing it; their version is shown."
                    form.values = _values_of(row)
                else:
                    update_channel(session, row, data, actor(), _today(), request_id())
        except DuplicateChannel as exc:
            form.errors["handle"] = str(exc)
        except StaleDataError:
            form.errors["_form"] = "Someone else changed this channel at the same moment; reload and reapply your change."
        if form.ok:
            _after_change()
            flash(f"Saved {data['handle']}.")
            return redirect(url_for("admin.channels"))
    return _render(form, channel_id, status=409 if "_form" in form.errors else 422)


@bp.route("/channels/<int:channel_id>/delete", methods=["GET", "POST"])
def channel_delete(channel_id):
    with services().store.transaction() as session:
        row = session.get(CouncilChannel, channel_id)
        if row is None:
            abort(404, description="That channel is no longer registered.")
        if request.method == "GET":
            return render_template("admin/confirm_delete.html", revision=row.revision, cancel=url_for("admin.channels"),
                                   what=f"the channel {row.handle} on {PLATFORM_NAMES[row.platform]} (posts from it "
                                        "will no longer count as council posts)")
        if str(row.revision) != request.form.get("revision"):
            flash(f"{row.handle} changed since you opened it; nothing was removed.", "error")
            return redirect(url_for("admin.channels"))
        handle = row.handle
        delete_channel(session, row, actor(), request_id())
    _after_change()
    flash(f"Removed {handle}.")
    return redirect(url_for("admin.channels"))
