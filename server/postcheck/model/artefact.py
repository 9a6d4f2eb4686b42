"""The learned model on disk: plain arrays and JSON, no pickles, checked against their hashes at load.

    policy_rules/model/
      model.json        what it is: categories, thresholds, biases, how it was trained and measured,
                        and the SHA-256 of each array file
      vocabulary.json   the feature names, in column order
      idf.npy           float64 (features,)
      weights.npy       float32 (categories, features)
      cards.yaml        what a learned warning says, per category (written by people, see cards.py)

The same model gives the same bytes: JSON with sorted keys, arrays in numpy's own format.
"""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np

from postcheck.model.scorer import LinearModel

FORMAT = 1
ARRAY_FILES = ("idf.npy", "weights.npy")
FILES = ("model.json", "vocabulary.json", *ARRAY_FILES)


class ModelError(ValueError):
    """The model folder cannot be used; the message says why."""


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _json_bytes(data) -> bytes:
    return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def save(model: LinearModel, directory: Path, about: dict) -> list[Path]:
    """Writes the model (and `about`: how it was trained and measured) into `directory`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    vocabulary = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    blobs = {"vocabulary.json": _json_bytes(vocabulary),
             "idf.npy": _npy_bytes(np.ascontiguousarray(model.idf, dtype=np.float64)),
             "weights.npy": _npy_bytes(np.ascontiguousarray(model.weights, dtype=np.float32))}
    meta = {"format": FORMAT, "categories": list(model.categories),
            "bias": [float(b) for b in model.bias], "thresholds": [round(float(t), 4) for t in model.thresholds],
            "sublinear_tf": model.sublinear_tf, "features": len(vocabulary),
            "sha256": {name: hashlib.sha256(blob).hexdigest() for name, blob in blobs.items()},
            "about": about}
    blobs["model.json"] = _json_bytes(meta)
    written = []
    for name, blob in blobs.items():
        path = directory / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(blob)
        tmp.replace(path)  # a running server never reads half a file
        written.append(path)
    return written


def read_meta(directory: Path) -> dict:
    try:
        meta = json.loads((Path(directory) / "model.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError("model/model.json: missing") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"model/model.json: not valid JSON: {exc}") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelError(f"model/model.json: format {meta.get('format') if isinstance(meta, dict) else '?'} "
                         f"is not {FORMAT}: retrain with `postcheck model train`")
    return meta


def load(directory: Path) -> tuple[LinearModel, dict, str]:
    """The model, its model.json, and a short hash of all its files (part of `rules_version`)."""
    directory = Path(directory)
    meta = read_meta(directory)
    digest = hashlib.sha256()
    blobs = {}
    for name in ("vocabulary.json", *ARRAY_FILES):
        try:
            blob = (directory / name).read_bytes()
        except FileNotFoundError:
            raise ModelError(f"model/{name}: missing") from None
        if hashlib.sha256(blob).hexdigest() != meta.get("sha256", {}).get(name):
            raise ModelError(f"model/{name}: does not match the SHA-256 in model.json (a partial copy, "
                             "or files from two trainings): retrain or restore the folder")
        blobs[name] = blob
        digest.update(blob)
    digest.update((directory / "model.json").read_bytes())
    try:
        vocabulary = json.loads(blobs["vocabulary.json"])
        idf = np.load(io.BytesIO(blobs["idf.npy"]), allow_pickle=False)
        weights = np.load(io.BytesIO(blobs["weights.npy"]), allow_pickle=False)
        categories = tuple(meta["categories"])
        bias = np.asarray(meta["bias"], dtype=np.float64)
        thresholds = np.asarray(meta["thresholds"], dtype=np.float64)
    except (KeyError, ValueError, TypeError) as exc:
        raise ModelError(f"model/: unreadable: {exc}") from None
    features, count = len(vocabulary), len(categories)
    if idf.shape != (features,) or weights.shape != (count, features) or bias.shape != (count,) \
            or thresholds.shape != (count,):
        raise ModelError(f"model/: arrays do not fit together ({count} categories, {features} features, "
                         f"weights {weights.shape}, idf {idf.shape})")
    model = LinearModel(categories=categories, vocabulary={name: i for i, name in enumerate(vocabulary)},
                        idf=idf, weights=weights, bias=bias, thresholds=thresholds,
                        sublinear_tf=bool(meta.get("sublinear_tf", True)))
    return model, meta, digest.hexdigest()[:12]
