"""Fits the learned model from labelled posts: `postcheck model train` calls `train()`.

One TF-IDF vocabulary (features.py), one logistic regression per category (scikit-learn), and one
threshold per category, chosen by leave-one-file-out: each corpus file in turn is held back, the model
is fitted on the others and scores it, and the threshold is the one that serves best the model and the
rules *together* (a category fires when a rule or the model says so) on those held-back scores. The
thresholds are never chosen on the posts the model was fitted on, nor on any sealed slice.

scikit-learn is needed here only: a server scores with numpy alone (scorer.py).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from postcheck.model.corpus import Post
from postcheck.model.features import Context, post_features
from postcheck.model.scorer import LinearModel



@dataclass(frozen=True)
class Settings:
    """How the model is fitted. The defaults were chosen by leave-one-file-out on the training files
    (C 1, 4 and 10; beta 0.5, 0.7 and 1: see the closing note of issue 16)."""
    min_df: int = 2  # a feature must appear in this many posts
    max_features: int = 40000  # the most frequent features are kept
    c: float = 4.0  # inverse regularisation strength of each regression
    beta: float = 0.7  # thresholds maximise F-beta of rules OR model: below 1 weighs precision higher
    lowest_threshold: float = 0.30
    highest_threshold: float = 0.95


def context_of(post: Post, in_period: Callable[[str], bool]) -> Context:
    return Context(account=post.account, reply=post.reply, election=in_period(post.at))


def labels(posts: Sequence[Post], category: str) -> tuple[np.ndarray, np.ndarray]:
    """1 where the category is expected; posts that merely allow it are left out of its training."""
    y = np.array([category in p.expect for p in posts], dtype=np.int64)
    keep = np.array([category not in p.allow for p in posts])
    return y, keep


def fit(posts: Sequence[Post], contexts: Sequence[Context], categories: Sequence[str],
        settings: Settings = Settings()):
    """The vectoriser and one fitted LogisticRegression per category (scikit-learn objects)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = TfidfVectorizer(analyzer=post_features, min_df=settings.min_df, max_features=settings.max_features,
                                 sublinear_tf=True, norm="l2", smooth_idf=True, dtype=np.float64)
    x = vectoriser.fit_transform([(p.text, c) for p, c in zip(posts, contexts)])
    classifiers = {}
    for category in categories:
        y, keep = labels(posts, category)
        if y[keep].min() == y[keep].max():
            raise ValueError(f"the corpus needs posts with and without '{category}' to learn it")
        classifier = LogisticRegression(C=settings.c, class_weight="balanced", max_iter=5000, solver="lbfgs")
        classifiers[category] = classifier.fit(x[keep], y[keep])
    return vectoriser, classifiers


def as_model(vectoriser, classifiers, thresholds: Sequence[float]) -> LinearModel:
    """The fitted objects as plain arrays, for the scorer."""
    categories = tuple(classifiers)
    return LinearModel(
        categories=categories,
        vocabulary={name: int(i) for name, i in vectoriser.vocabulary_.items()},
        idf=np.asarray(vectoriser.idf_, dtype=np.float64),
        weights=np.vstack([classifiers[c].coef_[0] for c in categories]).astype(np.float32),
        bias=np.array([classifiers[c].intercept_[0] for c in categories], dtype=np.float64),
        thresholds=np.asarray(thresholds, dtype=np.float64),
        sublinear_tf=True)


def predict(vectoriser, classifiers, posts: Sequence[Post], contexts: Sequence[Context]) -> np.ndarray:
    """scikit-learn's own probabilities, (posts, categories): what the scorer must reproduce."""
    x = vectoriser.transform([(p.text, c) for p, c in zip(posts, contexts)])
    return np.column_stack([classifiers[c].predict_proba(x)[:, 1] for c in classifiers])


def held_out_probabilities(posts, contexts, categories, settings: Settings = Settings(),
                           progress: Callable[[str], None] = lambda _: None) -> np.ndarray:
    """Each post's probabilities from a model fitted without its file (leave-one-file-out)."""
    sources = sorted({p.source for p in posts})
    if len(sources) < 2:
        raise ValueError("leave-one-file-out needs at least two corpus files")
    out = np.zeros((len(posts), len(categories)))
    for n, source in enumerate(sources, 1):
        held = np.array([p.source == source for p in posts])
        progress(f"  leave-one-file-out {n}/{len(sources)}: holding back {source} ({int(held.sum())} posts)")
        train_posts = [p for p, h in zip(posts, held) if not h]
        train_contexts = [c for c, h in zip(contexts, held) if not h]
        vectoriser, classifiers = fit(train_posts, train_contexts, categories, settings)
        out[held] = predict(vectoriser, classifiers, [p for p, h in zip(posts, held) if h],
                            [c for c, h in zip(contexts, held) if h])
    return out


