"""Where a rule applies, in the words a comms officer would use: "Only on personal accounts, not in
replies", "Serious on council channels, moderate on personal accounts", "Not when the post says
“views my own” or the like". Pure functions of a rule's (or learned card's) fields, no Flask: the Rules
page only shows what `describe` returns."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

# The extension's dialog calls high, medium and low warnings serious, moderate and minor.
SEVERITY_WORDS = {"high": "Serious", "medium": "Moderate", "low": "Minor"}
ACCOUNT_WORDS = {"personal": "personal accounts", "council": "council channels"}
# Council channels first: the order the page says a split severity in.
ACCOUNT_ORDER = ("council", "personal")
CATEGORY_NAMES = {
    "election": "Elections", "politics-religion": "Politics and religion",
    "disclaimer": "Saying views are your own", "offensive": "Offensive language", "violent": "Violent language",
    "harassment": "Bullying and harassment", "confidential": "Confidential information",
    "personal-data": "Personal data", "speaking-for-council": "Speaking for the council",
    "prejudice-decision": "Prejudging a decision", "personal-gain": "Personal gain",
    "disrepute": "Bringing the council into disrepute", "picking-fights": "Picking fights",
}
# How many of an `unless` or `except` list's phrases the page quotes before "or the like".
QUOTED = 3


@dataclass(frozen=True)
class SeverityPart:
    level: str  # high, medium or low: the colour of its label
    word: str   # Serious, Moderate or Minor
    where: str  # "on council channels", or "" when one severity holds everywhere


@dataclass(frozen=True)
class Conditions:
    applies: str                       # "Only on personal accounts, not in replies"
    severity: tuple[SeverityPart, ...]
    severity_text: str                 # "Serious on council channels, moderate on personal accounts"
    notes: tuple[str, ...]             # whole-post, `unless` and `except`, one sentence each

    @property
    def text(self) -> str:
        """Everything in one line, as a screen reader or a test reads it."""
        return " · ".join((self.severity_text, self.applies, *self.notes))


def category_name(category: str) -> str:
    return CATEGORY_NAMES.get(category, category.replace("-", " ").capitalize())


def severity_parts(severity: Mapping[str, str]) -> tuple[SeverityPart, ...]:
    levels = {severity[a] for a in ACCOUNT_ORDER if a in severity}
    if len(levels) == 1:
        level = levels.pop()
        return (SeverityPart(level, SEVERITY_WORDS[level], ""),)
    return tuple(SeverityPart(severity[a], SEVERITY_WORDS[severity[a]], f"on {ACCOUNT_WORDS[a]}")
                 for a in ACCOUNT_ORDER if a in severity)


def severity_in_words(severity: Mapping[str, str]) -> str:
    parts = severity_parts(severity)
    text = ", ".join(f"{p.word.lower()} {p.where}".strip() for p in parts)
    return text[:1].upper() + text[1:]


def when_in_words(when: Mapping[str, Any]) -> str:
    """A rule's `when` (a missing key means either) as one sentence."""
    account = ACCOUNT_WORDS.get(when.get("account"))
    reply, election, disclaimer = when.get("reply"), when.get("election"), when.get("profile_disclaimer")
    only, never = [], []
    if reply is True:
        only.append(f"in replies from {account}" if account else "in replies")
    elif account:
        only.append(f"on {account}")
    if disclaimer is True:
        only.append("when the profile says views are the author's own")
    elif disclaimer is False:
        only.append("when the profile does not say views are the author's own")
    if election is True:
        only.append("during a pre-election period")
    if reply is False:
        never.append("in replies")
    if election is False:
        never.append("during a pre-election period")
    parts = []
    if only:
        parts.append("only " + ", ".join(only))
    if never:
        parts.append("not " + " or ".join(never))
    if not parts:
        return "On every post, from any account, at any time"
    text = ", ".join(parts)
    return text[0].upper() + text[1:]


def _phrases(node: Any) -> tuple[list[str], int]:
    """The word-list phrases of an `unless` or `except` tree, and how many parts are not plain words
    (patterns, lexicons) and so cannot be quoted."""
    if not isinstance(node, Mapping):
        return [], 0
    if "words" in node:
        words = node["words"]
        return [w.rstrip("*").strip() for w in ([words] if isinstance(words, str) else words)], 0
    for kind in ("any", "all", "near"):
        if kind in node:
            phrases, other = [], 0
            for child in node[kind]:
                more, unquoted = _phrases(child)
                phrases += [p for p in more if p not in phrases]
                other += unquoted
            return phrases, other
    if "not" in node:
        return [], 1
    return [], 1


def _quoted(phrases: list[str], other: int, joiner: str) -> str:
    shown = [f"“{p}”" for p in phrases[:QUOTED]]
    text = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" {joiner} " + shown[-1]
    return text + (" or the like" if len(phrases) > QUOTED or other else "")


def unless_in_words(node: Any) -> str:
    """`unless`: the whole post is let off when it says one of these."""
    phrases, other = _phrases(node)
    if not phrases:
        return "Not when the post says something the rule lets off (see its file for the wording)"
    return f"Not when the post says {_quoted(phrases, other, 'or')}"


def except_in_words(node: Any) -> str:
    """`except`: words found inside one of these phrases do not count."""
    phrases, other = _phrases(node)
    if not phrases:
        return "Except in some harmless phrases (see its file for the wording)"
    return f"Except in phrases such as {_quoted(phrases, other, 'and')}"


def describe(when: Mapping[str, Any], severity: Mapping[str, str], *, whole_post: bool = False,
             unless: Any = None, except_: Any = None) -> Conditions:
    """A rule's or learned card's conditions in words."""
    notes = []
    if whole_post:
        notes.append("Reads the post as a whole, so no words are underlined")
    if unless:
        notes.append(unless_in_words(unless))
    if except_:
        notes.append(except_in_words(except_))
    return Conditions(when_in_words(when), severity_parts(severity), severity_in_words(severity), tuple(notes))
