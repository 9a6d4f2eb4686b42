"""The shape of the rule files, checked with marshmallow when they load.

A comms officer edits these files by hand, so every error names the file, the rule and the field.
"""
from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, post_load, validate

CATEGORIES = (
    "election", "politics-religion", "disclaimer", "offensive", "violent", "harassment", "confidential",
    "personal-data", "speaking-for-council", "prejudice-decision", "personal-gain", "disrepute",
    "picking-fights",
)
SEVERITIES = ("high", "medium", "low")
ACCOUNT_TYPES = ("personal", "council")
NODE_KINDS = ("words", "lexicon", "pattern", "near", "detector", "any", "all", "not")
_NODE_OPTIONS = {
    "words": {"obfuscated"},
    "lexicon": {"obfuscated"},
    "pattern": {"case_sensitive", "group"},
    "near": {"within", "ordered"},
    "detector": set(),
    "any": set(), "all": set(), "not": set(),
}


def _string_list(value, where):
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"{where} must be a string or a list of strings")
    return value


# Said on a part of a `near` or an `all`: `underline: false` makes that part context. The rule still
# needs it to match, but its words are not underlined (a warning underlines only the words at fault:
# the threat, not the "estate" it is near).
UNDERLINE = "underline"


def validate_node(node, path="match", part=False):
    """Checks one matcher tree and returns it in a normal form (lists where lists are allowed).
    `part`: the node is one of the parts of a `near` or an `all`, which alone may say `underline`."""
    if isinstance(node, list):  # a bare list means "any of these"
        node = {"any": node}
    if not isinstance(node, dict):
        raise ValidationError(f"{path}: expected a mapping with one of {', '.join(NODE_KINDS)}")
    kinds = [k for k in node if k in NODE_KINDS]
    if len(kinds) != 1:
        raise ValidationError(f"{path}: needs exactly one of {', '.join(NODE_KINDS)}, found {kinds or 'none'}")
    kind = kinds[0]
    if UNDERLINE in node:
        if not part:
            raise ValidationError(f"{path}: '{UNDERLINE}' goes only on one of the parts of a 'near' or an 'all'")
        if not isinstance(node[UNDERLINE], bool):
            raise ValidationError(f"{path}.{UNDERLINE} must be true or false")
    unknown = set(node) - {kind, UNDERLINE} - _NODE_OPTIONS[kind]
    if unknown:
        raise ValidationError(f"{path}: unknown option(s) {sorted(unknown)} for '{kind}'")
    out = dict(node)
    if kind in ("words", "lexicon", "pattern"):
        out[kind] = _string_list(node[kind], f"{path}.{kind}")
        if not out[kind]:
            raise ValidationError(f"{path}.{kind} is empty")
    elif kind == "detector":
        if not isinstance(node[kind], str):
            raise ValidationError(f"{path}.detector must be a detector name")
    elif kind == "near":
        sides = node["near"]
        if not isinstance(sides, list) or len(sides) != 2:
            raise ValidationError(f"{path}.near needs a list of exactly two matchers")
        within = node.get("within")
        if not isinstance(within, int) or isinstance(within, bool) or not 0 <= within <= 50:
            raise ValidationError(f"{path}.near needs 'within': a whole number of words from 0 to 50")
        out["near"] = [validate_node(s, f"{path}.near[{i}]", part=True) for i, s in enumerate(sides)]
        _some_part_underlined(out["near"], f"{path}.near")
    elif kind in ("any", "all"):
        children = node[kind]
        if not isinstance(children, list) or not children:
            raise ValidationError(f"{path}.{kind} needs a non-empty list of matchers")
        out[kind] = [validate_node(c, f"{path}.{kind}[{i}]", part=kind == "all") for i, c in enumerate(children)]
        if kind == "all":
            _some_part_underlined(out["all"], f"{path}.all")
    elif kind == "not":
        out["not"] = validate_node(node["not"], f"{path}.not")
    return out


def _some_part_underlined(parts, path):
    """A warning must show some words: when parts say `underline: false`, one with words must be left
    (a `not` part has none)."""
    if any(p.get(UNDERLINE) is False for p in parts) and \
            not any(p.get(UNDERLINE, True) and "not" not in p for p in parts):
        raise ValidationError(f"{path}: every part says '{UNDERLINE}: false', so the warning would underline "
                              "nothing; leave the words at fault underlined")


