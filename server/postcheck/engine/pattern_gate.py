"""Which rule patterns can match a text at all, for every pattern at once, in one pass (Hyperscan).

Most patterns match nothing in most posts, yet each `regex` scan costs about as much as the text is
long. Hyperscan compiles every pattern of the rule set into one automaton and says, in one pass in C,
which of them match somewhere; only those are then run with `regex`, which finds the spans.

Hyperscan has no look-arounds and its own idea of case, so it is not given the patterns themselves:
each is rewritten as a *superset* (`superset_pattern`), an expression that matches wherever the
original can, and maybe elsewhere. Assertions (`\\b`, look-arounds, `^`) are dropped, repeat bounds
are lifted, classes are widened (`\\w` and `\\p{Lu}` become "not white space"). Case: the text and the
patterns' characters are both folded, one character for one, to a representative of the characters
`regex` treats as the same letter when ignoring case (`case_fold`), so Hyperscan's caseless ASCII
matching is all that is needed. A wider pattern only means a `regex` scan that finds nothing; a
narrower one would hide a warning, so whatever this module cannot rewrite soundly stays ungated and
is always scanned.

The same pass reports every place where a match of most rewrites ends (`locate`). The rewrite accepts
whatever its pattern consumes, so every match of the pattern ends at one of those places, and on a
long text RegexMatcher runs the pattern only in windows ending there.

Everything here is an accelerator. The database compiles on a background thread (a few seconds for a
rule pack), and until it is ready, without Hyperscan (no wheel for the platform), or when the text
cannot be given to it (lone surrogates are not UTF-8), every pattern counts as possible: checks give
the same answers, only slower. `tests/engine/test_pattern_gate.py` holds the proofs.
"""
from __future__ import annotations

import bisect
import concurrent.futures
import functools
import logging
import re
import re._constants as sre
import re._parser as sre_parse
import weakref

import regex

from postcheck.engine.hyperscan_support import CompiledCache, ThreadScratch, hyperscan, release_compile_memory
from postcheck.engine.prefilter import properties_as_word

log = logging.getLogger(__name__)

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))
_ANY = "."  # compiled with DOTALL: any character at all
# Repeats bounded at most this high keep their bound in the rewrite (_emit).
_KEPT_BOUND = 100
# Every character `regex` counts as white space (its \s is Unicode's White_Space), and more: the
# class may be wider than the original, never narrower.
_SPACE_MEMBERS = r"\s\p{Z}\x{85}\x{0b}\x{1c}-\x{1f}"


class Unsupported(ValueError):
    """Syntax this module cannot widen soundly: the pattern stays ungated."""


def _escape(ch: str) -> str:
    if ch.isascii():
        return ch if ch.isalnum() else "\\" + ch if ch.isprintable() else f"\\x{{{ord(ch):x}}}"
    return f"\\x{{{ord(ch):x}}}"


@functools.lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """For every character that folds to another: what it becomes. Characters `regex` treats as equal
    when ignoring case fold to one representative: mostly `str.casefold`, one character for one; a
    character whose case folding is several characters (ß is "ss") becomes the first of those it is
    equal to; and the few `regex` equates beyond case folding (İ with i, ı with I) are joined too.
    Worked out once per process from the running `regex` (about 50 ms)."""
    table: dict[int, str] = {}
    several: dict[str, list[str]] = {}
    for code in range(0x20000):  # beyond this plane no character has a case
        ch = chr(code)
        folded = ch.casefold()
        if len(folded) == 1:
            if folded != ch:
                table[code] = folded
        else:
            several.setdefault(folded, []).append(ch)
    for group in several.values():  # ß and ẞ, both "ss": one of them stands for both
        for ch in group[1:]:
            table[ord(ch)] = group[0]
    # What `regex` equates that folding does not: ask it about each character's case relatives.
    for code in range(0x20000):
        ch = chr(code)
        for other in set(ch.lower() + ch.upper() + ch.title()) - {ch}:
            mine, theirs = table.get(code, ch), table.get(ord(other), other)
            if mine != theirs and regex.fullmatch(regex.escape(ch), other, regex.IGNORECASE):
                low, high = sorted((mine, theirs))
                for key, value in list(table.items()) + [(ord(high), high)]:
                    if value == high:
                        table[key] = low
    return table


@functools.lru_cache(maxsize=1)
def _unlike_casefold():
    """The characters whose fold is not their `str.casefold` (ß, İ, ı...): a text without any folds as
    `str.casefold` does, which is ten times faster than a translation. (The standard `re`: one class
    cannot backtrack, and `re` finds it fifteen times faster than `regex`.)"""
    table = _fold_table()
    return re.compile("[" + "".join(re.escape(chr(code)) for code in range(0x20000)
                                    if table.get(code, chr(code)) != chr(code).casefold()) + "]")