def counts(posts, category, fired: np.ndarray) -> tuple[int, int, int]:
    """True positives, false alarms (fired where neither expected nor allowed) and misses."""
    expect = np.array([category in p.expect for p in posts])
    allow = np.array([category in p.allow for p in posts])
    return int((fired & expect).sum()), int((fired & ~expect & ~allow).sum()), int((~fired & expect).sum())


def f_beta(tp: int, fp: int, fn: int, beta: float) -> float:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    if not precision + recall:
        return 0.0
    return (1 + beta ** 2) * precision * recall / (beta ** 2 * precision + recall)


def choose_thresholds(posts, probabilities: np.ndarray, categories, rules_fired: Sequence[frozenset[str]],
                      gates: Sequence[np.ndarray], settings: Settings = Settings()) -> list[float]:
    """Per category, the threshold that gives the best F-beta for rules OR model on held-out scores.
    `gates[i]` says where category i may fire at all (its card's `when`)."""
    grid = np.round(np.arange(settings.lowest_threshold, settings.highest_threshold + 1e-9, 0.01), 2)
    chosen = []
    for i, category in enumerate(categories):
        by_rules = np.array([category in fired for fired in rules_fired])
        best = (-1.0, 0.0)
        for threshold in grid:
            fired = by_rules | ((probabilities[:, i] >= threshold) & gates[i])
            score = f_beta(*counts(posts, category, fired), settings.beta)
            if score > best[0] + 1e-12:  # ties keep the lower threshold, found first
                best = (score, float(threshold))
        chosen.append(best[1])
    return chosen


def corpus_digest(posts: Sequence[Post]) -> str:
    digest = hashlib.sha256()
    for p in posts:
        digest.update(f"{p.source}\t{p.id}\t{p.text}\t{sorted(p.expect)}\t{sorted(p.allow)}\n".encode())
    return digest.hexdigest()[:16]


def summary(posts, category, fired: np.ndarray) -> dict:
    tp, fp, fn = counts(posts, category, fired)
    return {"precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None, "expected": tp + fn}


def train(posts: Sequence[Post], categories: Sequence[str], in_period: Callable[[str], bool],
          rules_fired: Sequence[frozenset[str]], gates: dict[str, Callable[[Context], bool]],
          settings: Settings = Settings(), progress: Callable[[str], None] = lambda _: None) -> tuple[LinearModel, dict]:
    """The model fitted on every post, its thresholds from leave-one-file-out, and what to record about it."""
    contexts = [context_of(p, in_period) for p in posts]
    gate_rows = [np.array([gates[c](ctx) for ctx in contexts]) for c in categories]
    progress(f"training on {len(posts)} posts from {len({p.source for p in posts})} files")
    held_out = held_out_probabilities(posts, contexts, categories, settings, progress)
    thresholds = choose_thresholds(posts, held_out, categories, rules_fired, gate_rows, settings)
    progress("  fitting on every post")
    vectoriser, classifiers = fit(posts, contexts, categories, settings)
    model = as_model(vectoriser, classifiers, thresholds)
    figures = {}
    for i, category in enumerate(categories):
        by_rules = np.array([category in fired for fired in rules_fired])
        by_model = (held_out[:, i] >= thresholds[i]) & gate_rows[i]
        figures[category] = {"positives": int(sum(category in p.expect for p in posts)),
                             "threshold": thresholds[i],
                             "held_out": {"rules": summary(posts, category, by_rules),
                                          "model": summary(posts, category, by_model),
                                          "both": summary(posts, category, by_rules | by_model)}}
    about = {"trained_on": {"posts": len(posts), "files": sorted({p.source for p in posts}),
                            "corpus_sha256": corpus_digest(posts)},
             "settings": {k: getattr(settings, k) for k in Settings.__dataclass_fields__},
             "categories": figures,
             "note": "held_out figures are leave-one-file-out on the training files (the thresholds were "
                     "chosen on them too); first-sight figures on sealed slices are in tests/sealed/."}
    return model, about
