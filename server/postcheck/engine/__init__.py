"""The rule engine: pure functions over an immutable, compiled rule set. No Flask, no I/O per check."""

from postcheck.engine.evaluate import Draft, ElectionState, Warning, check
from postcheck.engine.loader import RulePackError, load_rule_pack
from postcheck.engine.ruleset import RuleSet

__all__ = ["Draft", "ElectionState", "Warning", "check", "RulePackError", "load_rule_pack", "RuleSet"]
