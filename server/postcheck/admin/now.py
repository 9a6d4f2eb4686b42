"""Now: whether a pre-election period is active, which one and until when, and the next one."""
from __future__ import annotations

import datetime as dt

from flask import redirect, render_template, url_for

from postcheck.admin.blueprint import bp
from postcheck.elections.calendar import LONDON
from postcheck.services import services


def countdown(delta: dt.timedelta) -> str:
    """'in 12 days', 'in 5 hours', 'in 20 minutes': what a person reads at a glance."""
    seconds = max(0, int(delta.total_seconds()))
    days, hours, minutes = seconds // 86400, seconds % 86400 // 3600, seconds % 3600 // 60
    if days >= 2:
        return f"in {days} days"
    if days == 1:
        return f"in 1 day and {hours} hour{'s' if hours != 1 else ''}"
    if hours:
        return f"in {hours} hour{'s' if hours != 1 else ''}"
    return f"in {minutes} minute{'s' if minutes != 1 else ''}"


def by_polling_day(periods) -> list[list]:
    """Periods grouped by polling day, in order: the GLA and the Mayor of London, polled together, are
    one group, shown as one entry that says they share the day."""
    groups: dict[dt.date, list] = {}
    for period in periods:
        groups.setdefault(period.poll_date, []).append(period)
    return list(groups.values())


def names(periods) -> str:
    """'A', 'A and B', 'A, B and C'."""
    titles = [p.name for p in periods]
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]


def calendar_state(at: dt.datetime) -> dict:
    snapshot = services().calendar.current
    periods = sorted(snapshot.periods, key=lambda p: (p.starts, p.poll_date, p.name))
    active = [p for p in periods if p.starts <= at < p.ends]
    upcoming = [p for p in periods if p.starts > at]
    # The next polling day's elections not yet in their period (one may start before another).
    following = [p for p in upcoming if p.poll_date == upcoming[0].poll_date] if upcoming else []
    return {"active": active, "active_groups": by_polling_day(active),
            "next": upcoming[0] if upcoming else None, "next_group": following,
            # An election polled on the same day as the next one whose period is already active.
            "next_shares_with": [p for p in active if following and p.poll_date == following[0].poll_date],
            "countdown": countdown(upcoming[0].starts - at) if upcoming else None,
            "stale": snapshot.stale, "now": at.astimezone(LONDON)}


@bp.route("/")
def index():
    return redirect(url_for("admin.now"))


@bp.route("/now")
def now():
    return render_template("admin/now.html", state=calendar_state(dt.datetime.now(dt.timezone.utc)), names=names)
