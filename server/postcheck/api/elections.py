"""The election calendar: `/api/v1/elections` (comms keep it), `/api/v1/elections.ics` (anyone may
subscribe), the EveryElection import and the extra non-working days that move statutory deadlines."""
from __future__ import annotations

import datetime as dt

from flask import abort, jsonify, make_response, request, url_for
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from postcheck.api import Blueprint
from postcheck.api.documented import errors, if_match_required, names_a_row
from postcheck.api.etags import require_if_match, with_etag
from postcheck.api.fields import FreeText, Name, Scope, UkDate, UkMoment
from postcheck.auth import actor, request_id, require
from postcheck.elections.everyelection import candidates
from postcheck.elections.ics import calendar_ics
from postcheck.elections.ids import ElectionIdError
from postcheck.elections.records import derive_id, describe
from postcheck.elections.timetable import KINDS
from postcheck.services import services
from postcheck.store import changes
from postcheck.store.models import Election, NonWorkingDay

blp = Blueprint("elections", __name__, url_prefix="/api/v1", description="The election calendar (comms and admin tokens)")


class ElectionInSchema(Schema):
    class Meta:
        unknown = RAISE  # a misspelt field is an error, not silently ignored
    name = Name(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    poll_date = UkDate(required=True, metadata={"description": "ISO or as typed in the UK, day first: 'Thursday 4 May 2028', '4/5/2028'."})
    notice_date = UkDate(allow_none=True, metadata={"description": "The day the notice of election was actually published, if known."})
    ends_override = UkMoment(allow_none=True, metadata={"description": "End of the period if not 22:00 on polling day (e.g. the declaration)."})
    scope = Scope(load_default="borough", metadata={"description": '"borough" or a list of wards.'})
    notes = FreeText(load_default="", validate=validate.Length(max=2000))


class ElectionPatchSchema(ElectionInSchema):
    """The same fields, each optional (its own class so the OpenAPI document names it apart)."""


class ElectionSchema(Schema):
    id = fields.String(metadata={"description": "Democracy Club id, derived from kind, polling day and scope."})
    name = fields.String()
    kind = fields.String()
    poll_date = fields.Date()
    notice_date = fields.Date(allow_none=True)
    notice_deadline = fields.Date(allow_none=True, metadata={"description": "Latest lawful notice of election (read-only)."})
    starts = fields.DateTime(allow_none=True, metadata={"description": "Start of the period (read-only)."})
    ends = fields.DateTime(metadata={"description": "End of the period (read-only; set ends_override to change)."})
    ends_override = fields.DateTime(allow_none=True)
    scope = fields.Raw()
    notes = fields.String()
    revision = fields.Integer()
    updated_at = fields.DateTime()
    warnings = fields.List(fields.String(), metadata={"description": "Accepted, but worth a second look."})


class ElectionListSchema(Schema):
    elections = fields.List(fields.Nested(ElectionSchema))
    stale = fields.Boolean()


class ImportResultSchema(Schema):
    created = fields.List(fields.Nested(ElectionSchema))
    existing = fields.List(fields.String())
    skipped = fields.List(fields.Dict())


class NonWorkingDayInSchema(Schema):
    class Meta:
        unknown = RAISE
    day = UkDate(required=True)
    name = Name(required=True, validate=validate.Length(min=1, max=200))


class NonWorkingDaySchema(Schema):
    day = fields.Date()
    name = fields.String()


def _extra_days(session) -> list[dt.date]:
    return list(session.scalars(select(NonWorkingDay.day)))


def _derive(kind, poll_date, scope) -> str:
    try:
        return derive_id(kind, poll_date, scope, services().calendar_settings)
    except ElectionIdError as exc:
        abort(422, description=f"scope: {exc}")


def _after_change():
    services().calendar.refresh()  # this process at once; the others within the poll interval


@blp.route("/elections", methods=["GET"])
@require("comms")
@blp.response(200, ElectionListSchema)
def list_elections():
    """List the elections

    Every election in the calendar with its statutory notice deadline and its period.
    """
    with services().store.transaction() as session:
        days = _extra_days(session)
        rows = session.scalars(select(Election).order_by(Election.poll_date, Election.id)).all()
        return jsonify({"elections": [describe(r, days) for r in rows]})


@blp.route("/elections", methods=["POST"])
@require("comms")
@blp.arguments(ElectionInSchema, location="json")
@blp.response(201, ElectionSchema)
@names_a_row(201, "/api/v1/elections/{election_id}", "election_id")
@blp.alt_response(409, description="That election is already in the calendar")
@errors(400)
def create_election(args):
    """Add an election

    The id is derived (Democracy Club format). A polling day that is not a Thursday is accepted with a warning.
    """
    election_id = _derive(args["kind"], args["poll_date"], args["scope"])
    with services().store.transaction() as session:
        if session.get(Election, election_id) is not None:
            abort(409, description=f"{election_id} is already in the calendar; change it with PATCH.")
        row = changes.create(session, Election(id=election_id, **args), actor(), request_id())
        body = describe(row, _extra_days(session))
    _after_change()
    response = with_etag(make_response(jsonify(body), 201), row)
    response.headers["Location"] = url_for("elections.get_election", election_id=election_id)
    return response


def _get_or_404(session, election_id):
    row = session.get(Election, election_id)
    if row is None:
        abort(404, description=f"No election {election_id} in the calendar.")
    return row


@blp.route("/elections/<election_id>", methods=["GET"])
@require("comms")
@blp.response(200, ElectionSchema)
@names_a_row(200, "/api/v1/elections/{election_id}", "election_id")
@errors(404)
def get_election(election_id):
    """One election, with its ETag (send it back in If-Match to change it)."""
    with services().store.transaction() as session:
        row = _get_or_404(session, election_id)
        return with_etag(jsonify(describe(row, _extra_days(session))), row)


@blp.route("/elections/<election_id>", methods=["PATCH"])
@require("comms")
@blp.arguments(ElectionPatchSchema(partial=True), location="json")
@blp.response(200, ElectionSchema)
@names_a_row(200, "/api/v1/elections/{election_id}", "election_id")
@if_match_required
@errors(400, 404, 409)
def update_election(args, election_id):
    """Change an election

    Send only the fields to change, with If-Match. Changing the kind, polling day or scope changes the id.
    """
    try:
        with services().store.transaction() as session:
            row = _get_or_404(session, election_id)
            require_if_match(row)
            new_id = _derive(args.get("kind", row.kind), args.get("poll_date", row.poll_date), args.get("scope", row.scope))
            if new_id != row.id:
                if session.get(Election, new_id) is not None:
                    abort(409, description=f"{new_id} is already in the calendar.")
                args["id"] = new_id
            changes.update(session, row, args, actor(), request_id())
            body = describe(row, _extra_days(session))
    except StaleDataError:
        abort(409, description="Someone changed this election at the same moment; fetch it again and reapply your change.")
    _after_change()
    return with_etag(jsonify(body), row)


@blp.route("/elections/<election_id>", methods=["DELETE"])
@require("comms")
@blp.response(204)
@if_match_required
@errors(404, 409)
def delete_election(election_id):
    """Remove an election (send If-Match)."""
    try:
        with services().store.transaction() as session:
            row = _get_or_404(session, election_id)
            require_if_match(row)
            changes.delete(session, row, actor(), request_id())
    except StaleDataError:
        abort(409, description="Someone changed this election at the same moment; fetch it again.")
    _after_change()
    return "", 204


@blp.route("/elections.ics", methods=["GET"])
@blp.response(200, description="iCalendar feed", content_type="text/calendar")
def elections_ics():
    """Subscribe to the calendar

    The pre-election periods and polling days as iCalendar, for Outlook or Google Calendar. No token needed.
    Served from the calendar in memory, so it works while the database is down.
    """
    svc = services()
    body = calendar_ics(svc.calendar.current.periods, svc.rules.current.organisation.name, request.host.split(":")[0],
                        dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="elections.ics"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@blp.route("/elections/import/everyelection", methods=["POST"])
@require("comms")
@blp.response(200, ImportResultSchema)
@errors(400, 415, 422)
# EveryElection's own JSON, documented by hand: its object with `results`, or the list alone. Anything in
# the list that is not an election is skipped and named in the answer, so the items may be anything.
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": {"oneOf": [
    {"type": "object", "properties": {"results": {"type": "array", "items": {}}}},
    {"type": "array", "items": {}}]}}}})
