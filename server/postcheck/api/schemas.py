"""marshmallow schemas of the check API: they validate requests and generate the OpenAPI document."""
from __future__ import annotations

import datetime as dt

from marshmallow import EXCLUDE, Schema, fields, validate

from postcheck.engine.evaluate import PLATFORMS
from postcheck.engine.schema import CATEGORIES, SEVERITIES


class MomentField(fields.Field):
    """An ISO 8601 date-time (or a date, meaning its start). A time without an offset is taken as the
    organisation's local time, which is how a person reads a date."""

    default_error_messages = {"invalid": "Not a valid ISO 8601 date-time, e.g. 2026-04-20T09:30:00+01:00."}

    def __init__(self, tz, **kwargs):
        super().__init__(**kwargs)
        self.tz = tz

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > 64:
            raise self.make_error("invalid")
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise self.make_error("invalid") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=self.tz)

    def _serialize(self, value, attr, obj, **kwargs):
        return value.isoformat() if value else None


class JsonBoolean(fields.Boolean):
    """true or false, and nothing else: marshmallow's Boolean also takes 0, 1, "yes", "on" and more, which
    the document (type boolean) refuses; so does the server now."""

    default_error_messages = {"invalid": "Not a boolean: send true or false."}

    def _deserialize(self, value, attr, data, **kwargs):
        if value is True or value is False:
            return value
        raise self.make_error("invalid")


class AccountSchema(Schema):
    class Meta:
        unknown = EXCLUDE
    handle = fields.String(validate=validate.Length(max=100), metadata={"example": "@jo_bloggs"})
    type = fields.String(validate=validate.OneOf(("personal", "council")),
                         metadata={"description": "Without it, the handle decides: a known council channel is council, anything else personal."})


def check_request_schema(tz):
    class CheckRequestSchema(Schema):
        class Meta:
            unknown = EXCLUDE  # older and newer extensions send fields this version does not know
        text = fields.String(required=True, metadata={"description": "The draft; at most 100,000 characters (413 beyond)."})
        platform = fields.String(load_default="other", validate=validate.OneOf(PLATFORMS))
        account = fields.Nested(AccountSchema, load_default=dict)
        reply = JsonBoolean(load_default=False, metadata={"description": "The draft answers someone else's post."})
        profile_disclaimer = JsonBoolean(load_default=False,
                                         metadata={"description": "The author's profile already says views are their own."})
        at = MomentField(tz, load_default=None, metadata={
            "type": "string", "format": "date-time", "maxLength": 64,
            "description": "The moment to judge against (a date alone means its start); default now."})
    return CheckRequestSchema


class SpanSchema(Schema):
    start = fields.Integer(required=True, metadata={"description": "UTF-16 code units from the start of the text."})
    end = fields.Integer(required=True, metadata={"description": "Exclusive, in UTF-16 code units."})


class PolicyRefSchema(Schema):
    section = fields.String()
    clause = fields.String()
    quote = fields.String(metadata={"description": "The policy's own words."})


class FixOutSchema(Schema):
    append = fields.String(metadata={"description": "Text to add at the end of the draft."})


class WarningSchema(Schema):
    rule = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    title = fields.String(required=True)
    message = fields.String(required=True)
    advice = fields.String(required=True)
    policy = fields.Nested(PolicyRefSchema, required=True)
    spans = fields.List(fields.Nested(SpanSchema), required=True)
    fix = fields.Nested(FixOutSchema)
    source = fields.String(validate=validate.OneOf(("rules", "model", "both")), metadata={"description": (
        "Who warns: `rules` (a rule in policy_rules/rules), `model` (the learned model, rule id `model.<category>`; "
        "its spans are the words that weighed most) or `both` (a rule the model agrees with: the rule's warning "
        "stands, with the model's confidence).")})
    confidence = fields.Float(metadata={"description": (
        "With `source` model or both: the model's probability that a careful comms officer would flag this "
        "category, 0 to 1. The model warns from its category's threshold (GET /api/v1/rules, `model`).")})


class PeriodSchema(Schema):
    id = fields.String()
    name = fields.String()
    poll_date = fields.String()
    starts = fields.String()
    ends = fields.String()


class ElectionBlockSchema(Schema):
    active = fields.Boolean(required=True)
    period = fields.Nested(PeriodSchema, allow_none=True)
    stale = fields.Boolean(metadata={"description": "True when the calendar store is unreachable and the last loaded calendar was used."})


class JudgedAccountSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(("personal", "council")),
                         metadata={"description": "As sent, or decided from the handle (a registered council channel is council)."})


class CheckResponseSchema(Schema):
    warnings = fields.List(fields.Nested(WarningSchema), required=True)
    election = fields.Nested(ElectionBlockSchema, required=True)
    account = fields.Nested(JudgedAccountSchema, required=True,
                            metadata={"description": "The account type the draft was judged as."})
    rules_version = fields.String(required=True)
    incomplete = fields.Boolean(metadata={"description": (
        "True when the time budget ran out before every part of the check had read the whole draft (a very "
        "long draft); `not_checked` names what was left unread.")})
    not_checked = fields.List(fields.String(), metadata={"description": "With `incomplete`: e.g. [\"model\"]."})


class RuleSummarySchema(Schema):
    id = fields.String()
    category = fields.String()
    severity = fields.Dict(keys=fields.String(), values=fields.String())
    title = fields.String()
    message = fields.String()
    advice = fields.String()
    policy = fields.Nested(PolicyRefSchema)
    enabled = fields.Boolean()
    when = fields.Dict()
    source = fields.String()
    examples = fields.Dict()


class LearnedCategorySchema(Schema):
    id = fields.String(metadata={"description": "The id its warnings carry: model.<category>."})
    category = fields.String()
    title = fields.String()
    message = fields.String()
    advice = fields.String()
    severity = fields.Dict(keys=fields.String(), values=fields.String())
    when = fields.Dict()
    policy = fields.Nested(PolicyRefSchema)
    enabled = fields.Boolean()
    threshold = fields.Float(metadata={"description": "The model warns from this confidence up."})
    training_positives = fields.Integer(allow_none=True)
    held_out = fields.Dict(allow_none=True, metadata={"description": "Leave-one-file-out figures on the training files."})
    first_sight = fields.Dict(allow_none=True, metadata={"description": (
        "Precision and recall on sealed slices, scored once when they arrived (rules, model, both).")})
    examples = fields.Dict()


class LearnedModelSchema(Schema):
    version = fields.String()
    trained_on = fields.Dict()
    first_sight = fields.Dict()
    categories = fields.List(fields.Nested(LearnedCategorySchema))


class RulesResponseSchema(Schema):
    rules_version = fields.String()
    rules = fields.List(fields.Nested(RuleSummarySchema))
    model = fields.Nested(LearnedModelSchema, allow_none=True)
    reload_error = fields.List(fields.String(), allow_none=True)
