"""Fixtures for the learned layer: a tiny hand-made model whose every weight is known, the shipped
model, and a small real corpus to train on."""
from pathlib import Path

import numpy as np
import pytest

from postcheck.engine.schema import CATEGORIES
from postcheck.model.cards import Card
from postcheck.model.corpus import read_posts
from postcheck.model.features import word_features
from postcheck.model.layer import LearnedLayer, load_layer
from postcheck.model.scorer import LinearModel

ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = ROOT / "policy_rules"
CORPUS_DIR = RULES_DIR / "corpus"


def card(category, **overrides):
    values = dict(category=category, severity={"personal": "high", "council": "high"}, title=f"{category} title",
                  message=f"{category} message", advice=f"{category} advice",
                  policy={"section": "s", "clause": "c", "quote": "q"}, enabled=True, when={},
                  examples={"warn": [], "pass": []})
    values.update(overrides)
    return Card(**values)


def tiny_layer(weights_by_word: dict[str, dict[str, float]], bias: float = -4.0, threshold: float = 0.5,
               cards: dict | None = None) -> LearnedLayer:
    """A model that knows only the given words: each word's own feature (`w word`) carries the given
    weight per category, idf 1, everything else 0. With one such word in a post its TF-IDF value is 1
    (L2-normalised alone among known features), so the logit is bias + weight."""
    vocabulary = {}
    for word in weights_by_word:
        vocabulary[f"w {word}"] = len(vocabulary)
    categories = tuple(CATEGORIES)
    weights = np.zeros((len(categories), len(vocabulary)), dtype=np.float32)
    for word, per_category in weights_by_word.items():
        for category, weight in per_category.items():
            weights[categories.index(category), vocabulary[f"w {word}"]] = weight
    model = LinearModel(categories, vocabulary, np.ones(len(vocabulary)), weights,
                        np.full(len(categories), bias), np.full(len(categories), threshold))
    return LearnedLayer(model, cards or {c: card(c) for c in categories}, {}, {}, "tiny")


@pytest.fixture(scope="session")
def shipped_layer():
    layer = load_layer(RULES_DIR)
    assert layer is not None, "policy_rules/model/ holds no trained model"
    return layer


@pytest.fixture(scope="session")
def small_corpus():
    """About 100 posts from each of three corpus files: enough of every category to fit, quick to train."""
    files = sorted(CORPUS_DIR.glob("holdout*.jsonl"))[:3]
    return [post for path in files for post in read_posts(path)[:110]]


assert word_features("ab")[0] == "w ab"  # tiny_layer's vocabulary depends on this naming
