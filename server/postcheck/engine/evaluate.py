"""`check`: a draft and its context in, warnings out. Pure: no I/O, no clock, no globals."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import Any, Iterable

from postcheck.engine import matchers as m
from postcheck.engine.detectors import DetectorUnfinished
from postcheck.engine.ruleset import CompiledRule, RuleSet
from postcheck.engine.text import Utf16Offsets, normalise
from postcheck.model.features import Context
from postcheck.model.scorer import score

log = logging.getLogger(__name__)
# A rule read again without a check deadline (the library's `check`) may take this many times its timeout.
_RETRY_CAP = 4

# More underlines than this in one warning help nobody, and cap the size of an answer.
MAX_SPANS_PER_WARNING = 50
_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


# Where a draft is posted: the one list the check API, outcome reports and the command line accept
# (kept in engine.platforms, which the command line imports without the engine).
from postcheck.engine.platforms import PLATFORMS  # noqa: E402,F401


@dataclass(frozen=True)
class Draft:
    text: str
    platform: str = "other"  # one of PLATFORMS
    account_type: str | None = None  # None: decided from the handle
    handle: str | None = None
    reply: bool = False
    profile_disclaimer: bool = False


@dataclass(frozen=True)
class ElectionState:
    active: bool = False
    period: dict | None = None


NO_ELECTION = ElectionState()


@dataclass(frozen=True)
class Warning:
    rule: str
    category: str
    severity: str
    title: str
    message: str
    advice: str
    policy: dict
    spans: list[dict]
    fix: dict | None = None
    source: str = "rules"  # "rules", "model" (a learned warning) or "both" (a rule the model agrees with)
    confidence: float | None = None  # the model's probability, 0 to 1, when it took part

    def as_dict(self) -> dict[str, Any]:
        out = {"rule": self.rule, "category": self.category, "severity": self.severity, "title": self.title,
               "message": self.message, "advice": self.advice, "policy": dict(self.policy), "spans": self.spans,
               "source": self.source}
        if self.fix:
            out["fix"] = dict(self.fix)
        if self.confidence is not None:
            out["confidence"] = self.confidence
        return out


@dataclass(frozen=True)
class Verdict:
    warnings: list[Warning]
    # What was left unread: "model", and the ids of rules that ran out of time or met their bound.
    not_checked: tuple[str, ...] = ()

    @property
    def incomplete(self) -> bool:
        return bool(self.not_checked)


def account_type(draft: Draft, ruleset: RuleSet, council_handles: Iterable[str] = ()) -> str:
    """The draft's account type: as sent, else a known council handle means council, else personal."""
    if draft.account_type in ("personal", "council"):
        return draft.account_type
    if draft.handle:
        if ruleset.organisation.is_official_handle(draft.handle):
            return "council"
        wanted = draft.handle.strip().lstrip("@").lower()
        if any(wanted == h.strip().lstrip("@").lower() for h in council_handles):
            return "council"
    return "personal"


def _merge(spans: list[m.Span], limit: int = MAX_SPANS_PER_WARNING) -> list[m.Span]:
    """The first `limit` underlines, overlapping spans joined. It stops there: a hostile text can give
    a rule tens of thousands of spans, and the rest would be merged only to be dropped."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if start == end:
            continue  # a "not" matcher's whole-post marker
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        elif len(merged) == limit:
            break  # this span and every later one start after the last kept span ends
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


# How many of a rule's spans are asked for first: enough for its underlines when some overlap.
_FIRST_SPANS = 4 * MAX_SPANS_PER_WARNING
# Texts shorter than this hold too few matches to be worth stopping early for: every span is found.
_FIRST_FROM = 1000


def _first_spans(find, find_first, scan: m.Scan, excluded: tuple[m.Span, ...], short: bool) -> list[m.Span]:
    """`find`'s spans, or on a long text the first of them, enough to decide the underlines."""
    if short:
        return find(scan, excluded)
    found, complete = find_first(scan, excluded, _FIRST_SPANS)
    # The first spans decide the underlines when they hold one more underline than are kept: the
    # spans after it start later still, so none can join the last kept underline.
    if not complete and len(_merge(found, MAX_SPANS_PER_WARNING + 1)) <= MAX_SPANS_PER_WARNING:
        found = find(scan, excluded)
    return found


def evaluate_rule(rule: CompiledRule, scan: m.Scan) -> list[m.Span] | None:
    """The spans this rule marks in the text (enough for `_merge`'s underlines, in order), or None when
    it does not fire. Parts of the rule that say `underline: false` count for firing, not for marks."""
    excluded = tuple(rule.except_.find(scan)) if rule.except_ is not None else ()
    match = rule.match
    short = len(scan.text) < _FIRST_FROM
    found = _first_spans(match.find, match.find_first, scan, excluded, short)
    if found and match.hides:
        # Only a rule that fires works out what to leave out. None left happens only when a `near` of
        # a `near` pairs with nothing but the inner near's context words: the rule fires (as it always
        # did), so it shows every word it found rather than none.
        found = _first_spans(match.underlined, match.underlined_first, scan, excluded, short) or found
    if not found:
        return None
    if rule.unless is not None and (rule.unless.find(scan) if short else rule.unless.find_first(scan)[0]):
        return None
    return found


def check(ruleset: RuleSet, draft: Draft, election: ElectionState = NO_ELECTION, *,
          council_handles: Iterable[str] = (), timeout: float = m.DEFAULT_TIMEOUT) -> list[Warning]:
    """The warnings for `draft`: the rules' and, when the rule pack has one, the learned model's."""
    return evaluate(ruleset, draft, election, council_handles=council_handles, timeout=timeout).warnings