def case_fold(text: str, casefolded: str | None = None) -> str:
    """The text as the gate reads it: each character replaced by its fold (see _fold_table), so the
    result is exactly as long as the text. `casefolded`, when given, is `text.casefold()` already made."""
    if text.isascii():
        return text.lower()
    if _unlike_casefold().search(text) is None:
        return text.casefold() if casefolded is None else casefolded
    return text.translate(_fold_table())


def _folded(code: int) -> str:
    """A pattern character as it stands in the folded text."""
    return _escape(_fold_table().get(code, chr(code)))


def _class(items) -> str:
    if items and items[0][0] is sre.NEGATE:
        return _ANY  # a negated class, read against a folded text, could exclude too much: widen fully
    members: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            members.append(_folded(av))
        elif op is sre.RANGE:
            low, high = av
            if high >= 0x80:
                return _ANY  # folding may move non-ASCII letters out of the range
            members.append(f"{_escape(chr(low))}-{_escape(chr(high))}")
        elif op is sre.CATEGORY:
            if av is sre.CATEGORY_DIGIT:
                members.append(r"\p{Nd}")
            elif av in (sre.CATEGORY_WORD, sre.CATEGORY_NOT_SPACE):
                members.append(r"\S")  # no word character is white space, in any engine
            elif av is sre.CATEGORY_SPACE:
                members.append(_SPACE_MEMBERS)
            else:
                return _ANY
        else:
            return _ANY
    return "[" + "".join(members) + "]"


def _emit(items) -> str:
    out = []
    for op, av in items:
        if op is sre.LITERAL:
            out.append(_folded(av))
        elif op in (sre.NOT_LITERAL, sre.ANY):
            out.append(_ANY)
        elif op is sre.IN:
            out.append(_class(av))
        elif op is sre.SUBPATTERN:
            out.append("(?:" + _emit(av[-1]) + ")")
        elif op is sre.BRANCH:
            out.append("(?:" + "|".join(_emit(branch) for branch in av[1]) + ")")
        elif op in _REPEATS:
            low, high, sub = av
            if _is_any(sub) and high is not sre.MAXREPEAT:
                # ".{0,40}" keeps its bound (folding keeps every length), or a match could end anywhere after.
                out.append(f"{_ANY}{{{low},{high}}}")
                continue
            if high is not sre.MAXREPEAT and high <= _KEPT_BOUND:
                # A bound kept cuts the places a match may end, and Hyperscan's work reporting them: at
                # 63,206 characters the pack's pass took 2.5 ms with bounds, 6.2 ms without.
                out.append("(?:" + _emit(sub) + ")" + f"{{{low},{high}}}")
                continue
            # A large bound is lifted, so the expression stays small for Hyperscan: wider is always safe.
            out.append("(?:" + _emit(sub) + ")" + ("*" if low == 0 else "+" if low == 1 else f"{{{low},}}"))
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            out.append("(?:" + _emit(av) + ")")
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # an assertion only ever removes matches
        elif op is sre.GROUPREF:
            out.append(_ANY + "*")
        else:
            raise Unsupported(f"cannot widen {op}")
    return "".join(out)


def _is_any(items) -> bool:
    """Whether a repeated item is "any character" once rewritten."""
    items = [(op, av) for op, av in items if op not in (sre.AT, sre.ASSERT, sre.ASSERT_NOT)]
    return len(items) == 1 and (items[0][0] in (sre.ANY, sre.NOT_LITERAL)
                                or (items[0][0] is sre.IN and _class(items[0][1]) == _ANY))


# Hyperscan's \x{...}, written for the regex module (which wants \U........); an escaped backslash stays.
_HEX_ESCAPE = regex.compile(r"(\\\\)|\\x\{([0-9a-f]+)\}")


@functools.lru_cache(maxsize=2048)  # every reload adds the same patterns again (see ruleset._compile)
def _superset(pattern: str) -> tuple[str, bool] | None:
    """The rewrite, and whether the places its matches end are few enough to be worth reporting."""
    try:
        parsed = sre_parse.parse(properties_as_word(pattern))
        wide = _emit(parsed)
    except Exception:  # syntax only the regex module knows, or a construct we cannot widen
        return None
    if not wide or parsed.getwidth()[0] == 0:
        return None  # a pattern that can match nothing at all gates nothing
    # A rewrite that one ordinary character satisfies (`\S`) ends almost everywhere; one that ends
    # in "any character, any number of times" ends everywhere after its first match.
    as_regex = _HEX_ESCAPE.sub(lambda m: m.group(1) or f"\\U{int(m.group(2), 16):08x}", wide)
    ordinary = any(regex.fullmatch(as_regex, ch, regex.IGNORECASE | regex.DOTALL) for ch in "ae1 .")
    return wide, not ordinary and not _ends_in_anything(list(parsed))


