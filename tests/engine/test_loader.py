"""Loading the rule folder: clear errors for bad edits, and hot reload that keeps the last good rules."""
import json
import os
import time

import pytest

from postcheck import create_app
from postcheck.engine import RulePackError, load_rule_pack
from postcheck.engine.reloading import RuleSource

RULE_FILE = "rules/respect-your-audience.yaml"
LEXICON = "lexicons/profanity-strong.yaml"


def _edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    # Make sure the modification time moves even on coarse file systems.
    later = time.time() + 2
    os.utime(path, (later, later))


def test_bad_category_names_file_rule_and_field(rules_copy):
    _edit(rules_copy / RULE_FILE, "category: offensive", "category: rude")
    with pytest.raises(RulePackError) as info:
        load_rule_pack(rules_copy)
    [problem] = info.value.problems
    assert problem.startswith("rules/respect-your-audience.yaml: rule offensive.strong-language: category:")


def test_broken_yaml_is_reported_with_the_file(rules_copy):
    (rules_copy / RULE_FILE).write_text("rules: [unclosed")
    with pytest.raises(RulePackError, match="respect-your-audience.yaml: not valid YAML"):
        load_rule_pack(rules_copy)


def test_broken_yaml_quotes_the_faulty_line_with_a_caret_under_the_fault(rules_copy):
    # The rules are read by libyaml for speed; its errors give only line and column, so a broken file is
    # read again by PyYAML's own parser, whose error shows the comms officer the line itself.
    (rules_copy / RULE_FILE).write_text("rules:\n  - id: x\n   title: misaligned\n")
    with pytest.raises(RulePackError) as raised:
        load_rule_pack(rules_copy)
    problem = next(p for p in raised.value.problems if "not valid YAML" in p)
    assert "line 3, column 4:\n       title: misaligned\n       ^" in problem


def test_unknown_lexicon_and_bad_pattern_are_named(rules_copy):
    _edit(rules_copy / RULE_FILE, "lexicon: profanity-strong", "lexicon: no-such-list")
    with pytest.raises(RulePackError, match="offensive.strong-language.*no lexicon named 'no-such-list'"):
        load_rule_pack(rules_copy)


def test_catastrophic_pattern_is_refused_at_load(rules_copy):
    _edit(rules_copy / RULE_FILE, "lexicon: profanity-strong", "pattern: '(a+)+$'")
    with pytest.raises(RulePackError, match=r"repeats a repetition"):
        load_rule_pack(rules_copy)


def test_duplicate_rule_ids_are_refused(rules_copy):
    text = (rules_copy / RULE_FILE).read_text()
    (rules_copy / "rules" / "copy.yaml").write_text(text)
    with pytest.raises(RulePackError, match="id already used"):
        load_rule_pack(rules_copy)


def test_bad_rules_fail_app_start_up(rules_copy):
    _edit(rules_copy / RULE_FILE, "severity: high", "severity: extreme")
    with pytest.raises(RulePackError, match="severity"):
        create_app({"TESTING": True, "RULES_DIR": str(rules_copy)})


def test_reload_picks_up_an_edit_and_changes_the_version(rules_copy):
    source = RuleSource(rules_copy)
    before = source.current.version
    assert source.reload() is False  # nothing changed
    _edit(rules_copy / LEXICON, "- bollocks", "- bollocks\n  - gobshite")
    assert source.reload() is True
    assert source.current.version != before


def test_broken_edit_keeps_the_last_good_rules_and_reports(rules_copy):
    source = RuleSource(rules_copy)
    good = source.current
    _edit(rules_copy / RULE_FILE, "category: offensive", "category: rude")
    assert source.reload() is False
    assert source.current is good
    assert source.last_error and "category" in source.last_error[0]


def test_the_watcher_thread_reloads_within_seconds(rules_copy):
    source = RuleSource(rules_copy)
    before = source.current.version
    source.watch(0.1)
    try:
        _edit(rules_copy / LEXICON, "- bollocks", "- bollocks\n  - gobshite")
        deadline = time.time() + 5
        while source.current.version == before and time.time() < deadline:
            time.sleep(0.05)
        assert source.current.version != before
    finally:
        source.stop()


