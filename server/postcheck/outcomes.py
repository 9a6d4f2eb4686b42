"""Outcome reports from the extension, kept as counts per day: how often each warning was shown, led to
an edit, was posted anyway, was dismissed or was reported wrong; how often a post went out unchecked;
and how often the extension met a site it could no longer read (no composer where one was expected, a
submit it could not intercept). No draft text and no handle ever reach this module."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from postcheck.engine.evaluate import PLATFORMS
from postcheck.store.database import Store
from postcheck.store.models import DismissalCount, ExtensionCount, OutcomeComment, OutcomeCount

# What happened to a warning. "silent": found at Post during a silent pilot (the extension's rollout
# mode), so never shown. "dismissed": the person chose "Dismiss for this post" in the card (kept in a
# table of its own, dismissal_counts: see migration 0007).
OUTCOMES = ("shown", "edited", "posted_anyway", "reported_wrong", "silent", "dismissed")
# Reports that tell IT a site changed under the extension, so its selectors need updating:
# "no_composer", a page view on a configured site where the site's composer was expected and none was
# found once the page settled; "submit_missed", a submit (a click on what is plainly the site's post
# button, or Ctrl/Cmd+Enter in what looks like a composer) that no composer session could intercept.
SITE_CHANGE_OUTCOMES = ("no_composer", "submit_missed")
# What happened to a post or a page, with no warning to name, so no rule and no category: "unchecked",
# a post went out with no verdict (the server or the extension's service worker did not answer within
# the wait); and the site-change outcomes.
NO_RULE_OUTCOMES = ("unchecked", *SITE_CHANGE_OUTCOMES)
_KEY = ("rule", "category", "outcome", "platform", "account_type", "extension_version", "source")
# Who warned: a rule, the learned model, or a rule the model agreed with.
SOURCES = ("rules", "model", "both")
# The most outcomes one report may stand for: the extension sends the outcomes it could not send at the
# time as one report per kind with a count, and keeps at most this many of a kind.
MAX_COUNT = 1000


def record(store: Store, report: dict, day: dt.date, count: int = 1) -> None:
    """Adds `count` to the day's count for this report (a race between processes retries as an update).
    A comment is kept once, whatever the count: it is one person's words, not one per outcome."""
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count must be 1 to {MAX_COUNT}, not {count}")
    if report["outcome"] in NO_RULE_OUTCOMES:
        table = ExtensionCount
        key = {name: report[name] for name in ("outcome", "platform", "extension_version")}
    elif report["outcome"] == "dismissed":
        table = DismissalCount
        key = {name: report[name] for name in _KEY if name not in ("source", "outcome")}
        key["source"] = report.get("source", "rules")
    else:
        table = OutcomeCount
        key = {name: report[name] for name in _KEY if name != "source"}
        key["source"] = report.get("source", "rules")
    for _attempt in range(3):
        try:
            with store.transaction() as session:
                bumped = session.execute(
                    update(table).where(table.day == day, *[getattr(table, k) == v for k, v in key.items()])
                    .values(count=table.count + count))
                if bumped.rowcount == 0:
                    session.add(table(day=day, count=count, **key))
                if report.get("comment"):
                    session.add(OutcomeComment(day=day, rule=report["rule"], category=report["category"],
                                               comment=report["comment"]))
            return
        except IntegrityError:
            continue  # another process inserted the same day's row first: update it instead
    raise RuntimeError("could not record the outcome after three attempts")


