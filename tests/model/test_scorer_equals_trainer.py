"""The numpy scorer a server runs gives scikit-learn's own probabilities for the model the trainer fits."""
import numpy as np
import pytest

pytest.importorskip("sklearn", reason="the trainer needs scikit-learn: pip install -e '.[test]'")

from postcheck.engine.schema import CATEGORIES  # noqa: E402
from postcheck.model.features import Context, words  # noqa: E402
from postcheck.model.scorer import WINDOW_WORDS, score  # noqa: E402
from postcheck.model.train import as_model, fit, predict  # noqa: E402


def contexts_of(posts):
    return [Context(p.account, p.reply, p.at.startswith("2026-04")) for p in posts]


def test_scorer_gives_scikit_learns_probabilities(small_corpus):
    sources = sorted({p.source for p in small_corpus})
    train = [p for p in small_corpus if p.source != sources[-1]]
    unseen = [p for p in small_corpus if p.source == sources[-1] and len(words(p.text)) <= WINDOW_WORDS]
    vectoriser, classifiers = fit(train, contexts_of(train), CATEGORIES)
    model = as_model(vectoriser, classifiers, [0.5] * len(CATEGORIES))
    expected = predict(vectoriser, classifiers, unseen, contexts_of(unseen))
    got = np.array([[score(model, p.text, c).probabilities[cat] for cat in CATEGORIES]
                    for p, c in zip(unseen, contexts_of(unseen))])
    assert len(unseen) > 50
    # The weights are kept as float32: agreement to 1e-5 in probability.
    np.testing.assert_allclose(got, expected, atol=1e-5)
    # And the comparison can fail: a scorer that skipped the word pairs would not agree.
    assert np.abs(got - expected).max() < 1e-5 < np.abs(got - 0.5).max()


def test_context_features_take_part(small_corpus):
    vectoriser, classifiers = fit(small_corpus, contexts_of(small_corpus), CATEGORIES)
    model = as_model(vectoriser, classifiers, [0.5] * len(CATEGORIES))
    text = "Our new leisure centre opens on Saturday"
    personal = score(model, text, Context("personal")).probabilities
    council = score(model, text, Context("council")).probabilities
    assert personal != council
