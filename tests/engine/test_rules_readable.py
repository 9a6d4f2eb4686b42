"""A comms officer must be able to read any rule on one screen: no `words:` list holds more than 40
phrases, and a lexicon used by only one rule counts as that rule's own list. Wordings that only one
corpus used belong to the learned model, which generalises from examples, not to ever longer lists."""
from collections import defaultdict

import yaml

from tests.conftest import RULES_DIR

MAX_WORDS = 40


def _lists(node, path):
    """(path, number of phrases) of every `words:` list, and the lexicons named, under a matcher."""
    if isinstance(node, dict):
        if "words" in node:
            words = node["words"]
            yield ("words", path, len([words] if isinstance(words, str) else words))
        if "lexicon" in node:
            names = node["lexicon"]
            for name in [names] if isinstance(names, str) else names:
                yield ("lexicon", path, name)
        for key, value in node.items():
            yield from _lists(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _lists(value, f"{path}[{i}]")


def rule_lists():
    for path in sorted((RULES_DIR / "rules").glob("*.yaml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            for key in ("match", "except", "unless"):
                if key in rule:
                    for kind, where, value in _lists(rule[key], key):
                        yield rule["id"], kind, where, value


def test_no_words_list_is_longer_than_a_screen():
    too_long = [(rule, where, n) for rule, kind, where, n in rule_lists() if kind == "words" and n > MAX_WORDS]
    assert not too_long, f"words lists over {MAX_WORDS} phrases: {too_long}"


def test_a_lexicon_used_by_one_rule_counts_as_its_list():
    users = defaultdict(set)
    for rule, kind, _where, name in rule_lists():
        if kind == "lexicon":
            users[name].add(rule)
    sizes = {}
    for path in (RULES_DIR / "lexicons").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        sizes[data["name"]] = len(data["words"])
    too_long = {name: n for name, n in sizes.items() if len(users[name]) == 1 and n > MAX_WORDS}
    assert not too_long, f"lexicons used by one rule, over {MAX_WORDS} phrases: {too_long}"


def test_the_check_can_fail():
    assert list(_lists({"any": [{"words": ["a"] * 41}]}, "match")) == [("words", "match.any[0]", 41)]
