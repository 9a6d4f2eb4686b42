#!/usr/bin/env python3
"""Measures what each phrase of a long `words:` list adds, beside the learned model, by leave-one-file-out
on the training corpus: the evidence for keeping a rule readable (at most 40 phrases a list).

    .venv/bin/python tools/rule_contributions.py > contributions.json

For every list over the limit (inline, or a lexicon only one rule uses) and every phrase in it, over the
training posts where the rule fires:
  only      posts the rule catches rightly through this phrase alone (no other phrase of the list is in
            the post), which neither another rule of the category nor the model (scoring each file with a
            model fitted without it) would catch: what the rule would lose without the phrase;
  caught    posts the rule catches rightly with this phrase in them;
  false     posts where the rule fires wrongly with this phrase in them.
It keeps the phrases the rule's own warn examples use (unless they cost more false alarms than they
catch alone), then those with the most `only - false` (then `caught`), up to the limit, and lists the
rest as candidates to drop. Never run it on a sealed slice: it reads policy_rules/corpus/ only.
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from postcheck.elections.seed import seed_periods  # noqa: E402
from postcheck.engine import load_rule_pack  # noqa: E402
from postcheck.engine import matchers as m  # noqa: E402
from postcheck.engine.evaluate import evaluate_rule  # noqa: E402
from postcheck.engine.text import normalise  # noqa: E402
from postcheck.model.corpus import read_corpus  # noqa: E402
from postcheck.model.layer import load_layer  # noqa: E402
from postcheck.model.retrain import moment  # noqa: E402
from postcheck.model.train import context_of, held_out_probabilities  # noqa: E402

LIMIT = 40
RULES = ROOT / "policy_rules"


def long_lists():
    """(rule id, where, phrases, obfuscated) for every list over the limit."""
    lexicons = {}
    for path in (RULES / "lexicons").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        lexicons[data["name"]] = (data["words"], bool(data.get("obfuscated", False)))
    users = defaultdict(set)
    found = []

    def walk(node, rule, where):
        if isinstance(node, dict):
            if "words" in node and len(node["words"]) > LIMIT:
                found.append((rule, where, list(node["words"]), bool(node.get("obfuscated", False))))
            if "lexicon" in node:
                for name in [node["lexicon"]] if isinstance(node["lexicon"], str) else node["lexicon"]:
                    users[name].add((rule, where))
            for key, value in node.items():
                walk(value, rule, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, rule, f"{where}[{i}]")

    for path in sorted((RULES / "rules").glob("*.yaml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            for key in ("match", "except", "unless"):
                if key in rule:
                    walk(rule[key], rule["id"], key)
    for name, used in users.items():
        if name in lexicons and len({rule for rule, _ in used}) == 1 and len(lexicons[name][0]) > LIMIT:
            rule, where = sorted(used)[0]
            found.append((rule, f"{where} (lexicon {name})", list(lexicons[name][0]), lexicons[name][1]))
    return found


def main():
    import argparse
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, help="keep the held-out scores in this .npy file and reuse them")
    args = parser.parse_args()
    posts = read_corpus(RULES / "corpus")
    ruleset = load_rule_pack(RULES, learned=False)
    layer = load_layer(RULES)
    calendar = seed_periods(RULES)
    in_period = lambda at: calendar.state_at(moment(at)).active  # noqa: E731
    contexts = [context_of(p, in_period) for p in posts]
    categories = list(layer.model.categories)
    if args.cache and args.cache.exists():
        held_out = np.load(args.cache)
    else:
        print("scoring each file with a model fitted without it ...", file=sys.stderr)
        held_out = held_out_probabilities(posts, contexts, categories, progress=lambda line: print(line, file=sys.stderr))
        if args.cache:
            np.save(args.cache, held_out)
    model_catches = [{c for i, c in enumerate(categories)
                      if held_out[n, i] >= layer.model.thresholds[i]
                      and layer.cards[c].applies(ctx.account, ctx.reply, ctx.election, False)}
                     for n, ctx in enumerate(contexts)]
    scans = [m.Scan(normalise(p.text)) for p in posts]
    fires = {}
    for rule in ruleset.rules:
        fires[rule.id] = np.array([
            rule.enabled and rule.applies(ctx.account, p.reply, ctx.election, False) and evaluate_rule(rule, scan) is not None
            for p, ctx, scan in zip(posts, contexts, scans)])
    report = []
    for rule_id, where, phrases, obfuscated in long_lists():
        rule = ruleset.rule(rule_id)
        others = [r.id for r in ruleset.rules if r.category == rule.category and r.id != rule_id]
        caught_elsewhere = [bool(any(fires[o][n] for o in others)) or rule.category in model_catches[n]
                            for n in range(len(posts))]
        present = {phrase: np.array([bool(m.compile_words((phrase,), obfuscated).search(scan.text)) for scan in scans])
                   for phrase in phrases}
        count_present = sum(v.astype(int) for v in present.values())
        expected = np.array([rule.category in p.expect for p in posts])
        allowed = np.array([rule.category in p.allow for p in posts])
        examples = [normalise(e["text"]) for e in rule.examples["warn"]]
        rows = []
        for phrase in phrases:
            here = present[phrase] & fires[rule_id]
            only = int((here & expected & (count_present == 1) & ~np.array(caught_elsewhere)).sum())
            pattern = m.compile_words((phrase,), obfuscated)
            rows.append({"phrase": phrase, "only": only, "caught": int((here & expected).sum()),
                         "false": int((here & ~expected & ~allowed).sum()),
                         "in_examples": any(pattern.search(text) for text in examples)})
        # The rule's own examples document what it is for: a phrase they need stays unless it costs more
        # false alarms than it catches alone. Then the measured contribution decides.
        ranked = sorted(rows, key=lambda r: (-(r["in_examples"] and r["only"] >= r["false"]), -(r["only"] - r["false"]),
                                             -r["caught"], r["false"], r["phrase"]))
        report.append({"rule": rule_id, "where": where, "phrases": len(phrases), "keep": ranked[:LIMIT],
                       "drop": ranked[LIMIT:]})
    json.dump(report, sys.stdout, indent=1, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
