"""Scores a post with the learned model: TF-IDF features, one logistic regression per category.

This is the whole of the model at run time, in numpy: `tests/model/test_scorer_equals_trainer.py`
compares it with scikit-learn's own pipeline, which the trainer fits. It also says which words drove
a score over its threshold (`Scored.evidence`), because a warning must say which words did it.

Long posts are read in windows of words, never all at once: the score of a category is its highest
over the windows, and its evidence comes from that window. A deadline (a `time.monotonic()` value)
stops the reading between windows; the answer then says it is not complete.
"""
from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping

import numpy as np

from postcheck.model.features import PIECE_PREFIX, WORD_PREFIX, Context, KeyedWords, pair_feature, word_pieces

# A window is this many words, and the next starts this many words later. Most posts (a tweet is about
# 50 words at most) are read whole, like the posts the model learned from; a longer text is read in
# overlapping pieces of about a post's length, so a risky sentence is read beside few others.
WINDOW_WORDS = 40
WINDOW_STEP = 20
# At most this many words are underlined for one learned warning.
MAX_EVIDENCE_WORDS = 6
# The underlined words carry at least this share of the words' positive weight: without them the score
# falls below the threshold, and they are most of why it was high, not only the last push over it.
EVIDENCE_SHARE = 0.5
# Two underlined words with at most this many filler words between them make one underline.
MAX_FILLER_GAP = 2

_EMPTY = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, eq=False)
class LinearModel:
    """The fitted model as plain arrays (see artefact.py for how it is kept on disk)."""
    categories: tuple[str, ...]
    vocabulary: Mapping[str, int]  # feature name -> column
    idf: np.ndarray  # (features,)
    weights: np.ndarray  # (categories, features)
    bias: np.ndarray  # (categories,)
    thresholds: np.ndarray  # (categories,): a probability at or above it fires the category
    sublinear_tf: bool = True

    @cached_property
    def by_column(self) -> np.ndarray:
        """The weights one row per feature, in float64: a check gathers a few hundred rows, contiguous."""
        return np.ascontiguousarray(self.weights.T, dtype=np.float64)

    @cached_property
    def piece_columns(self) -> dict[str, int]:
        """The columns of the pieces of words, by the piece itself: a distinct word's pieces are then
        looked up without building each feature's name (most of the cost of a text of distinct words)."""
        return {name[len(PIECE_PREFIX):]: column for name, column in self.vocabulary.items()
                if name.startswith(PIECE_PREFIX)}

    def threshold(self, category: str) -> float:
        return float(self.thresholds[self.categories.index(category)])


@dataclass
class _Window:
    first: int  # index of its first word
    columns: np.ndarray  # the distinct feature columns present
    values: np.ndarray  # their TF-IDF values, L2-normalised
    logits: np.ndarray  # (categories,)


@dataclass
class Scored:
    """The model's reading of one post."""
    model: LinearModel
    text_words: KeyedWords
    context: Context
    probabilities: dict[str, float]
    complete: bool  # False when the deadline stopped the reading before the last window
    _best: dict[str, _Window] = field(default_factory=dict, repr=False)
    _columns: dict = field(default_factory=dict, repr=False)

    def fired(self) -> list[str]:
        """The categories whose probability reaches their threshold."""
        return [c for c in self.model.categories if self.probabilities.get(c, 0.0) >= self.model.threshold(c)]

    def evidence(self, category: str) -> list[tuple[int, int]]:
        """The words that pushed `category` over its threshold, as code-point spans, end exclusive.

        Each feature's share of the score (its value times its weight) is shared among the words it came
        from. The words are taken, most telling first, until the score without them falls below the
        threshold and they carry at least EVIDENCE_SHARE of the words' positive weight, and at most
        MAX_EVIDENCE_WORDS. Filler words ("the", "honestly") are never taken on their own: they are
        underlined only between two taken words ("snap his arms").
        """
        window = self._best.get(category)
        if window is None:
            return []
        row = self.model.categories.index(category)
        per_word = self._word_shares(window, row)
        threshold = _logit(self.model.threshold(category))
        remaining = float(window.logits[row])
        positive = sum(share for i, share in per_word.items() if share > 0 and not self.text_words.filler(i))
        taken: list[int] = []
        covered = 0.0
        for i, share_of_word in sorted(per_word.items(), key=lambda item: (-item[1], item[0])):
            if share_of_word <= 0 or len(taken) == MAX_EVIDENCE_WORDS:
                break
            if remaining < threshold and covered >= EVIDENCE_SHARE * positive:
                break
            if self.text_words.filler(i):
                continue
            taken.append(i)
            remaining -= share_of_word
            covered += share_of_word
        return self._spans(sorted(taken))

    def _spans(self, taken: list[int]) -> list[tuple[int, int]]:
        spans: list[list[int]] = []
        previous = None
        for i in taken:
            start, end = self.text_words.span(i)
            between = range(previous + 1, i) if previous is not None else None
            if between is not None and len(between) <= MAX_FILLER_GAP and all(self.text_words.filler(j) for j in between):
                spans[-1][1] = end
            else:
                spans.append([start, end])
            previous = i
        return [(s, e) for s, e in spans]

    def _word_shares(self, window: _Window, row: int) -> dict[int, float]:
        """Each word's share of the window's score for one category: a feature's value times its weight,
        shared among the feature's occurrences and, for a pair of words, between the two."""
        share = dict(zip(window.columns.tolist(), (window.values * self.model.weights[row, window.columns]).tolist()))
        located: list[tuple[int, tuple[int, ...]]] = []
        for i in range(window.first, min(len(self.text_words), window.first + WINDOW_WORDS)):
            located += [(column, (i,)) for column in _columns_of(self.model, self.text_words.keys[i], self._columns).tolist()]
            if i > window.first:
                pair = _pair_column(self.model, self.text_words.keys[i - 1], self.text_words.keys[i], self._columns)
                if pair is not None:
                    located.append((pair, (i - 1, i)))
        occurrences = Counter(column for column, _ in located)
        per_word: dict[int, float] = defaultdict(float)
        for column, where in located:
            part = share[column] / occurrences[column] / len(where)
            for i in where:
                per_word[i] += part
        return per_word


