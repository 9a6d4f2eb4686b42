"""What a learned warning says: one card per category in `policy_rules/model/cards.yaml`.

A card reads like a rule without a `match`: the model decides whether it fires, the card says what is
wrong, what to do, which clause of the policy it is, how serious it is for each kind of account, and
where it applies (`when`: e.g. the disclaimer only on personal accounts, the election only inside a
pre-election period). Its examples pin what the model must (and must not) warn about, and which words
it must underline, so that a retrained model is checked like an edited rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from marshmallow import RAISE, Schema, fields, validate

from postcheck.engine.schema import CATEGORIES, ExamplesSchema, PolicySchema, SeverityField, WhenSchema


class CardSchema(Schema):
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


class CardFileSchema(Schema):
    class Meta:
        unknown = RAISE
    cards = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1))


@dataclass(frozen=True)
class Card:
    category: str
    severity: Mapping[str, str]
    title: str
    message: str
    advice: str
    policy: Mapping[str, str]
    enabled: bool
    when: Mapping[str, Any]
    examples: Mapping[str, list]

    @property
    def rule_id(self) -> str:
        """The id its warnings carry, like a rule's: `model.violent` (`MODEL_VIOLENT` on /v2/check)."""
        return f"model.{self.category}"

    def applies(self, account: str, reply: bool, election_active: bool, profile_disclaimer: bool) -> bool:
        when = self.when
        return (self.enabled and when.get("account", account) == account and when.get("reply", reply) == reply
                and when.get("election", election_active) == election_active
                and when.get("profile_disclaimer", profile_disclaimer) == profile_disclaimer)
