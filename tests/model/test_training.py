"""`postcheck model train`: deterministic, thresholds from held-out files, and the artefact is plain data."""
import hashlib
import json
import shutil

import numpy as np
import pytest

pytest.importorskip("sklearn", reason="the trainer needs scikit-learn: pip install -e '.[test]'")

from postcheck.model import artefact  # noqa: E402
from postcheck.model.layer import load_layer  # noqa: E402
from postcheck.model.retrain import retrain  # noqa: E402
from postcheck.model.train import Settings, choose_thresholds  # noqa: E402
from tests.model.conftest import RULES_DIR  # noqa: E402


@pytest.fixture()
def small_rules(tmp_path, small_corpus):
    """The shipped rules and cards, with a small corpus of three files and no trained model yet."""
    rules = tmp_path / "policy_rules"
    shutil.copytree(RULES_DIR, rules, ignore=shutil.ignore_patterns("corpus", "*.npy", "model.json", "vocabulary.json"))
    corpus = rules / "corpus"
    corpus.mkdir()
    for source in sorted({p.source for p in small_corpus}):
        lines = [json.dumps({"id": p.id, "text": p.text, "platform": p.platform, "account": p.account, "reply": p.reply,
                             "at": p.at, "expect": sorted(p.expect), "allow": sorted(p.allow)})
                 for p in small_corpus if p.source == source]
        (corpus / f"{source}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rules


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.name in artefact.FILES}


def test_training_twice_gives_the_same_bytes_and_a_model_that_loads(small_rules, tmp_path):
    lines = []
    retrain(small_rules, progress=lines.append)
    first = digests(small_rules / "model")
    second_out = tmp_path / "again"
    second_out.mkdir()
    shutil.copy(small_rules / "model" / "cards.yaml", second_out / "cards.yaml")
    retrain(small_rules, out_dir=second_out, progress=lambda _: None)
    assert set(first) == set(artefact.FILES)
    assert digests(second_out) == first
    assert any("leave-one-file-out 3/3" in line for line in lines), "progress is reported file by file"
    layer = load_layer(small_rules)
    assert layer.meta["about"]["trained_on"]["posts"] == 330
    # Plain data: JSON, and arrays numpy reads without pickles.
    np.load(small_rules / "model" / "weights.npy", allow_pickle=False)
    assert json.loads((small_rules / "model" / "vocabulary.json").read_text())


def test_thresholds_serve_rules_and_model_together():
    # Two posts expect violent; the rules catch the first. The model scores the second 0.6 and a clean
    # post 0.5: the best threshold catches the second without the clean one.
    from postcheck.model.corpus import Post
    def post(expect):
        return Post("x", "t", "twitter", "personal", False, "2026-09-01", frozenset(expect), frozenset(), "f")
    posts = [post({"violent"}), post({"violent"}), post(set())]
    probabilities = np.array([[0.2], [0.6], [0.5]])
    rules = [frozenset({"violent"}), frozenset(), frozenset()]
    gates = [np.array([True, True, True])]
    assert choose_thresholds(posts, probabilities, ["violent"], rules, gates, Settings(beta=1.0)) == [0.51]
    # Gated off (e.g. a card for personal accounts only), the model cannot help: the lowest threshold stays.
    assert choose_thresholds(posts, probabilities, ["violent"], rules, [np.array([False] * 3)], Settings()) == [0.30]