def _ends_in_anything(items) -> bool:
    """Whether the rewrite ends in a repeat of "any character", which ends a match at every position
    after it: too many places to be worth reporting (see PatternGate.locate)."""
    items = [(op, av) for op, av in items if op not in (sre.AT, sre.ASSERT, sre.ASSERT_NOT)]
    if not items:
        return False
    op, av = items[-1]
    if op is sre.GROUPREF:
        return True
    if op is sre.SUBPATTERN:
        return _ends_in_anything(list(av[-1]))
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _ends_in_anything(list(av))
    if op is sre.BRANCH:
        return any(_ends_in_anything(list(branch)) for branch in av[1])
    if op in _REPEATS:
        if _is_any(av[2]):
            return av[1] is sre.MAXREPEAT  # a bounded ".{0,40}" ends in at most 40 places more
        return _ends_in_anything(list(av[2]))
    return False


def superset_pattern(pattern: str) -> str | None:
    """A Hyperscan expression that, run caselessly on the folded text (case_fold), matches wherever
    `pattern` matches the text (with or without IGNORECASE); None when no useful one is known."""
    found = _superset(pattern)
    return found[0] if found else None


_FLAGS = 0 if hyperscan is None else (
    hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_DOTALL | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP
    | hyperscan.HS_FLAG_ALLOWEMPTY)


@functools.lru_cache(maxsize=1)
def _compiler() -> concurrent.futures.ThreadPoolExecutor:
    """One thread compiles databases, one after another: Hyperscan releases the GIL while it works,
    so checks go on meanwhile, and several reloads in a row do not compete for the cores."""
    return concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="postcheck-pattern-gate")


# The rule pack in use and a few before it (a few MB each).
_cache = CompiledCache()

# False in a process that checks a few drafts and exits (the command line): the database would take
# seconds to compile and the process would wait for it at exit (the compiler's thread is joined then),
# to speed up checks that are already done. Gates then stay off: the same answers, only slower.
COMPILE_IN_BACKGROUND = True


def _compile(expressions: tuple[str, ...], every_end: tuple[bool, ...]):
    """One database for the expressions (the same rule pack, loaded again, reuses it), reporting each
    pattern once or, where `every_end` says so, every place a match of it ends; ids are positions in
    `expressions`. The database and the ids it covers: an expression Hyperscan refuses is left out,
    not the whole set."""
    flags = [_FLAGS if every else _FLAGS | hyperscan.HS_FLAG_SINGLEMATCH for every in every_end]
    ids = range(len(expressions))
    try:
        return _database(expressions, ids, flags), frozenset(ids)
    except hyperscan.error:
        kept = []
        for i in ids:
            try:
                _database((expressions[i],), (0,), (flags[i],))
                kept.append(i)
            except hyperscan.error:
                pass
        log.warning("%d rule pattern(s) are not gated: Hyperscan cannot compile their rewrite",
                    len(ids) - len(kept))
        database = _database([expressions[i] for i in kept], kept, [flags[i] for i in kept]) if kept else None
        return database, frozenset(kept)


def _database(expressions, ids, flags):
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=[e.encode() for e in expressions], ids=list(ids), elements=len(expressions),
                     flags=list(flags))
    return database


_NOT_ASCII = regex.compile(r"[^\x00-\x7f]")


def _char_offset(folded: str):
    """Converts byte offsets in `folded`'s UTF-8 into character offsets (the same in the text)."""
    extra_ends, extras, total = [], [], 0  # byte offset after each non-ASCII character; bytes it adds
    for found in _NOT_ASCII.finditer(folded):
        added = len(found.group().encode("utf-8")) - 1
        total += added
        extra_ends.append(found.end() + total)
        extras.append(total)
    if not extra_ends:
        return lambda offset: offset
    return lambda offset: offset - (extras[i - 1] if (i := bisect.bisect_right(extra_ends, offset)) else 0)


