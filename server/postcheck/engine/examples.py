"""Runs every rule's own examples: each `warn` example must make the rule fire (underlining exactly its
`marks` when given) and each `pass` example must not. One test and `postcheck rules test` both use it."""
from __future__ import annotations

from dataclasses import dataclass

from postcheck.engine import matchers as m
from postcheck.engine.evaluate import Draft, ElectionState, _merge, account_type, evaluate_rule
from postcheck.engine.ruleset import CompiledRule, RuleSet
from postcheck.engine.text import normalise

_EXAMPLE_PERIOD = {"id": "example.election", "name": "an example pre-election period",
                   "poll_date": None, "starts": None, "ends": None}


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    kind: str  # "warn" or "pass"
    text: str
    ok: bool
    problem: str = ""


def example_context(rule: CompiledRule, example: dict) -> tuple[Draft, ElectionState]:
    """An example runs in the context its rule applies to, unless it says otherwise."""
    def pick(key, default):
        return example.get(key, rule.when.get(key, default))
    draft = Draft(text=example["text"], account_type=pick("account", "personal"), reply=pick("reply", False),
                  profile_disclaimer=pick("profile_disclaimer", False))
    election = ElectionState(True, _EXAMPLE_PERIOD) if pick("election", False) else ElectionState()
    return draft, election


def run_rule_examples(ruleset: RuleSet, rule: CompiledRule) -> list[ExampleResult]:
    results = []
    for kind in ("warn", "pass"):
        for example in rule.examples[kind]:
            draft, election = example_context(rule, example)
            # The rule on its own, enabled or not: a rule that ships switched off is proven too.
            account = account_type(draft, ruleset)
            spans = None
            if rule.applies(account, draft.reply, election.active, draft.profile_disclaimer):
                spans = evaluate_rule(rule, m.Scan(normalise(draft.text)))
            fired = spans is not None
            if kind == "warn" and not fired:
                results.append(ExampleResult(rule.id, kind, draft.text, False, "should warn but did not"))
                continue
            if kind == "pass" and fired:
                results.append(ExampleResult(rule.id, kind, draft.text, False, "should pass but warned"))
                continue
            if kind == "warn" and "marks" in example:
                marked = [draft.text[s:e] for s, e in _merge(spans)]
                if sorted(marked) != sorted(example["marks"]):
                    results.append(ExampleResult(rule.id, kind, draft.text, False,
                                                 f"underlines {marked}, expected {example['marks']}"))
                    continue
            results.append(ExampleResult(rule.id, kind, draft.text, True))
    return results


def run_all_examples(ruleset: RuleSet) -> list[ExampleResult]:
    return [r for rule in ruleset.rules for r in run_rule_examples(ruleset, rule)]