def _logit(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))


def _columns_of(model: LinearModel, key: str, cache: dict) -> np.ndarray:
    """The columns of a word's own features; worked out once per distinct word in a post."""
    columns = cache.get(key)
    if columns is None:
        # The same features as word_features(key), looked up by piece (LinearModel.piece_columns).
        found = [column for column in map(model.piece_columns.get, word_pieces(key)) if column is not None]
        word = model.vocabulary.get(WORD_PREFIX + key)
        if word is not None:
            found.append(word)
        columns = cache[key] = np.array(found, dtype=np.int64) if found else _EMPTY
    return columns


def _window(model: LinearModel, text_words: KeyedWords, first: int, context_columns: list[int],
            cache: dict) -> _Window:
    last = min(len(text_words), first + WINDOW_WORDS)
    parts = [np.array(context_columns, dtype=np.int64)]
    pairs = []
    for i in range(first, last):
        parts.append(_columns_of(model, text_words.keys[i], cache))
        if i > first:
            pair = _pair_column(model, text_words.keys[i - 1], text_words.keys[i], cache)
            if pair is not None:
                pairs.append(pair)
    parts.append(np.array(pairs, dtype=np.int64))
    columns, counts = np.unique(np.concatenate(parts), return_counts=True)
    tf = 1.0 + np.log(counts) if model.sublinear_tf else counts.astype(np.float64)
    values = tf * model.idf[columns]
    norm = float(np.sqrt(values @ values))
    if norm > 0:
        values = values / norm
    logits = model.bias + values @ model.by_column[columns]
    return _Window(first, columns, values, logits)


def _pair_column(model: LinearModel, first: str, second: str, cache: dict) -> int | None:
    key = (first, second)
    if key not in cache:
        cache[key] = model.vocabulary.get(pair_feature(first, second))
    return cache[key]


