"""Compiles validated rule files into an immutable RuleSet that checks can share across threads."""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Mapping

import regex

from postcheck.engine import matchers as m
from postcheck.engine.detectors import build_detectors
from postcheck.engine.literal_scan import LiteralScanner
from postcheck.engine.organisation import Organisation
from postcheck.engine.pattern_gate import PatternGate
from postcheck.engine.prefilter import combine_alternatives
from postcheck.engine.schema import UNDERLINE, applies_when

# A reload (a comms officer's edit, or any roster change, which reloads the whole pack) compiles the
# same ~1,000 patterns again; the regex module's own cache holds 500 and is cleared when full, so it
# kept none of them. Compiled patterns are immutable and safe to share between packs and threads.
_compile = functools.lru_cache(maxsize=2048)(regex.compile)
# A group that repeats something which itself repeats, e.g. (a+)+ or (\w+\s?)*: the classic shape of
# catastrophic backtracking. Rule patterns of that shape are refused at load.
_NESTED_QUANTIFIER = regex.compile(r"\((?:\?:)?[^()]*(?<!\\)[+*][^()]*\)(?:[+*]|\{\d*,\})")


class RuleCompileError(ValueError):
    pass


@dataclass(frozen=True, eq=False)
class CompiledRule:
    id: str
    category: str
    severity: Mapping[str, str]
    title: str
    message: str
    advice: str
    policy: Mapping[str, str]
    when: Mapping[str, Any]
    whole_post: bool
    enabled: bool
    match: m.Matcher
    except_: m.Matcher | None
    unless: m.Matcher | None
    fix: Mapping[str, str] | None
    examples: Mapping[str, list]
    source: str
    # Sets of literals: a text must contain one literal of each set for `match` to find anything (None:
    # nothing is known). A rule missing any of them is skipped without walking its tree.
    needs: tuple[frozenset[str], ...] | None = None
    # The same in gated patterns' ids: the rule cannot fire unless one pattern of each set may match.
    gates: tuple[frozenset[int], ...] | None = None
    # `except` and `unless` as written (None when absent), for the Rules page to say them in words.
    written: Mapping[str, Any] = field(default_factory=dict)

    def applies(self, account: str, reply: bool, election_active: bool, profile_disclaimer: bool) -> bool:
        return applies_when(self.when, account, reply, election_active, profile_disclaimer)

    def summary(self) -> dict:
        """What `GET /api/v1/rules` shows: everything but the patterns."""
        return {"id": self.id, "category": self.category, "severity": dict(self.severity), "title": self.title,
                "message": self.message, "advice": self.advice, "policy": dict(self.policy),
                "enabled": self.enabled, "when": dict(self.when), "source": self.source,
                "examples": {"warn": [e["text"] for e in self.examples["warn"]],
                             "pass": [e["text"] for e in self.examples["pass"]]}}


@dataclass(frozen=True, eq=False)
class RuleSet:
    rules: tuple[CompiledRule, ...]
    organisation: Organisation
    version: str
    lexicon_names: frozenset[str] = field(default_factory=frozenset)
    # Finds every rule's and pattern's literals in one pass per check (literal_scan.py).
    literals: LiteralScanner = field(default_factory=LiteralScanner)
    # Says which patterns may match, in one pass per check (pattern_gate.py).
    gate: PatternGate = field(default_factory=PatternGate)
    # The learned model and its cards (postcheck.model.layer.LearnedLayer), or None for rules alone.
    learned: Any = None

    # The enabled rules that apply in each context, worked out once per context (there are 16).
    _applicable: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def category_of(self, rule_id: str) -> str | None:
        """The category of a rule in force, or of a learned warning (`model.<category>`) of the model in force."""
        rule = self.rule(rule_id)
        if rule is not None:
            return rule.category
        if self.learned is not None and rule_id.startswith("model."):
            card = self.learned.cards.get(rule_id.removeprefix("model."))
            return card.category if card is not None else None
        return None

    def rule(self, rule_id: str) -> CompiledRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def applicable(self, account: str, reply: bool, election_active: bool,
                   profile_disclaimer: bool) -> tuple[CompiledRule, ...]:
        key = (account, bool(reply), bool(election_active), bool(profile_disclaimer))
        rules = self._applicable.get(key)
        if rules is None:
            rules = self._applicable[key] = tuple(r for r in self.rules if r.enabled and r.applies(*key))
        return rules