def import_everyelection():
    """Import from Democracy Club

    Body: the JSON EveryElection answers (https://elections.democracyclub.org.uk/api/elections/?...),
    saved from a browser. New elections are added; ones already in the calendar are left as they are.
    """
    if not request.is_json:
        abort(415, description="Send EveryElection's JSON with Content-Type: application/json.")
    data = request.get_json()  # a body that is not JSON answers 400 (postcheck.jsonbody.Request)
    try:
        found, skipped = candidates(data, lambda kind, poll, scope: derive_id(kind, poll, scope, services().calendar_settings))
    except ValueError as exc:
        abort(422, description=str(exc))
    created, existing = [], []
    with services().store.transaction() as session:
        for item in found:
            if session.get(Election, item["id"]) is not None:
                existing.append(item["id"])
                continue
            created.append(changes.create(session, Election(**item), actor(), request_id()))
        days = _extra_days(session)
        body = {"created": [describe(r, days) for r in created], "existing": existing, "skipped": skipped}
    if created:
        _after_change()
    return jsonify(body)


@blp.route("/non-working-days", methods=["GET"])
@require("comms")
@blp.response(200, NonWorkingDaySchema(many=True))
def list_non_working_days():
    """Days of public thanksgiving or mourning added by hand (bank holidays are known already)."""
    with services().store.transaction() as session:
        rows = session.scalars(select(NonWorkingDay).order_by(NonWorkingDay.day)).all()
        return jsonify([{"day": r.day.isoformat(), "name": r.name} for r in rows])


@blp.route("/non-working-days", methods=["POST"])
@require("comms")
@blp.arguments(NonWorkingDayInSchema, location="json")
@blp.response(201, NonWorkingDaySchema)
@errors(400, 409)
def add_non_working_day(args):
    """Add a day of public thanksgiving or mourning: statutory deadlines are recounted without it."""
    with services().store.transaction() as session:
        if session.get(NonWorkingDay, args["day"]) is not None:
            abort(409, description=f"{args['day'].isoformat()} is already a non-working day.")
        changes.create(session, NonWorkingDay(**args), actor(), request_id())
    _after_change()
    return make_response(jsonify({"day": args["day"].isoformat(), "name": args["name"]}), 201)


@blp.route("/non-working-days/<day>", methods=["DELETE"])
@require("comms")
@blp.response(204)
@errors(404)
def delete_non_working_day(day):
    """Remove a day added by hand."""
    try:
        when = dt.date.fromisoformat(day)
    except ValueError:
        abort(404, description="Give the day as YYYY-MM-DD.")
    with services().store.transaction() as session:
        row = session.get(NonWorkingDay, when)
        if row is None:
            abort(404, description=f"{day} is not a day added by hand.")
        changes.delete(session, row, actor(), request_id())
    _after_change()
    return "", 204
