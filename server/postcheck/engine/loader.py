"""Reads a `policy_rules/` folder into a RuleSet.

Layout: `organisation.yaml` (the organisation's own facts), `roster.yaml` (default political roster:
parties, slogans, roles), `lexicons/*.yaml` (named word lists), `rules/*.yaml` (rules, one file per part
of the policy). Every problem found is reported at once, each with its file and rule id, so a comms
officer can fix a broken edit in one pass.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Mapping

import yaml
from marshmallow import ValidationError

from postcheck.engine.organisation import Organisation
from postcheck.engine.ruleset import RuleCompileError, RuleSet, compile_rule_set
from postcheck.engine.schema import LexiconSchema, OrganisationSchema, RuleFileSchema, RuleSchema
from postcheck.model.artefact import ModelError
from postcheck.model.layer import load_layer, model_files
from postcheck.yaml_text import load_yaml


class RulePackError(ValueError):
    """The rule folder cannot be used; `problems` lists each problem with its file and rule."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _text_files(directory: Path) -> list[Path]:
    """The rules' own files, read as text into the rules' fingerprint (the model hashes its own)."""
    directory = Path(directory)
    files = [directory / "organisation.yaml", directory / "roster.yaml"]
    files += sorted((directory / "lexicons").glob("*.yaml")) + sorted((directory / "rules").glob("*.yaml"))
    return [f for f in files if f.exists()]


def rule_files(directory: Path) -> list[Path]:
    """Every file whose change means the rules must be reloaded: the rules' and the learned model's."""
    return _text_files(directory) + model_files(directory)


def _flatten(messages, prefix="") -> list[str]:
    """marshmallow's nested error dict as readable lines: `policy.quote: Missing data for required field.`"""
    if isinstance(messages, dict):
        out = []
        for key, value in messages.items():
            out += _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(messages, list) and all(isinstance(v, str) for v in messages):
        return [f"{prefix}: {' '.join(messages)}" if prefix else " ".join(messages)]
    if isinstance(messages, list):
        return [line for v in messages for line in _flatten(v, prefix)]
    return [f"{prefix}: {messages}"]


def _read_yaml(path: Path, problems: list[str], name: str | None = None):
    """A YAML file's data, or None with the problem noted. An empty file, or one that does not end with
    a line break, is a problem too: that is what a file cut short looks like (an editor still saving, a
    full disk), and reading it as "no rules" silently dropped every rule in it. A file meant to hold no
    rules says so: `rules: []`."""
    name = name or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(f"{name}: not valid YAML: {exc}")
        return None
    if not text.strip():
        problems.append(f"{name}: the file is empty (cut short by an editor or a full disk?). "
                        f"A file meant to hold no rules says `rules: []`; to remove its rules, delete the file")
        return None
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        problems.append(f"{name}: not valid YAML: {exc}")
        return None
    if not text.endswith("\n"):
        problems.append(f"{name}: the file does not end with a line break, so it may have been cut short "
                        f"(an editor still saving, a full disk); check its end and save it again")
        return None
    return data


def load_roster_lexicons(data) -> dict[str, list[str]]:
    """The roster's word lists: parties (names, aliases), their slogans and hashtags, roles, people."""
    data = data or {}
    parties, slogans = [], []
    for party in data.get("parties", []) or []:
        parties += [party["name"], *party.get("aliases", [])]
        slogans += party.get("slogans", []) + party.get("hashtags", [])
    people = []
    for person in data.get("people", []) or []:
        people += [person["name"], *person.get("aliases", []), *person.get("handles", [])]
    return {"roster.parties": parties, "roster.slogans": slogans, "roster.roles": list(data.get("roles", []) or []),
            "roster.people": people}