def test_api_reports_reload_errors_and_keeps_answering(rules_copy):
    app = create_app({"TESTING": True, "RULES_DIR": str(rules_copy)})
    client = app.test_client()
    version = client.post("/api/v1/check", json={"text": "fuck"}).get_json()["rules_version"]
    _edit(rules_copy / RULE_FILE, "category: offensive", "category: rude")
    app.extensions["postcheck"].rules.reload()
    body = client.post("/api/v1/check", json={"text": "fuck"}).get_json()
    assert body["rules_version"] == version and body["warnings"]
    assert client.get("/api/v1/rules").get_json()["reload_error"]
    _edit(rules_copy / RULE_FILE, "category: rude", "category: offensive")
    _edit(rules_copy / LEXICON, "- bollocks", "- bollocks\n  - gobshite")
    app.extensions["postcheck"].rules.reload()
    assert client.post("/api/v1/check", json={"text": "gobshite"}).get_json()["rules_version"] != version


# Issue 17, item 9: a rules file emptied or cut short while running (an editor, a full disk) silently
# dropped its rules, and the "napalm" warning with them.
NAPALM_FILE = "rules/violent-language.yaml"
NAPALM = "Tottenham needs napalm"


def _napalm_warned(source) -> bool:
    from postcheck.engine import Draft, check
    return "violent.destroying-a-place" in [w.rule for w in check(source.current, Draft(text=NAPALM))]


@pytest.mark.parametrize("cut", ["empty", "blank lines", "cut mid-line"])
def test_a_rules_file_emptied_or_cut_short_keeps_the_last_good_rules(rules_copy, cut):
    source = RuleSource(rules_copy)
    assert _napalm_warned(source)
    path = rules_copy / NAPALM_FILE
    text = path.read_text()
    path.write_text({"empty": "", "blank lines": "\n\n", "cut mid-line": text[:text.index("napalm") + 3]}[cut])
    assert source.reload(force=True) is False
    assert _napalm_warned(source), "the last good rules stay in force"
    assert any(problem.startswith(NAPALM_FILE) for problem in source.last_error)


def test_a_file_meant_to_be_empty_says_so_and_a_deleted_file_is_a_removal(rules_copy):
    source = RuleSource(rules_copy)
    (rules_copy / NAPALM_FILE).write_text("rules: []\n")
    assert source.reload(force=True) is True and not _napalm_warned(source)
    (rules_copy / NAPALM_FILE).unlink()
    assert source.reload(force=True) is True and source.last_error is None


def test_an_empty_rules_file_stops_the_server_at_start_up_with_the_same_message(rules_copy):
    (rules_copy / NAPALM_FILE).write_text("")
    with pytest.raises(RulePackError, match=r"rules/violent-language.yaml: the file is empty"):
        create_app({"TESTING": True, "RULES_DIR": str(rules_copy)})


def test_public_pages_say_where_a_reload_failed_never_what_the_file_holds(rules_copy):
    app = create_app({"TESTING": True, "RULES_DIR": str(rules_copy)})
    client = app.test_client()
    # A broken pattern: the full error quotes it.
    _edit(rules_copy / NAPALM_FILE, "(?:legs|arms|head", "(?:legs|kneecapz(?P<|arms|head")
    app.extensions["postcheck"].rules.reload()
    assert any("kneecapz" in p for p in app.extensions["postcheck"].rules.last_error), "the log has it all"
    for path, key in (("/healthz", "rules_reload_error"), ("/api/v1/rules", "reload_error")):
        body = client.get(path).get_json()
        assert body[key] and all(line.startswith(("rules/", "violent.")) for line in body[key]), body[key]
        assert "kneecapz" not in json.dumps(body[key]) and "(?P<" not in json.dumps(body[key])
