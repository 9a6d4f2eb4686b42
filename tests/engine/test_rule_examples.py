"""Every rule carries its own examples; this one test runs them all (as Semgrep and LanguageTool do)."""
import os
import subprocess
import sys
from pathlib import Path

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


def test_every_warn_example_pins_its_underlines():
    """Every rule's `warn` examples say which words the warning underlines (`marks: []` for a rule that
    underlines none, such as the whole-post disclaimer)."""
    missing = [(rule.id, e["text"]) for rule in RULESET.rules for e in rule.examples["warn"] if "marks" not in e]
    assert not missing, missing


PHONE_EXAMPLE = '- {text: "Ring him on +44 20 7946 0321", marks: ["+44 20 7946 0321"]}'


@pytest.mark.parametrize("written, problem", [
    ('- "Ring him on +44 20 7946 0321"', 'has no marks: list the words at fault, which it must underline '
                                          '(it underlines ["+44 20 7946 0321"])'),
    ('- {text: "Ring him on +44 20 7946 0321", marks: ["him", "+44 20 7946 0321"]}',
     "underlines ['+44 20 7946 0321'], expected ['him', '+44 20 7946 0321']"),
])
def test_a_warn_example_without_its_marks_or_with_others_fails(rules_copy, written, problem):
    path = rules_copy / "rules" / "personal-data.yaml"
    assert PHONE_EXAMPLE in path.read_text()
    path.write_text(path.read_text().replace(PHONE_EXAMPLE, written))
    ruleset = load_rule_pack(rules_copy)
    failed = [(r.text, r.problem) for r in run_rule_examples(ruleset, ruleset.rule("personal-data.phone-number"))
              if not r.ok]
    assert failed == [("Ring him on +44 20 7946 0321", problem)]


def test_rules_test_fails_an_example_without_marks(rules_copy):
    """`postcheck rules test`, as a comms officer runs it after an edit."""
    path = rules_copy / "rules" / "personal-data.yaml"
    path.write_text(path.read_text().replace(PHONE_EXAMPLE, '- "Ring him on +44 20 7946 0321"'))
    result = subprocess.run([str(Path(sys.executable).parent / "postcheck"), "rules", "test"], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "POSTCHECK_RULES_DIR": str(rules_copy)})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL personal-data.phone-number [warn] 'Ring him on +44 20 7946 0321': has no marks" in result.stdout
    assert " 1 failed" in result.stdout