class _Compiler:
    def __init__(self, lexicons: Mapping[str, tuple[list[str], bool]], organisation: Organisation):
        self.lexicons = lexicons
        self.detectors = build_detectors(organisation)
        self._shared: dict[object, m.Matcher] = {}
        self.word_index = m.CombinedIndex()  # every plain word list of the rule set, looked up together
        self.literals = LiteralScanner()       # every literal of the rule set, found together
        self.gate = PatternGate()              # every pattern of the rule set, tried together

    def _scanned(self, matcher: m.Matcher) -> m.Matcher:
        """Hands a leaf's literals to the rule set's scanner and its pattern to the gate, so one pass
        of each serves every rule."""
        if isinstance(matcher, m.RegexMatcher):
            if matcher.clauses is not None:
                for clause in matcher.clauses:
                    self.literals.add(clause)
                matcher.scanner = self.literals
            # Bounded patterns can run in windows around where the gate sees matches end.
            matcher.gate_id = self.gate.add(matcher.compiled.pattern, locate=matcher.reach is not None)
            if matcher.gate_id is not None:
                matcher.gate = self.gate
        elif isinstance(matcher, m.WordListMatcher):
            if matcher.literals is not None:
                self.literals.add(matcher.literals)
            if matcher.residual is not None:
                self._scanned(matcher.residual)
        return matcher

    def node(self, node: Mapping, where: str) -> m.Matcher:
        # Identical sub-trees, in one rule or across rules, compile once and so run once per text.
        key = json.dumps(node, sort_keys=True)
        if key not in self._shared:
            self._shared[key] = self._build(node, where)
        return self._shared[key]

    def _build(self, node: Mapping, where: str) -> m.Matcher:
        if "words" in node:
            return self._words(tuple(node["words"]), bool(node.get("obfuscated", False)))
        if "lexicon" in node:
            words: list[str] = []
            obfuscated = node.get("obfuscated")
            for name in node["lexicon"]:
                if name not in self.lexicons:
                    raise RuleCompileError(f"{where}: no lexicon named '{name}' (known: {', '.join(sorted(self.lexicons))})")
                entries, lex_obfuscated = self.lexicons[name]
                words.extend(entries)
                obfuscated = lex_obfuscated if obfuscated is None else obfuscated
            return self._words(tuple(words), bool(obfuscated))
        if "pattern" in node:
            flags = 0 if node.get("case_sensitive") else regex.IGNORECASE
            sources = []
            for pattern in node["pattern"]:
                if _NESTED_QUANTIFIER.search(pattern):
                    raise RuleCompileError(f"{where}: pattern {pattern!r} repeats a repetition (like (a+)+), which can take "
                                           "forever on some texts; rewrite it without the nested repeat")
                try:
                    _compile(pattern, flags)
                except regex.error as exc:
                    raise RuleCompileError(f"{where}: pattern {pattern!r} is not a valid regular expression: {exc}") from None
                sources.append(f"(?:{pattern})")
            group = node.get("group", 0)
            compiled = _compile("|".join(sources), flags)
            if group and group not in compiled.groupindex:
                raise RuleCompileError(f"{where}: pattern has no group named '{group}'")
            return self._scanned(m.RegexMatcher(compiled, group))
        if "detector" in node:
            name = node["detector"]
            if name not in self.detectors:
                raise RuleCompileError(f"{where}: no detector named '{name}' (known: {', '.join(sorted(self.detectors))})")
            return m.FunctionMatcher(name, self.detectors[name])
        if "near" in node:
            first, second = (self.node(_bare(s), f"{where}.near[{i}]") for i, s in enumerate(node["near"]))
            return m.NearMatcher(first, second, node["within"], bool(node.get("ordered", False)),
                                 underline=_underlined_parts(node["near"]))
        if "any" in node:
            return m.AnyMatcher(tuple(self.node(c, f"{where}.any[{i}]") for i, c in enumerate(node["any"])))
        if "all" in node:
            return m.AllMatcher(tuple(self.node(_bare(c), f"{where}.all[{i}]") for i, c in enumerate(node["all"])),
                                underline=_underlined_parts(node["all"]))
        if "not" in node:
            return m.NotMatcher(self.node(node["not"], f"{where}.not"))
        raise RuleCompileError(f"{where}: unknown matcher")  # the schema makes this unreachable

    def _words(self, words: tuple[str, ...], obfuscated: bool) -> m.Matcher:
        # The same list used by several rules compiles once, and its result is cached per text.
        key = (words, obfuscated)
        if key not in self._shared:
            if obfuscated:  # disguised spellings need the regular expression's character classes
                self._shared[key] = self._scanned(m.RegexMatcher(m.compile_words(words, obfuscated),
                                                                 literals=m.word_literals(words, obfuscated)))
            else:
                self._shared[key] = self._scanned(m.build_word_list(words, self.word_index))
        return self._shared[key]


