#!/usr/bin/env python3
"""Scores a sealed slice ONCE, when it arrives, and records that first-sight figure for good.

    .venv/bin/python tools/first_sight.py tests/sealed/slice-d.jsonl

A sealed slice is written by people who saw neither the rules nor the training posts; its first score
is the honest measure of how postcheck generalises. This tool refuses a slice it has already scored:
the record in tests/sealed/first_sight.json is never overwritten. It scores the rules alone, the model
alone and both together (each warning's `source`), per category, through the check API in process,
and copies the pooled per-category figures to policy_rules/model/first_sight.json for the Rules page.
`make test` then re-runs every slice as a regression floor (tests/sealed/test_sealed_floors.py).
If anything is ever tuned on a slice, move it into policy_rules/corpus/ and write a new one.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "tests" / "sealed" / "first_sight.json"
PAGE_COPY = ROOT / "policy_rules" / "model" / "first_sight.json"
LAYERS = {"rules": ("rules", "both", None), "model": ("model", "both"), "both": ("rules", "model", "both", None)}


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def answers(rows: list[dict]) -> list[list[dict]]:
    sys.path.insert(0, str(ROOT / "server"))
    from postcheck import create_app
    client = create_app({"TESTING": True, "RULES_RELOAD_SECONDS": 0, "ACCESS_LOG": False}).test_client()
    out = []
    for row in rows:
        body = {"text": row["text"], "platform": row["platform"], "account": {"type": row["account"]},
                "reply": row["reply"], "at": row["at"]}
        response = client.post("/api/v1/check", json=body)
        if response.status_code != 200:
            sys.exit(f"{row['id']}: HTTP {response.status_code}")
        out.append(response.get_json()["warnings"])
    return out


def tally(rows: list[dict], warnings: list[list[dict]], sources) -> dict:
    """Per category true positives, false alarms and misses, and false alarms on clean posts, counted as
    shared/eval/score.py counts them."""
    categories: dict[str, dict[str, int]] = {}
    clean = alarms = 0
    for row, found in zip(rows, warnings):
        got = {w["category"] for w in found if w.get("source") in sources}
        expect, allow = set(row["expect"]), set(row["allow"])
        for name, hits in (("tp", expect & got), ("fp", got - expect - allow), ("fn", expect - got)):
            for category in hits:
                categories.setdefault(category, {"tp": 0, "fp": 0, "fn": 0})[name] += 1
        if not expect:
            clean += 1
            alarms += bool(got - allow)
    return {"categories": dict(sorted(categories.items())), "clean_posts": clean, "false_alarms": alarms,
            **ratios(categories.values())}


def ratios(counts) -> dict:
    tp = sum(c["tp"] for c in counts)
    fp = sum(c["fp"] for c in counts)
    fn = sum(c["fn"] for c in counts)
    return {"precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None}


def pooled(record: dict) -> dict:
    """Per category and layer, the slices' counts added up: what the Rules page shows."""
    out: dict = {}
    for slice_record in record["slices"].values():
        for layer, figures in slice_record["layers"].items():
            for category, counts in figures["categories"].items():
                total = out.setdefault(category, {}).setdefault(layer, {"tp": 0, "fp": 0, "fn": 0})
                for key in total:
                    total[key] += counts[key]
    return {category: {layer: {**counts, **ratios([counts])} for layer, counts in layers.items()}
            for category, layers in sorted(out.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("slice", type=Path, help="a sealed slice, JSONL in the shared labelling convention")
    args = parser.parse_args()
    name = args.slice.stem
    record = json.loads(RECORD.read_text(encoding="utf-8")) if RECORD.exists() else {"slices": {}}
    if name in record["slices"]:
        sys.exit(f"{name} was scored on {record['slices'][name]['scored_on']}: a first sight is taken once. "
                 "If it was tuned on since, move it to policy_rules/corpus/ and write a new slice.")
    rows = read_rows(args.slice)
    found = answers(rows)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    layers = {layer: tally(rows, found, sources) for layer, sources in LAYERS.items()}
    record["slices"][name] = {"file": str(args.slice.resolve().relative_to(ROOT)), "posts": len(rows),
                              "scored_on": dt.date.today().isoformat(), "commit": commit, "layers": layers}
    RECORD.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    page = {"slices": sorted(record["slices"]), "posts": sum(s["posts"] for s in record["slices"].values()),
            "scored_on": max(s["scored_on"] for s in record["slices"].values()), "categories": pooled(record)}
    PAGE_COPY.write_text(json.dumps(page, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    for layer, figures in layers.items():
        print(f"{name} {layer:5}  precision {figures['precision']}  recall {figures['recall']}  "
              f"false alarms on clean posts {figures['false_alarms']}/{figures['clean_posts']}")


if __name__ == "__main__":
    main()