def load_rule_pack(directory: str | Path, roster_lexicons: Mapping[str, list[str]] | None = None, *,
                   learned: bool = True) -> RuleSet:
    """Loads, validates and compiles the folder. `roster_lexicons` (from the database) replaces the roster
    file's lists when given. With `learned` (the default) the folder's learned model comes too; the
    trainer asks for the rules alone."""
    directory = Path(directory)
    problems: list[str] = []
    if not directory.is_dir():
        raise RulePackError([f"{directory}: no such rules folder"])
    contents = []
    for path in _text_files(directory):
        contents.append(f"{path.relative_to(directory)}\n{path.read_text(encoding='utf-8', errors='replace')}")

    org_path = directory / "organisation.yaml"
    organisation = None
    if not org_path.exists():
        problems.append("organisation.yaml: missing (the organisation's name, handles and published contacts)")
    else:
        raw = _read_yaml(org_path, problems)
        try:
            data = OrganisationSchema().load(raw or {})
            organisation = Organisation(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
        except ValidationError as exc:
            problems += [f"organisation.yaml: {line}" for line in _flatten(exc.messages)]

    lexicons: dict[str, tuple[list[str], bool]] = {}
    for path in sorted((directory / "lexicons").glob("*.yaml")):
        raw = _read_yaml(path, problems, f"lexicons/{path.name}")
        if raw is None:
            continue
        try:
            lex = LexiconSchema().load(raw)
        except ValidationError as exc:
            problems += [f"lexicons/{path.name}: {line}" for line in _flatten(exc.messages)]
            continue
        if lex["name"] in lexicons:
            problems.append(f"lexicons/{path.name}: lexicon '{lex['name']}' is defined twice")
        lexicons[lex["name"]] = (lex["words"], lex["obfuscated"])

    roster_path = directory / "roster.yaml"
    roster = dict(load_roster_lexicons(_read_yaml(roster_path, problems) if roster_path.exists() else None))
    if roster_lexicons:
        roster.update(roster_lexicons)
        contents.append("roster from the database\n" + json.dumps(roster, sort_keys=True))
    for name, words in roster.items():
        lexicons[name] = (words, False)

    rules: list[dict] = []
    seen: dict[str, str] = {}
    for path in sorted((directory / "rules").glob("*.yaml")):
        name = f"rules/{path.name}"
        raw = _read_yaml(path, problems, name)
        if raw is None:
            continue
        try:
            file_data = RuleFileSchema().load(raw)
        except ValidationError as exc:
            problems += [f"{name}: {line}" for line in _flatten(exc.messages)]
            continue
        for index, raw_rule in enumerate(file_data["rules"]):
            rule_id = raw_rule.get("id", f"#{index + 1}") if isinstance(raw_rule, dict) else f"#{index + 1}"
            try:
                rule = RuleSchema().load(raw_rule)
            except ValidationError as exc:
                problems += [f"{name}: rule {rule_id}: {line}" for line in _flatten(exc.messages)]
                continue
            if rule["id"] in seen:
                problems.append(f"{name}: rule {rule['id']}: id already used in {seen[rule['id']]}")
                continue
            seen[rule["id"]] = name
            rule["_source"] = name
            rules.append(rule)
    if not rules and not problems:
        problems.append("rules/: no rules found")
    layer = None
    if learned:
        try:
            layer = load_layer(directory)
        except ModelError as exc:
            problems.append(str(exc))
        except OSError as exc:
            problems.append(f"model/: could not be read: {exc.strerror}")
    if problems or organisation is None:
        raise RulePackError(problems)
    try:
        ruleset = compile_rule_set(rules, lexicons, organisation, "\n".join(contents))
    except RuleCompileError as exc:
        raise RulePackError([str(exc)]) from None
    if layer is None:
        return ruleset
    # The model's own hash joins the rules' in the version, so a retrained model changes `rules_version`.
    version = hashlib.sha256(f"{ruleset.version}.{layer.version}".encode()).hexdigest()[:12]
    return dataclasses.replace(ruleset, version=version, learned=layer)
