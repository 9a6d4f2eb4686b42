"""The README as a newcomer reads it (issue 18): its commands are written as they run from a fresh
clone after `make run` (`.venv/bin/postcheck ...`, not a bare `postcheck` that gives "command not
found"), they run as written, and the rule ids its examples name are rules the pack ships."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from postcheck.engine import load_rule_pack
from tests.conftest import RULES_DIR

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BIN = ".venv/bin/postcheck"
# Commands the README shows that cannot run inside a test: a server that runs until stopped, and a
# training run of several minutes (tests/model covers it).
NOT_RUN_HERE = ("serve", "model train")


def _code() -> list[str]:
    """The README's code: every fenced block's lines and every inline code span."""
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", README, flags=re.S | re.M)
    lines = [line for block in blocks for line in block.splitlines()]
    prose = re.sub(r"^```[^\n]*\n.*?^```", "", README, flags=re.S | re.M)
    return lines + re.findall(r"`([^`\n]+)`", prose)


def _commands() -> list[str]:
    found = []
    for line in _code():
        line = line.split("  #")[0].strip()  # the README's comments follow two spaces
        if line.startswith(BIN + " "):
            found.append(line)
    return found


def test_every_postcheck_command_is_written_as_it_runs_from_a_fresh_clone():
    bare = [m.group(0) for m in re.finditer(r"(?<![\w/.-])postcheck (?:tokens|check|rules|serve|model|calendar)\b", README)]
    assert bare == [], f"write these as {BIN} ...: {bare}"


def test_the_readmes_commands_run_as_written(tmp_path):
    if not (ROOT / BIN).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{BIN} is missing: `make test` creates it")
        pytest.skip(f"{BIN} is missing: run `make run` or `make test` once")
    commands = [c for c in _commands() if not any(c[len(BIN) + 1:].startswith(s) for s in NOT_RUN_HERE)]
    assert {"tokens create", "tokens list", "tokens revoke", "check", "rules test"} <= \
        {" ".join(shlex.split(c)[1:3]) if shlex.split(c)[1] in ("tokens", "rules") else shlex.split(c)[1] for c in commands}
    env = {**os.environ, "POSTCHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'readme.sqlite3'}"}
    env.pop("POSTCHECK_SECRET_KEY", None)
    for command in commands:
        # The README's placeholder for a token's id: the first token made in this throwaway database.
        argv = [a.replace("<id>", "1") for a in shlex.split(command)]
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"


def test_the_rule_ids_in_the_readmes_examples_are_shipped_rules():
    named = set(re.findall(r'"rule":\s*"([a-z0-9-]+\.[a-z0-9-]+)"', README))
    named |= set(re.findall(r"^\s*-?\s*id:\s*([a-z0-9-]+\.[a-z0-9-]+)\s*$", README, flags=re.M))
    assert named, "the README's examples name rules"
    shipped = {rule.id for rule in load_rule_pack(RULES_DIR).rules}
    assert named - shipped == set(), f"not in policy_rules/: {sorted(named - shipped)}"
