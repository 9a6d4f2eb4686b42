"""Runs every rule's own examples: each `warn` example must make the rule fire, underlining exactly its
`marks` (which every rule's `warn` example must give, so the words a rule underlines are pinned), and
each `pass` example must not fire; and the same for every learned card's examples against the model
(their `marks` checked when given). One test and `postcheck rules test` both use it."""
from __future__ import annotations

import json
from dataclasses import dataclass

from postcheck.engine import matchers as m
from postcheck.engine.evaluate import Draft, ElectionState, _merge, account_type, evaluate_rule
from postcheck.engine.ruleset import CompiledRule, RuleSet
from postcheck.engine.text import normalise
from postcheck.model.features import Context
from postcheck.model.scorer import score

_EXAMPLE_PERIOD = {"id": "example.election", "name": "an example pre-election period",
                   "poll_date": None, "starts": None, "ends": None}


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    kind: str  # "warn" or "pass"
    text: str
    ok: bool
    problem: str = ""


def example_context(rule, example: dict) -> tuple[Draft, ElectionState]:
    """An example runs in the context its rule (or learned card) applies to, unless it says otherwise."""
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
            if kind == "warn":
                # As the check answers: a whole-post rule underlines nothing.
                marked = [] if rule.whole_post else [draft.text[s:e] for s, e in _merge(spans)]
                if "marks" not in example:
                    results.append(ExampleResult(rule.id, kind, draft.text, False,
                                                 "has no marks: list the words at fault, which it must underline "
                                                 f"(it underlines {json.dumps(marked, ensure_ascii=False)})"))
                    continue
                if sorted(marked) != sorted(example["marks"]):
                    results.append(ExampleResult(rule.id, kind, draft.text, False,
                                                 f"underlines {marked}, expected {example['marks']}"))
                    continue
            results.append(ExampleResult(rule.id, kind, draft.text, True))
    return results


def run_all_examples(ruleset: RuleSet) -> list[ExampleResult]:
    """Every rule's examples, then every learned card's."""
    return [r for rule in ruleset.rules for r in run_rule_examples(ruleset, rule)] + run_card_examples(ruleset)


def run_card_examples(ruleset: RuleSet) -> list[ExampleResult]:
    """The learned cards' examples, run against the model alone: each `warn` example must make the
    model fire the card's category (underlining exactly its `marks` when given), each `pass` example
    must not. A card's id in the results is its warnings' id, `model.<category>`."""
    layer = ruleset.learned
    if layer is None:
        return []
    results = []
    for category, card in layer.cards.items():
        for kind in ("warn", "pass"):
            for example in card.examples[kind]:
                draft, election = example_context(card, example)
                context = Context(account_type(draft, ruleset), draft.reply, election.active)
                scored = score(layer.model, draft.text, context)
                fired = category in scored.fired() and card.applies(context.account, draft.reply, election.active,
                                                                    draft.profile_disclaimer)
                problem = ""
                if kind == "warn" and not fired:
                    problem = f"should warn but did not (confidence {scored.probabilities[category]:.2f}, " \
                              f"threshold {layer.model.threshold(category):.2f})"
                elif kind == "pass" and fired:
                    problem = f"should pass but warned (confidence {scored.probabilities[category]:.2f})"
                elif kind == "warn" and "marks" in example:
                    marked = [draft.text[s:e] for s, e in scored.evidence(category)]
                    if sorted(marked) != sorted(example["marks"]):
                        problem = f"underlines {marked}, expected {example['marks']}"
                results.append(ExampleResult(card.rule_id, kind, draft.text, not problem, problem))
    return results

