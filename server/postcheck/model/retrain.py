"""`postcheck model train`: the rules folder's corpus in, the rules folder's model out.

The rules' own verdict on each training post is part of choosing thresholds (a category fires when a
rule or the model says so), so the rules are loaded first, without any model, and every post is
checked against them in its own context: account, reply, and the seed calendar at its moment.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from postcheck.elections.calendar import LONDON
from postcheck.elections.seed import seed_periods
from postcheck.engine import Draft, check, load_rule_pack
from postcheck.engine.schema import CATEGORIES
from postcheck.model import artefact
from postcheck.model.corpus import read_corpus
from postcheck.model.layer import CARDS_FILE, MODEL_DIR, read_cards
from postcheck.model.train import Settings, train


def moment(at: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(at)
    return value if value.tzinfo else value.replace(tzinfo=LONDON)


def retrain(rules_dir: Path, corpus_dir: Path | None = None, out_dir: Path | None = None,
            settings: Settings = Settings(), progress: Callable[[str], None] = print) -> dict:
    """Trains on `corpus_dir` (default `rules_dir/corpus`) and writes `out_dir` (default `rules_dir/model`),
    whose `cards.yaml` must already say what each category's warning says. Returns what was recorded."""
    rules_dir = Path(rules_dir)
    corpus_dir = Path(corpus_dir) if corpus_dir else rules_dir / "corpus"
    out_dir = Path(out_dir) if out_dir else rules_dir / MODEL_DIR
    cards = read_cards(out_dir / CARDS_FILE)
    posts = read_corpus(corpus_dir)
    progress(f"checking {len(posts)} posts against the rules alone")
    ruleset = load_rule_pack(rules_dir, learned=False)
    calendar = seed_periods(rules_dir)

    def in_period(at: str) -> bool:
        return calendar.state_at(moment(at)).active

    rules_fired = []
    for post in posts:
        election = calendar.state_at(moment(post.at))
        draft = Draft(text=post.text, platform=post.platform, account_type=post.account, reply=post.reply)
        rules_fired.append(frozenset(w.category for w in check(ruleset, draft, election)))
    categories = [c for c in CATEGORIES if c in cards]

    def gate(category):
        card = cards[category]
        return lambda ctx: card.applies(ctx.account, ctx.reply, ctx.election, False)

    model, about = train(posts, categories, in_period, rules_fired, {c: gate(c) for c in categories},
                         settings, progress)
    written = artefact.save(model, out_dir, about)
    progress(f"wrote {', '.join(str(p) for p in written)}")
    return about
