"""The real `language_tool_python` client, in its remote-server mode, against a live postcheck server."""
import language_tool_python
import pytest


@pytest.fixture(scope="module")
def tool(live_server_url):
    client = language_tool_python.LanguageTool("en-GB", remote_server=live_server_url)
    yield client
    client.close()


def test_client_gets_policy_matches_with_offsets_after_emoji(tool):
    text = "👩‍👩‍👧‍👦😀 ring Jo on 07700 900123 and tell her to f*ck off"
    matches = tool.check(text)
    found = {m.rule_id: text[m.offset:m.offset + m.error_length] for m in matches}
    assert found["PERSONAL_DATA_PHONE_NUMBER"] == "07700 900123"
    assert found["OFFENSIVE_STRONG_LANGUAGE"] == "f*ck"
    by_rule = {m.rule_id: m for m in matches}
    assert by_rule["OFFENSIVE_STRONG_LANGUAGE"].category == "POSTCHECK_OFFENSIVE"
    assert "strong swearing" in by_rule["OFFENSIVE_STRONG_LANGUAGE"].message


def test_client_sees_nothing_in_a_clean_text(tool):
    assert tool.check("Lovely sunny day for the park run!") == []


def test_client_rule_filters_reach_the_server(tool):
    text = "ring 07700 900123 and f*ck it"
    tool.disabled_rules = {"OFFENSIVE_STRONG_LANGUAGE"}
    try:
        assert [m.rule_id for m in tool.check(text)] == ["PERSONAL_DATA_PHONE_NUMBER"]
    finally:
        tool.disabled_rules = set()


def test_client_applies_the_disclaimer_fix(tool):
    text = "so proud of the work we do at @haringeycouncil!"
    [match] = [m for m in tool.check(text) if m.rule_id == "DISCLAIMER_MISSING"]
    corrected = text[:match.offset] + match.replacements[0] + text[match.offset + match.error_length:]
    assert corrected.startswith(text) and corrected.endswith("do not necessarily represent the views of the council.")