def summary(store: Store, start: dt.date, end: dt.date, by: str) -> dict:
    """Totals per rule (or category) and outcome between two days inclusive, with a series per day."""
    group = OutcomeCount.rule if by == "rule" else OutcomeCount.category
    with store.transaction() as session:
        rows = session.execute(
            select(group, OutcomeCount.category, OutcomeCount.outcome, OutcomeCount.day, OutcomeCount.source,
                   func.sum(OutcomeCount.count))
            .where(OutcomeCount.day >= start, OutcomeCount.day <= end)
            .group_by(group, OutcomeCount.category, OutcomeCount.outcome, OutcomeCount.day,
                      OutcomeCount.source)).all()
        group_d = DismissalCount.rule if by == "rule" else DismissalCount.category
        dismissed = session.execute(
            select(group_d, DismissalCount.category, DismissalCount.day, DismissalCount.source,
                   func.sum(DismissalCount.count))
            .where(DismissalCount.day >= start, DismissalCount.day <= end)
            .group_by(group_d, DismissalCount.category, DismissalCount.day, DismissalCount.source)).all()
        no_rule = session.execute(
            select(ExtensionCount.outcome, ExtensionCount.day, ExtensionCount.platform, func.sum(ExtensionCount.count))
            .where(ExtensionCount.day >= start, ExtensionCount.day <= end)
            .group_by(ExtensionCount.outcome, ExtensionCount.day, ExtensionCount.platform)).all()
        comments = session.execute(
            select(OutcomeComment.day, OutcomeComment.rule, OutcomeComment.category, OutcomeComment.comment)
            .where(OutcomeComment.day >= start, OutcomeComment.day <= end)
            .order_by(OutcomeComment.id.desc()).limit(200)).all()
    items: dict[str, dict] = {}
    learned = {"model": dict.fromkeys(OUTCOMES, 0), "both": dict.fromkeys(OUTCOMES, 0)}
    rows = [*rows, *((name, category, "dismissed", day, source, count)
                     for name, category, day, source, count in dismissed)]
    for name, category, outcome, day, source, count in rows:
        if outcome not in OUTCOMES:
            continue  # written by a newer server sharing the database during a rollout
        item = items.setdefault(name, {"key": name, "category": category, "totals": dict.fromkeys(OUTCOMES, 0),
                                       "by_source": {s: dict.fromkeys(OUTCOMES, 0) for s in SOURCES}, "days": {}})
        item["totals"][outcome] += int(count)
        item["by_source"][source][outcome] += int(count)
        if source in learned:
            learned[source][outcome] += int(count)
        item["days"].setdefault(day.isoformat(), dict.fromkeys(OUTCOMES, 0))[outcome] += int(count)
    for item in items.values():
        shown = item["totals"]["shown"]
        item["edit_rate"] = round(item["totals"]["edited"] / shown, 3) if shown else None
        item["reported_wrong_rate"] = round(item["totals"]["reported_wrong"] / shown, 3) if shown else None
        item["days"] = [{"day": d, **counts} for d, counts in sorted(item["days"].items())]
    return {"from": start.isoformat(), "to": end.isoformat(), "by": by,
            "items": sorted(items.values(), key=lambda i: -i["totals"]["shown"]),
            # Learned warnings, counted apart: those the model gave alone, and rules' warnings it agreed with.
            "learned": learned,
            # Posts that went out with no verdict: they belong to no rule, so they are counted apart.
            "unchecked": _unchecked([(d, p, n) for outcome, d, p, n in no_rule if outcome == "unchecked"]),
            # Signs that a site changed under the extension (a selector broke): see health().
            "health": _health(no_rule),
            "comments": [{"day": d.isoformat(), "rule": r, "category": c, "comment": t} for d, r, c, t in comments]}


def _unchecked(rows) -> dict:
    """{total, by_platform, days: [{day, count}]} from (day, platform, count) rows."""
    by_platform = dict.fromkeys(PLATFORMS, 0)
    days: dict[str, int] = {}
    for day, platform, count in rows:
        by_platform[platform] = by_platform.get(platform, 0) + int(count)
        days[day.isoformat()] = days.get(day.isoformat(), 0) + int(count)
    return {"total": sum(by_platform.values()), "by_platform": by_platform,
            "days": [{"day": d, "count": n} for d, n in sorted(days.items())]}


def _health(rows) -> dict:
    """{outcome: {total, by_platform, days: [{day, count, by_platform}]}} for each site-change outcome,
    from (outcome, day, platform, count) rows; outcomes this version does not know are skipped."""
    health = {}
    for name in SITE_CHANGE_OUTCOMES:
        by_platform = dict.fromkeys(PLATFORMS, 0)
        days: dict[str, dict[str, int]] = {}
        for outcome, day, platform, count in rows:
            if outcome != name:
                continue
            by_platform[platform] = by_platform.get(platform, 0) + int(count)
            per_day = days.setdefault(day.isoformat(), dict.fromkeys(PLATFORMS, 0))
            per_day[platform] = per_day.get(platform, 0) + int(count)
        health[name] = {"total": sum(by_platform.values()), "by_platform": by_platform,
                        "days": [{"day": d, "count": sum(p.values()), "by_platform": p}
                                 for d, p in sorted(days.items())]}
    return health


def health(store: Store, start: dt.date, end: dt.date) -> dict:
    """The site-change counts alone (the comms page "Extension health")."""
    with store.transaction() as session:
        rows = session.execute(
            select(ExtensionCount.outcome, ExtensionCount.day, ExtensionCount.platform, func.sum(ExtensionCount.count))
            .where(ExtensionCount.day >= start, ExtensionCount.day <= end,
                   ExtensionCount.outcome.in_(SITE_CHANGE_OUTCOMES))
            .group_by(ExtensionCount.outcome, ExtensionCount.day, ExtensionCount.platform)).all()
    return {"from": start.isoformat(), "to": end.isoformat(), **_health(rows)}
