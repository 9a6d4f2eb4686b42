"""The learned layer as the engine uses it: the model, its cards, and how it was measured.

`load_layer` reads `policy_rules/model/`; every problem is a ModelError with the file it is in, so a
rule pack with a broken or mismatched model is refused whole and the last good one keeps running.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import yaml
from marshmallow import ValidationError

from postcheck.model.artefact import ModelError, load
from postcheck.model.cards import Card, CardFileSchema, CardSchema
from postcheck.model.scorer import LinearModel
from postcheck.yaml_text import load_yaml

MODEL_DIR = "model"
CARDS_FILE = "cards.yaml"
FIRST_SIGHT_FILE = "first_sight.json"


@dataclass(frozen=True, eq=False)
class LearnedLayer:
    model: LinearModel
    cards: Mapping[str, Card]  # by category
    meta: dict  # model.json: how it was trained and its held-out figures
    first_sight: dict  # first_sight.json: its first-sight figures on sealed slices ({} when none)
    version: str  # a short hash of every file, part of `rules_version`

    def summary(self) -> dict:
        """What `GET /api/v1/rules` and the Rules page show of the model: per category, its card, its
        threshold, how many training posts expected it, and its measured figures."""
        about = self.meta.get("about", {})
        figures = about.get("categories", {})
        sight = self.first_sight.get("categories", {})
        categories = []
        for category in self.model.categories:
            card = self.cards[category]
            categories.append({
                "id": card.rule_id, "category": category, "title": card.title, "message": card.message,
                "advice": card.advice, "severity": dict(card.severity), "when": dict(card.when),
                "policy": dict(card.policy), "enabled": card.enabled,
                "threshold": self.model.threshold(category),
                "training_positives": figures.get(category, {}).get("positives"),
                "held_out": figures.get(category, {}).get("held_out"),
                "first_sight": sight.get(category),
                "examples": {"warn": [e["text"] for e in card.examples["warn"]],
                             "pass": [e["text"] for e in card.examples["pass"]]}})
        return {"version": self.version, "trained_on": about.get("trained_on", {}),
                "first_sight": {k: v for k, v in self.first_sight.items() if k != "categories"},
                "categories": categories}


def model_files(rules_dir: Path) -> list[Path]:
    """The files whose change means the model must be reloaded."""
    folder = Path(rules_dir) / MODEL_DIR
    return sorted(p for p in folder.glob("*") if p.suffix in (".json", ".npy", ".yaml")) if folder.is_dir() else []


def read_cards(path: Path) -> dict[str, Card]:
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"model/{CARDS_FILE}: missing (what each learned warning says)") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ModelError(f"model/{CARDS_FILE}: not valid YAML: {exc}") from None
    try:
        cards_raw = CardFileSchema().load(raw or {})["cards"]
    except ValidationError as exc:
        raise ModelError(f"model/{CARDS_FILE}: {exc.messages}") from None
    cards: dict[str, Card] = {}
    problems = []
    for index, raw_card in enumerate(cards_raw, 1):
        try:
            card = Card(**CardSchema().load(raw_card))
        except ValidationError as exc:
            problems.append(f"card {raw_card.get('category', index)}: {exc.messages}")
            continue
        if card.category in cards:
            problems.append(f"card {card.category}: defined twice")
        cards[card.category] = card
    if problems:
        raise ModelError(f"model/{CARDS_FILE}: " + "; ".join(problems))
    return cards


def load_layer(rules_dir: Path) -> LearnedLayer | None:
    """The learned layer of a rule folder, or None when it has no trained model (no `model/model.json`:
    a folder with only cards has not been trained yet, and deleting the model is a deliberate removal)."""
    folder = Path(rules_dir) / MODEL_DIR
    if not (folder / "model.json").exists():
        return None
    model, meta, digest = load(folder)
    cards = read_cards(folder / CARDS_FILE)
    missing = [c for c in model.categories if c not in cards]
    extra = [c for c in cards if c not in model.categories]
    if missing or extra:
        raise ModelError(f"model/{CARDS_FILE}: " + "; ".join(
            [f"no card for the model's category {c}" for c in missing]
            + [f"card {c} has no model: retrain with `postcheck model train`" for c in extra]))
    first_sight = {}
    sight_path = folder / FIRST_SIGHT_FILE
    if sight_path.exists():
        try:
            first_sight = json.loads(sight_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ModelError(f"model/{FIRST_SIGHT_FILE}: not valid JSON: {exc}") from None
    version = hashlib.sha256((digest + (folder / CARDS_FILE).read_text(encoding="utf-8")).encode()).hexdigest()[:12]
    return LearnedLayer(model, cards, meta, first_sight, version)
