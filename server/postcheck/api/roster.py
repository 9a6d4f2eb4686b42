"""The political roster the election rules use: parties and groups (aliases, hashtags, slogans),
councillors and candidates (names, handles, roles), and generic roles; as JSON and as one CSV file."""
from __future__ import annotations

from flask import abort, jsonify, make_response, request, url_for
from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from postcheck.api import Blueprint
from postcheck.api.documented import MAX_ID, errors, if_match_required, names_a_row
from postcheck.api.etags import require_if_match, with_etag
from postcheck.api.fields import Name
from postcheck.auth import actor, request_id, require
from postcheck.elections.roster import CSV_TYPES, RosterCsvError, export_csv, parse_csv
from postcheck.errors import describe_messages
from postcheck.services import services
from postcheck.store import changes
from postcheck.store.models import Party, Person, Role, as_record

blp = Blueprint("roster", __name__, url_prefix="/api/v1", description="The political roster (comms and admin tokens)")

_Words = lambda: fields.List(Name(validate=validate.Length(min=1, max=200)),  # noqa: E731
                             load_default=list, validate=validate.Length(max=200))


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class PartySchema(_Strict):
    id = fields.Integer(dump_only=True)
    name = Name(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(load_default="party", validate=validate.OneOf(("party", "group")))
    aliases = _Words()
    hashtags = _Words()
    slogans = _Words()
    revision = fields.Integer(dump_only=True)


class PersonSchema(_Strict):
    id = fields.Integer(dump_only=True)
    name = Name(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(load_default="councillor", validate=validate.OneOf(("councillor", "candidate")))
    party = Name(load_default="", validate=validate.Length(max=200))
    ward = Name(load_default="", validate=validate.Length(max=200))
    aliases = _Words()
    handles = _Words()
    roles = _Words()
    revision = fields.Integer(dump_only=True)


class RoleSchema(_Strict):
    id = fields.Integer(dump_only=True)
    name = Name(required=True, validate=validate.Length(min=1, max=200),
                metadata={"description": "A generic role; `*` at the end lets it go on (Cabinet Member for *)."})
    revision = fields.Integer(dump_only=True)


class RosterSchema(Schema):
    parties = fields.List(fields.Nested(PartySchema))
    people = fields.List(fields.Nested(PersonSchema))
    roles = fields.List(fields.Nested(RoleSchema))


class ImportSummarySchema(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    deleted = fields.Integer()


COLLECTIONS = {"parties": (Party, PartySchema), "people": (Person, PersonSchema), "roles": (Role, RoleSchema)}
_TYPE_OF = {"party": "parties", "person": "people", "role": "roles"}


def _dump(row) -> dict:
    record = as_record(row)
    schema = COLLECTIONS[row.__tablename__][1]
    return {k: record[k] for k in schema().fields if k in record}


def _after_change():
    services().calendar.refresh()  # the roster feeds the rules: this process reloads them at once


@blp.route("/roster", methods=["GET"])
@require("comms")
@blp.response(200, RosterSchema)
def get_roster():
    """The whole roster."""
    with services().store.transaction() as session:
        return jsonify({name: [_dump(r) for r in session.scalars(select(model).order_by(model.name))]
                        for name, (model, _schema) in COLLECTIONS.items()})


def _register(collection: str, model, schema):
    """The same five endpoints for each part of the roster, each documented with its own schema."""
    noun = collection.rstrip("s") if collection != "people" else "person"

    def get_or_404(session, item_id):
        # An id beyond the INTEGER column overflowed in the query (a 500, found by the fuzzer). Checked
        # here rather than with <int(max=...)>, which makes werkzeug answer 405 instead of 404.
        row = session.get(model, item_id) if item_id <= MAX_ID else None
        if row is None:
            abort(404, description=f"No {noun} {item_id} in the roster.")
        return row

    def name_taken(session, name, but=None):
        other = session.scalar(select(model).where(model.name == name))
        if other is not None and other is not but:
            abort(409, description=f"{name!r} is already in the roster; change that entry instead.")

    def list_items():
        with services().store.transaction() as session:
            return jsonify([_dump(r) for r in session.scalars(select(model).order_by(model.name))])

    def create_item(args):
        with services().store.transaction() as session:
            name_taken(session, args["name"])
            row = changes.create(session, model(**args), actor(), request_id())
            body = _dump(row)
        _after_change()
        response = with_etag(make_response(jsonify(body), 201), row)
        response.headers["Location"] = url_for(f"roster.get_{collection}", item_id=row.id)
        return response

    def get_item(item_id):
        with services().store.transaction() as session:
            row = get_or_404(session, item_id)
            return with_etag(jsonify(_dump(row)), row)

    def update_item(args, item_id):
        try:
            with services().store.transaction() as session:
                row = get_or_404(session, item_id)
                require_if_match(row)
                if "name" in args:
                    name_taken(session, args["name"], but=row)
                changes.update(session, row, args, actor(), request_id())
                body = _dump(row)
        except StaleDataError:
            abort(409, description=f"Someone changed this {noun} at the same moment; fetch it again.")
        _after_change()
        return with_etag(jsonify(body), row)

    def delete_item(item_id):
        try:
            with services().store.transaction() as session:
                row = get_or_404(session, item_id)
                require_if_match(row)
                changes.delete(session, row, actor(), request_id())
        except StaleDataError:
            abort(409, description=f"Someone changed this {noun} at the same moment; fetch it again.")
        _after_change()
        return "", 204

    for view, name in ((list_items, "list"), (create_item, "create"), (get_item, "get"),
                       (update_item, "update"), (delete_item, "delete")):
        view.__name__ = f"{name}_{collection}"
        view.__doc__ = f"{name.capitalize()} {collection if name == 'list' else 'a ' + noun}"
    # The token is checked before the body is read, so an anonymous caller learns nothing from a 422.
    comms = require("comms")
    patch_schema = type(schema.__name__.replace("Schema", "PatchSchema"), (schema,), {})
    blp.route(f"/roster/{collection}", methods=["GET"])(comms(blp.response(200, schema(many=True))(list_items)))
    # Every status each one can answer is listed (the fuzzer found 400, 404, 409, 412 and 428 missing).
    item = f"/roster/{collection}/<int:item_id>"
    row = names_a_row  # each answer that is one row links to its GET, PATCH and DELETE
    documented = f"{blp.url_prefix}/roster/{collection}/{{item_id}}"
    blp.route(f"/roster/{collection}", methods=["POST"])(
        comms(blp.arguments(schema, location="json")(blp.response(201, schema)(
            row(201, documented, "item_id")(errors(400, 409)(create_item))))))
    blp.route(item, methods=["GET"], endpoint=f"get_{collection}")(
        comms(blp.response(200, schema)(row(200, documented, "item_id")(errors(404)(get_item)))))
    blp.route(item, methods=["PATCH"])(
        comms(blp.arguments(patch_schema(partial=True), location="json")(
            blp.response(200, schema)(row(200, documented, "item_id")(
                errors(400, 404, 409)(if_match_required(update_item)))))))
    blp.route(item, methods=["DELETE"])(comms(blp.response(204)(errors(404, 409)(if_match_required(delete_item)))))


for _collection, (_model, _schema) in COLLECTIONS.items():
    _register(_collection, _model, _schema)


@blp.route("/roster.csv", methods=["GET"])
@require("comms")
@blp.response(200, description="The roster as CSV", content_type="text/csv")
def export_roster():
    """Export the roster as CSV

    Columns: type (party, person, role), name, kind, party, ward, aliases, handles, hashtags, slogans,
    roles. Lists within a cell are separated by semicolons.
    """
    with services().store.transaction() as session:
        text = export_csv(session)
    response = make_response(text)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="roster.csv"'
    return response


@blp.route("/roster.csv", methods=["POST"])
@require("comms")
@blp.response(200, ImportSummarySchema)
@errors(415, 422)
# The body is the file itself, so it is documented by hand (application/csv is taken too).
@blp.doc(requestBody={"required": True, "description": "The CSV file, UTF-8, as the export writes it.", "content": {
    media: {"schema": {"type": "string"}, "example": "type,name,kind,party,ward,aliases,handles,hashtags,slogans,roles\r\n"
                                                   "role,Leader of the Council,,,,,,,,\r\n"}
    for media in ("text/csv", "text/plain")}})
def import_roster():
    """Import the roster from CSV

    The body is the CSV file (Content-Type: text/csv), in the export's format. Rows add or update by
    type and name; with `?replace=true` whatever the file does not list is removed.
    """
    if request.mimetype not in ("text/csv", "text/plain", "application/csv"):
        abort(415, description="Send the CSV file with Content-Type: text/csv.")
    try:
        text = request.get_data(as_text=False).decode("utf-8")
    except UnicodeDecodeError:
        abort(422, description="The file is not UTF-8 text; save it from Excel as 'CSV UTF-8'.")
    try:
        rows = parse_csv(text)
    except RosterCsvError as exc:
        abort(422, description="; ".join(exc.problems))
    problems, valid = [], []
    for line, (type_name, data) in enumerate(rows, start=2):
        try:
            valid.append((type_name, COLLECTIONS[_TYPE_OF[type_name]][1]().load(data)))
        except ValidationError as exc:
            # A list cell's messages come per item ({index: [...]}): described as the API's own errors are.
            problems += [f"line {line}: {text}" for text in describe_messages(exc.messages)]
    if problems:
        abort(422, description="; ".join(problems))
    replace = request.args.get("replace", "").lower() in ("1", "true", "yes")
    counts = {"created": 0, "updated": 0, "deleted": 0}
    with services().store.transaction() as session:
        listed = {t: set() for t in CSV_TYPES}
        for type_name, data in valid:
            model = CSV_TYPES[type_name]
            listed[type_name].add(data["name"])
            row = session.scalar(select(model).where(model.name == data["name"]))
            if row is None:
                changes.create(session, model(**data), actor(), request_id())
                counts["created"] += 1
            else:
                before = row.revision
                changes.update(session, row, data, actor(), request_id())
                counts["updated"] += row.revision != before
        if replace:
            for type_name, model in CSV_TYPES.items():
                for row in session.scalars(select(model).where(model.name.not_in(listed[type_name]))).all():
                    changes.delete(session, row, actor(), request_id())
                    counts["deleted"] += 1
    if any(counts.values()):
        _after_change()
    return jsonify(counts)
