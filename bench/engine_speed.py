#!/usr/bin/env python3
"""Engine speed, in process, with the full rule pack (issue 8's first benchmark).

Prints: median and p99 per check for 280-character posts built from the labelled corpus; time against
text length (100 to 63,206 characters, Facebook's limit); time against rule count (the pack, and the
pack with 4x and 16x synthetic rules); hostile 100,000-character inputs; and, side by side on the
same posts, better_profanity's contains_profanity and postcheck's whole check through the Flask app.

    .venv/bin/python bench/engine_speed.py            # all of it, about a minute
    .venv/bin/python bench/engine_speed.py --quick    # fewer repetitions
"""
from __future__ import annotations

import argparse
import gc
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from postcheck.config import SETTINGS  # noqa: E402
from postcheck.engine import Draft, check, load_rule_pack  # noqa: E402
from postcheck.engine.evaluate import evaluate  # noqa: E402
from postcheck.model.features import Context  # noqa: E402
from postcheck.model.scorer import score  # noqa: E402

CORPUS = ROOT / "policy_rules" / "corpus" / "posts.jsonl"
MODEL_BUDGET_S = SETTINGS["MODEL_BUDGET_MS"][0] / 1000  # the production default


def posts_of_length(texts, n, count, rng):
    out = []
    for _ in range(count):
        parts = []
        while sum(len(p) + 1 for p in parts) < n:
            parts.append(rng.choice(texts))
        out.append(" ".join(parts)[:n])
    return out


def timed(fn, items, repeat):
    samples = []
    for _ in range(repeat):
        for item in items:
            start = time.perf_counter()
            fn(item)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def scaled_pack(factor: int) -> Path:
    """A copy of the rule pack with (factor - 1) renamed copies of every rule: a pack `factor` times bigger."""
    target = Path(tempfile.mkdtemp(prefix="postcheck-bench-")) / "policy_rules"
    shutil.copytree(ROOT / "policy_rules", target)
    for path in sorted((target / "rules").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        for copy in range(1, factor):
            clone = {"rules": [{**rule, "id": f"{rule['id']}.copy{copy}"} for rule in data["rules"]]}
            (target / "rules" / f"{path.stem}-copy{copy}.yaml").write_text(yaml.safe_dump(clone, allow_unicode=True))
    return target


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-freeze", action="store_true", help="leave the loaded rules in the collector's generations")
    args = ap.parse_args()
    repeat = 1 if args.quick else 3
    rng = random.Random(20261124)
    texts = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    ruleset = load_rule_pack(ROOT / "policy_rules")
    ruleset.gate.wait()  # the pattern gate compiles in the background; measure it working
    if not args.no_freeze:
        # As a production worker does once the app is loaded (gunicorn_conf.post_worker_init): the
        # long-lived objects leave the garbage collector's generations, so its full passes stay short.
        gc.freeze()
    run = lambda rs: (lambda text: check(rs, Draft(text=text)))  # noqa: E731

    tweets = posts_of_length(texts, 280, 300, rng)
    for text in tweets[:30]:
        check(ruleset, Draft(text=text))  # warm the caches
    median, p99 = timed(run(ruleset), tweets, repeat)
    learned = "with" if ruleset.learned is not None else "without"
    print(f"280 characters, {len(ruleset.rules)} rules {learned} the learned model: median {median:.3f} ms, p99 {p99:.3f} ms")
    incomplete = sum(evaluate(ruleset, Draft(text=t), model_deadline=time.monotonic() + MODEL_BUDGET_S).incomplete for t in tweets)
    print(f"  answers cut short by the {MODEL_BUDGET_S * 1000:.0f} ms model budget: {incomplete} of {len(tweets)}")
    if ruleset.learned is not None:
        model = ruleset.learned.model
        median, p99 = timed(lambda text: score(model, text, Context()), tweets, repeat)
        print(f"  the learned model alone: median {median:.3f} ms, p99 {p99:.3f} ms")
        rules_only = load_rule_pack(ROOT / "policy_rules", learned=False)
        rules_only.gate.wait()
        median, p99 = timed(run(rules_only), tweets, repeat)
        print(f"  the rules alone: median {median:.3f} ms, p99 {p99:.3f} ms")

    print("length curve (best of runs):")
    for n in (100, 1000, 10_000, 63_206):
        items = posts_of_length(texts, n, 5 if n > 10_000 else 30, rng)
        median, _ = timed(run(ruleset), items, repeat)
        cut = sum(evaluate(ruleset, Draft(text=t), model_deadline=time.monotonic() + MODEL_BUDGET_S).incomplete for t in items)
        print(f"  {n:>6} characters: median {median:.2f} ms ({cut} of {len(items)} cut short by the {MODEL_BUDGET_S * 1000:.0f} ms model budget)")

    print("rule count curve (280 characters):")
    for factor in (4, 16):
        scaled = load_rule_pack(scaled_pack(factor))
        scaled.gate.wait()
        median, p99 = timed(run(scaled), tweets[:100], repeat)
        print(f"  {len(scaled.rules):>4} rules: median {median:.3f} ms, p99 {p99:.3f} ms")

    print("hostile 100,000-character inputs (median of 5):")
    for name, text in [("a*100000", "a" * 100_000), ("@*100000", "@" * 100_000), ("'Cllr '*20000", "Cllr " * 20_000),
                       ("'f*ck '*20000", "f*ck " * 20_000), ("emoji*50000", "😀" * 50_000), ("'a.'*50000", "a." * 50_000),
                       ("distinct words", " ".join(f"w{i:x}q{i * 7919 % 100003:x}" for i in range(9000)))]:
        median, slowest = timed(run(ruleset), [text], 5)
        complete = not evaluate(ruleset, Draft(text=text), model_deadline=time.monotonic() + MODEL_BUDGET_S).incomplete
        print(f"  {name:>16}: {median:.1f} ms (slowest {slowest:.1f} ms); {'complete' if complete else f'model cut short at {MODEL_BUDGET_S * 1000:.0f} ms'}")

    try:
        from better_profanity import profanity
    except ImportError:
        print("better_profanity is not installed: pip install better-profanity to compare")
        return
    profanity.load_censor_words()
    peer_median, _ = timed(profanity.contains_profanity, tweets[:100], 1)
    from postcheck import create_app
    client = create_app({"TESTING": True}).test_client()
    app_median, _ = timed(lambda text: client.post("/api/v1/check", json={"text": text}), tweets[:100], repeat)
    print(f"peer: better_profanity.contains_profanity median {peer_median:.3f} ms; "
          f"postcheck's whole check through Flask median {app_median:.3f} ms; ratio 1/{peer_median / app_median:.1f}")


if __name__ == "__main__":
    main()
