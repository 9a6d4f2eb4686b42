"""Every rule carries its own examples; this one test runs them all (as Semgrep and LanguageTool do)."""
import pytest

from postcheck.engine import load_rule_pack
from postcheck.engine.examples import run_rule_examples
from tests.conftest import RULES_DIR

RULESET = load_rule_pack(RULES_DIR)


@pytest.mark.parametrize("rule", RULESET.rules, ids=lambda r: r.id)
def test_rule_examples(rule):
    failures = [f"[{r.kind}] {r.text!r}: {r.problem}" for r in run_rule_examples(RULESET, rule) if not r.ok]
    assert not failures, "\n".join(failures)


def test_every_rule_has_both_kinds_of_example():
    for rule in RULESET.rules:
        assert rule.examples["warn"] and rule.examples["pass"], rule.id


def test_the_example_runner_catches_a_rule_that_does_not_do_what_it_claims(rules_copy):
    """A wrong example must fail, or the test above proves nothing."""
    path = rules_copy / "rules" / "respect-your-audience.yaml"
    path.write_text(path.read_text().replace('- "Essex is lovely in spring"', '- "what the fuck"'))
    ruleset = load_rule_pack(rules_copy)
    results = run_rule_examples(ruleset, ruleset.rule("offensive.strong-language"))
    assert [r.text for r in results if not r.ok] == ["what the fuck"]
