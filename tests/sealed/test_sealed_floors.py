"""The sealed slices as a regression floor: each slice's own first-sight figures (tests/sealed/
first_sight.json, recorded once by tools/first_sight.py) less 0.03. Not the targets, and never a reason
to tune on a slice: see README.md here."""
import json
from pathlib import Path

import pytest

from postcheck import create_app
from postcheck.model.corpus import read_corpus, read_posts
from tests.conftest import RULES_DIR, post_check

HERE = Path(__file__).resolve().parent
SLICES = sorted(HERE.glob("slice-?.jsonl"))
RECORD = json.loads((HERE / "first_sight.json").read_text(encoding="utf-8")) if (HERE / "first_sight.json").exists() else {"slices": {}}
MARGIN = 0.03


def test_there_are_three_sealed_slices_each_with_enough_of_every_category():
    from postcheck.engine.schema import CATEGORIES
    assert len(SLICES) >= 3
    for path in SLICES:
        posts = read_posts(path)
        assert len(posts) >= 150, path.name
        for category in CATEGORIES:
            assert sum(category in p.expect for p in posts) >= 8, (path.name, category)


def test_no_sealed_post_is_in_the_training_corpus():
    training = {p.text.strip().lower() for folder in ("corpus", "corpus-held-back")
                for p in read_corpus(RULES_DIR / folder)}
    for path in SLICES:
        leaked = [p.id for p in read_posts(path) if p.text.strip().lower() in training]
        assert not leaked, f"{path.name}: {leaked} are training posts too"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """A fresh server, as tools/first_sight.py scores on: the calendar and roster seeded from policy_rules/,
    and no rate limit (a slice is more checks than one client may send in a minute)."""
    database = tmp_path_factory.mktemp("sealed") / "postcheck.sqlite"
    app = create_app({"TESTING": True, "RULES_RELOAD_SECONDS": 0, "ACCESS_LOG": False, "RATELIMIT_ENABLED": False,
                      "DATABASE_URL": f"sqlite:///{database}"})
    yield app.test_client()
    app.extensions["postcheck"].store.dispose()


@pytest.mark.parametrize("path", SLICES, ids=lambda p: p.stem)
def test_each_slice_holds_its_first_sight_figures(client, path):
    record = RECORD["slices"].get(path.stem)
    assert record is not None, f"{path.name} has no first-sight record: score it once with tools/first_sight.py"
    first = record["layers"]["both"]
    tp = fp = fn = clean = alarms = 0
    for post in read_posts(path):
        answer = post_check(client, text=post.text, platform=post.platform, account={"type": post.account},
                            reply=post.reply, at=post.at)
        got = {w["category"] for w in answer["warnings"]}
        tp += len(post.expect & got)
        fp += len(got - post.expect - post.allow)
        fn += len(post.expect - got)
        if not post.expect:
            clean += 1
            alarms += bool(got - post.allow)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= first["precision"] - MARGIN, f"{path.stem}: precision {precision:.3f}, first sight {first['precision']}"
    assert recall >= first["recall"] - MARGIN, f"{path.stem}: recall {recall:.3f}, first sight {first['recall']}"
    assert alarms / clean <= first["false_alarms"] / first["clean_posts"] + MARGIN, f"{path.stem}: {alarms}/{clean} false alarms"
