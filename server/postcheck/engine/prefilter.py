"""Which literal strings must occur in a text for a regular expression to match it.

If a text contains none of them, the expression cannot match and its scan is skipped. Most rules find
nothing in most posts, so this spares most scans (the idea behind RE2's and code search's
prefilters). The analysis must never skip a text the expression could match: whenever it is unsure
(an optional part, a character class, syntax it does not know) it asks for no literal at all.
"""
from __future__ import annotations

import re._constants as sre
import re._parser as sre_parse

import regex

# The `regex` module's Unicode properties are unknown to the standard parser. For these analyses a
# property of letters, digits, marks, punctuation or symbols is "some character that is not white
# space", which \w stands for well enough; any other (\p{Z}, \P{...}, scripts) stops the analysis.
_PROPERTY = regex.compile(r"(\\\\)|\\p\{(?:L[ultmo]?|N[dlo]?|M[nce]?|P[cdseifo]?|S[mcko]?)\}|\\[pPX]|\\N\{")


def properties_as_word(pattern: str) -> str:
    """The pattern with each such property written \\w; raises ValueError for any other property. An
    escaped backslash stays as it is."""
    def swap(m):
        if m.group(1):
            return m.group(1)
        if m.group(0).startswith("\\p{"):
            return "\\w"
        raise ValueError("a property these analyses do not know")
    return _PROPERTY.sub(swap, pattern)


_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))


def _selectivity(clause: frozenset[str]) -> tuple[int, int]:
    """Longer literals are rarer, and fewer alternatives are stricter."""
    return min(len(literal) for literal in clause), -len(clause)


# A pattern keeps its few strictest requirements: each one more is a set test per check.
_MAX_CLAUSES = 4
_MIN_EXTRA_LITERAL = 4
# Alternatives are combined this many ways (see combine_alternatives).
_BRANCH_COMBINATIONS = 3


def combine_alternatives(branches: list[list[frozenset[str]]]) -> list[frozenset[str]]:
    """Requirements of an alternation. "(A1 and A2) or (B1 and B2)" implies "A1 or B1", "A2 or B2" and
    every other choice of one requirement per branch, so a few such unions are all requirements."""
    if not branches or not all(branches):
        return []  # some branch requires nothing, so the alternation requires nothing
    return [frozenset().union(*(clauses[min(i, len(clauses) - 1)] for clauses in branches))
            for i in range(_BRANCH_COMBINATIONS)]


def _clauses(items) -> list[frozenset[str]]:
    """Every match must contain a literal of each returned set (a conjunction of alternatives)."""
    found: list[frozenset[str]] = []
    run: list[str] = []

    def close_run():
        if run:
            found.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av).casefold())
            continue
        close_run()
        if op is sre.SUBPATTERN:
            found.extend(_clauses(av[-1]))
        elif op is sre.BRANCH:
            found.extend(combine_alternatives([_clauses(branch) for branch in av[1]]))
        elif op in _REPEATS:
            low, _high, sub = av
            if low >= 1:
                found.extend(_clauses(sub))
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            found.extend(_clauses(av))
        # Anything else (classes, anchors, lookarounds, backreferences) requires no literal.
    close_run()
    usable = {clause for clause in found if clause and all(clause)}
    # A requirement implied by a stricter one (a subset of it) adds nothing.
    kept = [c for c in usable if not any(other < c for other in usable)]
    # Ties broken by the literals themselves, not by set order (which follows the process's hash seed):
    # every worker then prefilters, and so performs, the same.
    ordered = sorted(sorted(kept, key=sorted), key=_selectivity, reverse=True)
    # Beyond the strictest, a requirement of short literals ("in", "me") is met by nearly every text
    # and only adds occurrences for the literal scanner to report.
    return ordered[:1] + [c for c in ordered[1:_MAX_CLAUSES] if _selectivity(c)[0] >= _MIN_EXTRA_LITERAL]


def required_clauses(pattern: str) -> tuple[frozenset[str], ...] | None:
    """Sets of case-folded strings such that every match of the pattern contains one string of each
    set (within the text it consumes, so also in the case-folded text); None when none is known.
    The strictest set comes first."""
    try:
        parsed = sre_parse.parse(properties_as_word(pattern))
    except Exception:  # syntax only the regex module knows: no prefilter, always scan
        return None
    return tuple(_clauses(parsed)) or None


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Case-folded strings at least one of which is in every match of the pattern (within the text it
    consumes, so also in the case-folded text), or None."""
    clauses = required_clauses(pattern)
    return tuple(sorted(clauses[0])) if clauses else None