class PatternGate:
    """The rule set's patterns, gathered while rules compile, then compiled into one database that says,
    in one pass over a text, which patterns may match it (`open`) and, for most of them, every place
    their matches may end (`locate`: on a long text a pattern then runs only around those places, see
    RegexMatcher). It reads the text as `case_fold` makes it."""

    def __init__(self):
        self._expressions: list[str] = []
        self._locatable: list[bool] = []  # per id: are its ends worth reporting?
        self._database = None
        self._compiling: concurrent.futures.Future | None = None
        self._uncovered: frozenset[int] = frozenset()  # ids Hyperscan refused: always open
        self.located: frozenset[int] = frozenset()    # ids whose every end `locate` reports
        self._ready = False
        self._scratch: ThreadScratch | None = None

    def add(self, pattern: str, locate: bool = False) -> int | None:
        """The id under which `pattern` is gated, or None when it cannot be (it is then always run).
        With `locate`, `locate()` also reports where its matches may end, when that is worth it."""
        if self._ready:
            raise RuntimeError("patterns are added before the gate is frozen")
        if hyperscan is None or not COMPILE_IN_BACKGROUND:  # no database to come: no rewrite either
            return None
        found = _superset(pattern)
        if found is None:
            return None
        wide, locatable = found
        self._expressions.append(wide)
        self._locatable.append(locate and locatable)
        return len(self._expressions) - 1

    def freeze(self) -> None:
        """No more patterns. The database compiles in the background (a few seconds for a whole rule
        pack): until it is ready, checks run ungated, so a rule reload, a roster change or a worker
        start never waits for it. A pack compiled before in this process is ready at once."""
        if self._ready:
            return
        self._ready = True
        if not self._expressions or hyperscan is None or not COMPILE_IN_BACKGROUND:
            return
        key = (tuple(self._expressions), tuple(self._locatable))
        compiled = _cache.get(key)
        if compiled is not None:
            self._install(compiled)
            return
        gate = weakref.ref(self)

        def build():
            if gate() is None:
                return None  # the rule set was replaced before its turn came
            compiled = _cache.get(key)
            if compiled is None:
                compiled = _compile(*key)
                release_compile_memory()
                _cache.put(key, compiled)
            live = gate()
            if live is not None:
                live._install(compiled)
            return compiled

        self._compiling = _compiler().submit(build)

    def _install(self, compiled) -> None:
        database, covered = compiled
        self._uncovered = frozenset(range(len(self._expressions))) - covered
        self.located = frozenset(i for i in covered if self._locatable[i])
        self._scratch = ThreadScratch(database) if database is not None else None
        self._database = database  # last: a check sees the database only once the rest is in place

    @property
    def state(self) -> str:
        """"ready", "compiling", or "off" (no Hyperscan, nothing to gate, or it refused them all)."""
        if self._database is not None:
            return "ready"
        return "compiling" if self._compiling is not None and not self._compiling.done() else "off"

    def wait(self, timeout: float | None = None) -> bool:
        """Waits for the database (benchmarks, tests, the CLI); True when the gate is working."""
        if self._compiling is not None:
            try:
                self._compiling.result(timeout)
            except concurrent.futures.TimeoutError:
                return False
        return self._database is not None

    def locate(self, text: str, *, folded: str | None = None) -> dict[int, list[int]] | None:
        """Every pattern that may match `text`, each with character offsets where matches of its
        rewrite end; for the patterns in `located`, every such offset, and so the end of every match
        of the pattern itself (the rewrite accepts whatever the pattern consumes). None when unknown
        (every pattern must then be run). `folded`, when given, is `case_fold(text)` already made."""
        if not self._ready:
            raise RuntimeError("the gate is frozen before it is used")
        if self._database is None:
            return None
        folded = case_fold(text) if folded is None else folded
        try:
            data = folded.encode("utf-8")  # lone surrogates cannot be: no answer, not a wrong one
        except UnicodeEncodeError:
            return None
        ends: dict[int, list[int]] = {i: [] for i in self._uncovered}

        def note(i, _start, end, _flags, _ctx):
            found = ends.get(i)
            if found is None:
                ends[i] = [end]
            else:
                found.append(end)

        try:
            self._database.scan(data, match_event_handler=note, scratch=self._scratch.get())
        except hyperscan.error:
            log.warning("the pattern gate failed on a text; every pattern is scanned for it")
            return None
        if not folded.isascii():
            to_char = _char_offset(folded)
            ends = {i: [to_char(end) for end in found] for i, found in ends.items()}
        return ends

    def open(self, text: str, *, folded: str | None = None) -> frozenset[int] | None:
        """The ids of the patterns that may match `text`; None when unknown (every pattern must then
        be run)."""
        ends = self.locate(text, folded=folded)
        return None if ends is None else frozenset(ends)
