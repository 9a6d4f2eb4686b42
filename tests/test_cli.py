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


def test_a_command_that_takes_no_sign_ins_says_nothing_of_the_secret_key(monkeypatch):
    monkeypatch.delenv("POSTCHECK_SECRET_KEY", raising=False)
    result = run("check", "Lovely day at the park")
    assert result.returncode == 0
    assert "SECRET_KEY" not in result.stdout + result.stderr


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


# The command runs in-process in a fresh interpreter, which then says what was built: structural, not
# timed. Every command used to build the whole app (migrations, the API, the admin pages, the rules
# compiled with Hyperscan) before doing anything, and `--help` took 7 to 16 s.
_WHAT_WAS_BUILT = """
import json, sys
loads = []
# Counted by name, without importing the loader (which imports hyperscan) before the command does.
sys.setprofile(lambda frame, event, _arg: event == "call" and frame.f_code.co_name == "load_rule_pack"
               and frame.f_code.co_filename.endswith("loader.py") and loads.append(1))
from postcheck.cli import main
try:
    main(sys.argv[1:], prog_name="postcheck")
except SystemExit as exc:
    assert not exc.code, exc.code
sys.setprofile(None)
print(json.dumps({"app": "postcheck.app" in sys.modules, "hyperscan": "hyperscan" in sys.modules,
                  "rule packs loaded": len(loads)}))
"""


def built_by(tmp_path, *args):
    import json
    import os
    env = {**os.environ, "POSTCHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'built.sqlite3'}"}
    result = subprocess.run([sys.executable, "-c", _WHAT_WAS_BUILT, *args], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_help_builds_nothing(tmp_path):
    nothing = {"app": False, "hyperscan": False, "rule packs loaded": 0}
    assert built_by(tmp_path, "--help") == nothing
    assert built_by(tmp_path, "tokens", "--help") == nothing


def test_tokens_and_check_build_no_app(tmp_path):
    assert built_by(tmp_path, "tokens", "create", "--role", "comms", "--name", "Jo")["app"] is False
    assert built_by(tmp_path, "tokens", "create", "--role", "comms", "--name", "Jo")["rule packs loaded"] == 0
    assert built_by(tmp_path, "check", "Lovely day in the park") == {"app": False, "hyperscan": True,
                                                                     "rule packs loaded": 1}


def test_check_says_where_the_calendar_came_from(tmp_path):
    import os
    env = {**os.environ, "POSTCHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'cal.sqlite3'}"}
    check = lambda: subprocess.run([str(BIN), "check", "hi"], capture_output=True, text=True, env=env, timeout=60)  # noqa: E731
    first = check()
    assert first.returncode == 0 and "Calendar: from the seed file" in first.stdout and "elections.yaml" in first.stdout
    assert not (tmp_path / "cal.sqlite3").exists()  # a check creates no database
    assert subprocess.run([str(BIN), "tokens", "create", "--role", "comms", "--name", "Jo"], env=env,
                          capture_output=True, timeout=60).returncode == 0  # creates and migrates it
    assert "Calendar: from the database at sqlite:///" in check().stdout


def test_the_command_line_finds_the_database_the_app_uses():
    from postcheck import cli
    from postcheck.app import create_app
    from postcheck.config import load_settings
    app = create_app({"TESTING": True, "RULES_RELOAD_SECONDS": 0})  # TESTING: its own database is in memory
    settings = {**load_settings(), "DATABASE_URL": None, "TESTING": False}
    assert cli._database_url(settings) == f"sqlite:///{Path(app.instance_path) / 'postcheck.sqlite3'}"
