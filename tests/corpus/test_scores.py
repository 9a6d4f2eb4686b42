"""Regression floors on the training corpus (policy_rules/corpus/) and the shared development set,
measured by the shared scorer with the floors of issue 3.

These posts trained the model and guided the rules, so they no longer measure how postcheck
generalises: the sealed slices do (tests/sealed/). `posts.jsonl` grows with every miss we find; the
`holdout*` files were written independently of the rules once, and their first, untuned scores are in
the closing note of issue 3; the `w*` files came with the learned layer (issue 16).
"""
import json
import os
import runpy
import sys
from pathlib import Path

import pytest

from postcheck.engine.schema import CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
TRAINING = ROOT / "policy_rules" / "corpus"
CORPORA = {"dev": ROOT.parent / "shared" / "eval" / "dev.jsonl",
           **{path.stem: path for path in sorted(TRAINING.glob("*.jsonl"))}}
# Labelled posts kept for a later training (policy_rules/corpus-held-back/README.md): well formed too.
HELD_BACK = {f"held-back/{path.stem}": path for path in sorted((ROOT / "policy_rules" / "corpus-held-back").glob("*.jsonl"))}
FLOORS = ["--min-precision", "0.90", "--min-recall", "0.90", "--max-false-alarm-rate", "0.05"]
# The files of issue 16 (w1-w5) are full of near misses: with the model trained on them (thresholds from
# leave-one-file-out), their false alarms on clean posts were 2.6% to 6.2% (w3) on 6 December 2026. Their
# floor is that worst figure plus 0.03, as for the sealed slices.
NEAR_MISS_FLOORS = ["--min-precision", "0.90", "--min-recall", "0.90", "--max-false-alarm-rate", "0.09"]


def floors(name: str) -> list[str]:
    return NEAR_MISS_FLOORS if name.startswith("w") else FLOORS


def _require(path: Path):
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: CI runs beside ../shared")
        pytest.skip(f"{path} not found")


@pytest.mark.parametrize("name", [n for n, p in {**CORPORA, **HELD_BACK}.items() if n != "dev" and p.exists()])
def test_corpus_rows_are_well_formed(name):
    path = {**CORPORA, **HELD_BACK}[name]
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= (250 if name == "posts" else 150)
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert set(row) == {"id", "text", "platform", "account", "reply", "at", "expect", "allow"}, row["id"]
        assert row["platform"] in ("twitter", "facebook", "other") and row["account"] in ("personal", "council")
        assert set(row["expect"]) <= set(CATEGORIES) and set(row["allow"]) <= set(CATEGORIES), row["id"]
        assert not set(row["expect"]) & set(row["allow"]), row["id"]


@pytest.mark.parametrize("name", list(CORPORA))
def test_scores_meet_the_floors(name, tmp_path, monkeypatch, capsys):
    _require(SCORER)
    corpus = CORPORA[name]
    _require(corpus)
    # The shared scorer, run as its command line runs it, in this process: a process of its own spent
    # more time starting (and compiling the rules' Hyperscan database) than scoring. Its app is built
    # from the environment, as a server's is: a database of its own, and no rate limit, because a corpus
    # is more checks than one client may send in a minute.
    monkeypatch.setenv("POSTCHECK_CHECK_RATE_LIMIT", "1000000 per minute")
    monkeypatch.setenv("POSTCHECK_DATABASE_URL", f"sqlite:///{tmp_path / 'score.sqlite3'}")
    monkeypatch.setenv("POSTCHECK_RULES_RELOAD_SECONDS", "0")
    monkeypatch.setattr(sys, "argv", [str(SCORER), "--app", "postcheck:create_app", "--corpus", str(corpus),
                                      "--show-misses", *floors(name)])
    with pytest.raises(SystemExit) as exited:
        runpy.run_path(str(SCORER), run_name="__main__")
    output = capsys.readouterr().out.strip()
    summary = output.splitlines()[-1] if output else "(no output)"
    assert exited.value.code in (0, None), f"{name} below the floors: {exited.value.code} {summary}\n{output[-4000:]}"
    assert summary.startswith("posts "), output[-2000:]
