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

from postcheck.engine.schema import WarningCardSchema, applies_when


class CardSchema(WarningCardSchema):
    """A rule's words without its `match`: the model decides whether it fires."""


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
        return self.enabled and applies_when(self.when, account, reply, election_active, profile_disclaimer)