class NodeField(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        return validate_node(value, attr or "match")


class PolicySchema(Schema):
    class Meta:
        unknown = RAISE
    section = fields.String(required=True, validate=validate.Length(min=1))
    clause = fields.String(required=True, validate=validate.Length(min=1))
    quote = fields.String(required=True, validate=validate.Length(min=1))


class WhenSchema(Schema):
    """Where a rule applies. A missing key means "either"."""
    class Meta:
        unknown = RAISE
    account = fields.String(validate=validate.OneOf(ACCOUNT_TYPES))
    reply = fields.Boolean()
    election = fields.Boolean()  # true: only inside a pre-election period; false: only outside
    profile_disclaimer = fields.Boolean()


class ExampleSchema(Schema):
    class Meta:
        unknown = RAISE
    text = fields.String(required=True)
    account = fields.String(validate=validate.OneOf(ACCOUNT_TYPES))
    reply = fields.Boolean()
    election = fields.Boolean()
    profile_disclaimer = fields.Boolean()
    marks = fields.List(fields.String())  # the exact words the warning must underline


class ExampleField(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            return {"text": value}
        if isinstance(value, dict):
            return ExampleSchema().load(value)
        raise ValidationError("an example is a string or a mapping with 'text'")


class ExamplesSchema(Schema):
    class Meta:
        unknown = RAISE
    warn = fields.List(ExampleField(), required=True, validate=validate.Length(min=1))
    # `pass` is a Python keyword, hence the data_key.
    pass_ = fields.List(ExampleField(), required=True, data_key="pass", validate=validate.Length(min=1))

    @post_load
    def _rename(self, data, **kwargs):
        data["pass"] = data.pop("pass_")
        return data


class SeverityField(fields.Field):
    """Either one severity, or one per account type: `{council: high, personal: medium}`."""
    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            if value not in SEVERITIES:
                raise ValidationError(f"must be one of {', '.join(SEVERITIES)}")
            return {"personal": value, "council": value}
        if isinstance(value, dict) and set(value) == set(ACCOUNT_TYPES) and all(v in SEVERITIES for v in value.values()):
            return dict(value)
        raise ValidationError(f"must be one of {', '.join(SEVERITIES)}, or a mapping of personal and council to one")


class FixSchema(Schema):
    class Meta:
        unknown = RAISE
    append = fields.String(required=True)


class WarningCardSchema(Schema):
    """What a warning says and where it applies: shared by rules and the learned model's cards."""
    class Meta:
        unknown = RAISE
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    severity = SeverityField(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=120))
    message = fields.String(required=True, validate=validate.Length(min=1))
    advice = fields.String(required=True, validate=validate.Length(min=1))
    policy = fields.Nested(PolicySchema, required=True)
    enabled = fields.Boolean(load_default=True)
    when = fields.Nested(WhenSchema, load_default=dict)
    examples = fields.Nested(ExamplesSchema, required=True)


def applies_when(when, account: str, reply: bool, election_active: bool, profile_disclaimer: bool) -> bool:
    """Whether a rule's or card's `when` admits this context (a missing key means either)."""
    return (when.get("account", account) == account and when.get("reply", reply) == reply
            and when.get("election", election_active) == election_active
            and when.get("profile_disclaimer", profile_disclaimer) == profile_disclaimer)


class RuleSchema(WarningCardSchema):
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9.-]{2,80}$",
                       error="ids are lower case letters, digits, dots and hyphens"))
    whole_post = fields.Boolean(load_default=False)
    match = NodeField(required=True)
    except_ = NodeField(data_key="except")
    unless = NodeField()
    fix = fields.Nested(FixSchema)


class RuleFileSchema(Schema):
    class Meta:
        unknown = RAISE
    section = fields.String()  # what the file covers, for people reading it
    description = fields.String()
    rules = fields.List(fields.Raw(), required=True)


class LexiconSchema(Schema):
    class Meta:
        unknown = RAISE
    name = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9.-]+$"))
    description = fields.String()
    obfuscated = fields.Boolean(load_default=False)
    words = fields.List(fields.String(validate=validate.Length(min=1)), required=True, validate=validate.Length(min=1))


class OrganisationSchema(Schema):
    class Meta:
        unknown = EXCLUDE
    name = fields.String(required=True)
    short_name = fields.String(required=True)
    aliases = fields.List(fields.String(), load_default=list)
    official_handles = fields.List(fields.String(), load_default=list)
    phone_region = fields.String(load_default="GB", validate=validate.Length(equal=2))
    phone_numbers = fields.List(fields.String(), load_default=list)
    phone_prefixes = fields.List(fields.String(), load_default=list)
    email_domains = fields.List(fields.String(), load_default=list)
    email_addresses = fields.List(fields.Email(), load_default=list)
    addresses = fields.List(fields.String(), load_default=list)
    places = fields.List(fields.String(), load_default=list)
    offices = fields.List(fields.String(), load_default=list)
    disclaimer = fields.String(required=True)