def _bare(part: Mapping) -> Mapping:
    """A part of a `near` or an `all` without its `underline`: whether it is underlined is its parent's
    business, so the same matcher serves both (and is shared with every other use of it)."""
    return {k: v for k, v in part.items() if k != UNDERLINE}


def _underlined_parts(parts: list) -> tuple[bool, ...]:
    return tuple(part.get(UNDERLINE, True) for part in parts)


def _requirements(matcher: m.Matcher, leaf) -> tuple[frozenset, ...] | None:
    """Sets such that a text must hold one member of each set for the matcher to find anything, or
    None when nothing is known; `leaf` gives a leaf's own sets."""
    if isinstance(matcher, (m.RegexMatcher, m.WordListMatcher)):
        return leaf(matcher)
    if isinstance(matcher, m.AnyMatcher):  # any child may match: one requirement of each, together
        needs = [_requirements(child, leaf) for child in matcher.children]
        if not needs or any(n is None for n in needs):
            return None
        return tuple(dict.fromkeys(combine_alternatives([list(n) for n in needs])))
    if isinstance(matcher, (m.AllMatcher, m.NearMatcher)):  # every child must match: all their requirements
        children = matcher.children if isinstance(matcher, m.AllMatcher) else (matcher.first, matcher.second)
        clauses = [c for n in (_requirements(child, leaf) for child in children) if n is not None for c in n]
        return tuple(dict.fromkeys(clauses)) or None
    return None  # detectors, `not`


def _literals_needed(matcher: m.Matcher) -> tuple[frozenset[str], ...] | None:
    """The literals a leaf cannot match without (the literal scanner finds them)."""
    if isinstance(matcher, m.RegexMatcher):
        return matcher.clauses if matcher.scanner is not None else None
    return (frozenset(matcher.literals),) if matcher.literals is not None else None


def _gates_needed(matcher: m.Matcher) -> tuple[frozenset[int], ...] | None:
    """The gated pattern a leaf cannot match without (the pattern gate says which may match)."""
    return (frozenset([matcher.gate_id]),) if matcher.gate is not None else None


def _fill(text: str, values: Mapping[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def compile_rule_set(rules: list[dict], lexicons: Mapping[str, tuple[list[str], bool]],
                     organisation: Organisation, fingerprint: str) -> RuleSet:
    """Builds the RuleSet; raises RuleCompileError naming the file and rule at the first problem."""
    all_lexicons = dict(lexicons)
    for name, words in organisation.lexicons().items():
        all_lexicons[name] = (words, False)
    compiler = _Compiler(all_lexicons, organisation)
    values = organisation.template_values()
    compiled = []
    for rule in rules:
        where = f"{rule['_source']}: rule {rule['id']}"
        fix = {k: _fill(v, values) for k, v in rule["fix"].items()} if rule.get("fix") else None
        match = compiler.node(rule["match"], f"{where}: match")
        compiled.append(CompiledRule(
            id=rule["id"], category=rule["category"], severity=rule["severity"],
            title=_fill(rule["title"], values), message=_fill(rule["message"], values),
            advice=_fill(rule["advice"], values), policy=rule["policy"], when=rule["when"],
            whole_post=rule["whole_post"], enabled=rule["enabled"],
            match=match, needs=_requirements(match, _literals_needed),
            gates=_requirements(match, _gates_needed),
            except_=compiler.node(rule["except_"], f"{where}: except") if rule.get("except_") else None,
            unless=compiler.node(rule["unless"], f"{where}: unless") if rule.get("unless") else None,
            fix=fix, examples=rule["examples"], source=rule["_source"],
            written={"except": rule.get("except_"), "unless": rule.get("unless")},
        ))
    version = hashlib.sha256(fingerprint.encode()).hexdigest()[:12]
    compiler.literals.add(compiler.word_index.prefix_literals())
    compiler.word_index.scanner = compiler.literals
    compiler.literals.freeze()
    compiler.gate.freeze()
    return RuleSet(tuple(compiled), organisation, version, frozenset(all_lexicons), compiler.literals, compiler.gate)
