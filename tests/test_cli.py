"""The `postcheck` command, run as a person would run it."""
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent / "postcheck"


def run(*args):
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=60)


def test_check_prints_readable_warnings():
    result = run("check", "Tottenham needs napalm", "--at", "2026-09-15")
    assert result.returncode == 0, result.stderr
    assert "[HIGH]" in result.stdout and "napalm" in result.stdout and "What to do:" in result.stdout


def test_check_of_a_clean_post():
    result = run("check", "Lovely day in the park")
    assert result.returncode == 0 and "No warnings." in result.stdout


def test_check_rejects_a_bad_date():
    result = run("check", "hi", "--at", "tomorrow-ish")
    assert result.returncode == 2 and "ISO date" in result.stderr


def test_rules_test_runs_every_example():
    result = run("rules", "test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 failed" in result.stdout


def test_a_broken_rule_folder_is_explained_not_a_traceback(rules_copy):
    (rules_copy / "rules" / "respect-your-audience.yaml").write_text("rules: [unclosed")
    result = subprocess.run([str(BIN), "rules", "test"], capture_output=True, text=True, timeout=60,
                            env={**__import__("os").environ, "POSTCHECK_RULES_DIR": str(rules_copy)})
    assert result.returncode == 1
    assert "the rules cannot be loaded" in result.stderr and "respect-your-audience.yaml" in result.stderr
    assert "Traceback" not in result.stderr