def _chunk_logits(model: LinearModel, text_words: KeyedWords, starts: list[int], context_columns: list[int],
                  cache: dict) -> np.ndarray:
    """The logits of many windows at once, (windows, categories): the same sums as `_window`, for a
    long text, without a Python pass per window. Each feature occurrence (a word's own features at its
    place, a pair at its second word) is entered once for every window that holds it whole, and the
    (window, column) pairs are counted in one sort."""
    first, count = starts[0], len(starts)
    last = min(len(text_words), starts[-1] + WINDOW_WORDS)
    arrays = [_columns_of(model, text_words.keys[i], cache) for i in range(first, last)]
    lengths = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
    word_at = np.repeat(np.arange(first, last, dtype=np.int64), lengths)
    pair_at, pair_columns = [], []
    for i in range(first + 1, last):
        column = _pair_column(model, text_words.keys[i - 1], text_words.keys[i], cache)
        if column is not None:
            pair_at.append(i)
            pair_columns.append(column)
    pair_at = np.array(pair_at, dtype=np.int64)
    columns = np.concatenate(arrays + [np.array(pair_columns, dtype=np.int64)])
    lowest = np.concatenate([word_at, pair_at - 1])  # the first and last word each occurrence needs
    highest = np.concatenate([word_at, pair_at])
    windows, held = [], []
    for back in range(WINDOW_WORDS // WINDOW_STEP + 1):
        window = (lowest - first) // WINDOW_STEP - back
        fits = (window >= 0) & (window < count) & (highest < first + window * WINDOW_STEP + WINDOW_WORDS)
        windows.append(window[fits])
        held.append(columns[fits])
    context = np.array(context_columns, dtype=np.int64)
    windows.append(np.repeat(np.arange(count, dtype=np.int64), len(context)))
    held.append(np.tile(context, count))
    width = len(model.idf)
    keys, counts = np.unique(np.concatenate(windows) * width + np.concatenate(held), return_counts=True)
    window_of, column_of = keys // width, keys % width
    tf = 1.0 + np.log(counts) if model.sublinear_tf else counts.astype(np.float64)
    values = tf * model.idf[column_of]
    norms = np.sqrt(np.bincount(window_of, values * values, minlength=count))
    values = values / np.where(norms > 0, norms, 1.0)[window_of]
    weighted = model.by_column[column_of] * values[:, None]
    # The keys are sorted, so each window's entries are one run: summed per run (an empty run adds 0).
    starts_of = np.searchsorted(window_of, np.arange(count))
    sums = np.add.reduceat(weighted, np.minimum(starts_of, len(weighted) - 1), axis=0) if len(weighted) else \
        np.zeros((count, len(model.categories)))
    empty = starts_of == np.append(starts_of[1:], len(weighted))
    sums[empty] = 0.0
    return model.bias + sums


# A long text is read this many windows at a time between looks at the deadline.
CHUNK_WINDOWS = 64


def _distinct_window_runs(text_words: KeyedWords) -> list[list[int]]:
    """The starts of the windows to read, in runs of consecutive windows of at most CHUNK_WINDOWS.

    A window holding the same words as an earlier one has the same scores, so only the first is read:
    a text that repeats itself (padding, or a hostile run of one word) costs what its distinct
    windows cost. The first of equal windows is the one kept, as when every window was read."""
    ids: dict[str, int] = {}
    sequence = [ids.setdefault(key, len(ids)) for key in text_words.keys]
    seen: set[tuple[int, ...]] = set()
    runs: list[list[int]] = []
    previous = None
    for start in range(0, len(text_words) - WINDOW_WORDS + WINDOW_STEP, WINDOW_STEP):
        window = tuple(sequence[start:start + WINDOW_WORDS])
        if window in seen:
            continue
        seen.add(window)
        if previous is not None and start == previous + WINDOW_STEP and len(runs[-1]) < CHUNK_WINDOWS:
            runs[-1].append(start)
        else:
            runs.append([start])
        previous = start
    return runs


def score(model: LinearModel, text: str, context: Context, deadline: float | None = None) -> Scored:
    """The probability of each category for `text` in `context`, read window by window until `deadline`."""
    text_words = KeyedWords(text)
    context_columns = [model.vocabulary[f] for f in context.features() if f in model.vocabulary]
    cache: dict = {}
    best: dict[str, _Window] = {}
    complete = True
    if len(text_words) <= WINDOW_WORDS:  # a post: one window, read whole
        window = _window(model, text_words, 0, context_columns, cache)
        top = window.logits
        best = {c: window for c in model.categories}
    else:
        top = np.full(len(model.categories), -np.inf)
        best_start = np.zeros(len(model.categories), dtype=np.int64)
        for n, chunk in enumerate(_distinct_window_runs(text_words)):
            if n and deadline is not None and time.monotonic() > deadline:
                complete = False
                break
            logits = _chunk_logits(model, text_words, chunk, context_columns, cache)
            row = logits.argmax(axis=0)  # the first best window of the chunk, per category
            chunk_top = logits[row, np.arange(len(model.categories))]
            better = chunk_top > top
            best_start = np.where(better, np.asarray(chunk)[row], best_start)
            top = np.where(better, chunk_top, top)
        # Each category's best window is read once more, alone, for its evidence.
        windows: dict[int, _Window] = {}
        for i, category in enumerate(model.categories):
            first = int(best_start[i])
            if first not in windows:
                windows[first] = _window(model, text_words, first, context_columns, cache)
            best[category] = windows[first]
    probabilities = {c: float(1.0 / (1.0 + math.exp(-top[i]))) for i, c in enumerate(model.categories)}
    return Scored(model, text_words, context, probabilities, complete, best, cache)
