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


def _best(candidates: list[set[str]]) -> set[str] | None:
    """The most selective requirement: the set whose shortest literal is longest, then the smallest set."""
    usable = [c for c in candidates if c and all(c)]
    if not usable:
        return None
    return max(usable, key=lambda c: (min(len(s) for s in c), -len(c)))


def _required(items) -> set[str] | None:
    candidates: list[set[str]] = []
    run: list[str] = []

    def close_run():
        if run:
            candidates.append({"".join(run)})
            run.clear()

    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av).casefold())
            continue
        close_run()
        if op is sre.SUBPATTERN:
            found = _required(av[-1])
            if found:
                candidates.append(found)
        elif op is sre.BRANCH:
            branches = [_required(branch) for branch in av[1]]
            if branches and all(branches):
                candidates.append(set().union(*branches))
        elif op in _REPEATS:
            low, _high, sub = av
            if low >= 1:
                found = _required(sub)
                if found:
                    candidates.append(found)
        elif op is sre.ATOMIC_GROUP if hasattr(sre, "ATOMIC_GROUP") else False:
            found = _required(av)
            if found:
                candidates.append(found)
        # Anything else (classes, anchors, lookarounds, backreferences) requires no literal.
    close_run()
    return _best(candidates)


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Case-folded strings at least one of which is in every match of the pattern (within the text it
    consumes, so also in the case-folded text), or None."""
    try:
        parsed = sre_parse.parse(properties_as_word(pattern))
    except Exception:  # syntax only the regex module knows: no prefilter, always scan
        return None
    found = _required(parsed)
    return tuple(sorted(found)) if found else None