def evaluate(ruleset: RuleSet, draft: Draft, election: ElectionState = NO_ELECTION, *,
             council_handles: Iterable[str] = (), timeout: float = m.DEFAULT_TIMEOUT,
             model_deadline: float | None = None, deadline: float | None = None) -> Verdict:
    """`check`, saying also what was left unread. `deadline` (a `time.monotonic()` value) is the whole
    check's: rules not begun by then, and rules whose pattern or detector stopped at its bound, are
    named in `not_checked`. The model stops reading a long text at `model_deadline` or `deadline`,
    whichever comes first, and is then named too. The deadline is a backstop for inputs no bound
    foresaw; the bounds themselves keep every check far inside it."""
    if not draft.text.strip():
        return Verdict([])
    account = account_type(draft, ruleset, council_handles)
    warnings, not_checked = _rule_warnings(ruleset, draft, election, account, timeout, deadline)
    if ruleset.learned is not None:
        if deadline is not None:
            model_deadline = deadline if model_deadline is None else min(model_deadline, deadline)
        if (deadline is not None and time.monotonic() > deadline) or \
                not join_learned(ruleset.learned, warnings, draft, election, account, model_deadline):
            not_checked.append("model")
    warnings.sort(key=lambda w: (_SEVERITY_ORDER[w.severity], w.spans[0]["start"] if w.spans else -1))
    return Verdict(warnings, tuple(not_checked))


def join_learned(layer, warnings: list[Warning], draft: Draft, election: ElectionState, account: str,
                 deadline: float | None) -> bool:
    """Adds the model's warnings to the rules' (in place); returns False when the deadline cut it short.

    Where a rule already warns about a category the model fires on, the rule's warning stands (its id,
    words and severity) and is marked `both` with the model's confidence: one warning, not two. A learned
    warning needs words to underline: a category the model fires on without any is left out, since a
    warning must say which words did it.
    """
    scored = score(layer.model, draft.text, Context(account, draft.reply, election.active), deadline)
    to_utf16 = None
    for category in scored.fired():
        card = layer.cards[category]
        if not card.applies(account, draft.reply, election.active, draft.profile_disclaimer):
            continue
        confidence = round(scored.probabilities[category], 2)
        agreeing = [i for i, w in enumerate(warnings) if w.category == category]
        if agreeing:
            for i in agreeing:
                warnings[i] = replace(warnings[i], source="both", confidence=confidence)
            continue
        evidence = scored.evidence(category)
        if not evidence:
            continue
        to_utf16 = to_utf16 or Utf16Offsets(draft.text)
        warnings.append(Warning(card.rule_id, category, card.severity[account], card.title, card.message,
                                card.advice, dict(card.policy), [{"start": to_utf16(s), "end": to_utf16(e)}
                                                                 for s, e in evidence],
                                source="model", confidence=confidence))
    return scored.complete


def _evaluate_in_time(rule: CompiledRule, scan: m.Scan, timeout: float, deadline: float | None):
    """`evaluate_rule`, read once more when its pattern timed out on time this thread did not spend.
    The `regex` module counts the whole process's CPU time, so other threads at work (the gate's
    Hyperscan compile just after a start, other requests in a threaded server) spend a rule's time for
    it: on a busy machine a rule could be left unread that needed a few milliseconds. The second
    reading may use what is left of the check's budget. A pattern that is itself slow spends its own
    thread's time, and is given up at once as before."""
    own_start = time.thread_time()
    try:
        return evaluate_rule(rule, scan)
    except DetectorUnfinished:
        raise  # a count bound, not a clock: reading again would stop at the same place
    except TimeoutError:
        if time.thread_time() - own_start >= timeout:
            raise
        left = _RETRY_CAP * timeout if deadline is None else deadline - time.monotonic()
        if left <= 0:
            raise
    scan.timeout = left
    try:
        return evaluate_rule(rule, scan)
    finally:
        scan.timeout = timeout


def _rule_warnings(ruleset: RuleSet, draft: Draft, election: ElectionState, account: str,
                   timeout: float, deadline: float | None) -> tuple[list[Warning], list[str]]:
    """The rules' warnings, and the ids of the rules that could not be read to the end."""
    scan = m.Scan(normalise(draft.text), timeout, deadline)
    present = scan.literal_hits(ruleset.literals).keys()
    opened = scan.opened(ruleset.gate)
    to_utf16 = Utf16Offsets(draft.text)
    warnings, not_checked = [], []
    for rule in ruleset.applicable(account, draft.reply, election.active, draft.profile_disclaimer):
        if rule.needs is not None and any(present.isdisjoint(clause) for clause in rule.needs):
            continue  # the text lacks words the rule cannot match without
        if rule.gates is not None and opened is not None and any(opened.isdisjoint(c) for c in rule.gates):
            continue  # patterns the rule cannot match without match nowhere in the text
        if deadline is not None and time.monotonic() > deadline:
            not_checked.append(rule.id)
            continue
        try:
            found = _evaluate_in_time(rule, scan, timeout, deadline)
        except TimeoutError:
            # The rule id is safe to log; the text never is. The answer names the rule as not checked.
            log.warning("rule %s ran out of time and was not checked to the end", rule.id)
            not_checked.append(rule.id)
            continue
        if found is None:
            continue
        spans = [] if rule.whole_post else [
            {"start": to_utf16(s), "end": to_utf16(e)} for s, e in _merge(found)]
        warnings.append(Warning(rule.id, rule.category, rule.severity[account], rule.title, rule.message,
                                rule.advice, dict(rule.policy), spans, dict(rule.fix) if rule.fix else None))
    return warnings, not_checked
