"""The default calendar, read from `policy_rules/elections.yaml` (the organisation's data, not code)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from postcheck.elections.calendar import CalendarSnapshot, Period, period_bounds
from postcheck.elections.timetable import notice_deadline


def seed_periods(rules_dir: Path) -> CalendarSnapshot:
    path = Path(rules_dir) / "elections.yaml"
    if not path.exists():
        return CalendarSnapshot()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    periods = []
    for item in data.get("elections", []):
        poll = item["poll_date"] if isinstance(item["poll_date"], dt.date) else dt.date.fromisoformat(item["poll_date"])
        election_id = item["id"]
        start = item.get("notice_date") or notice_deadline(election_id)
        if start is None:
            continue
        starts, ends = period_bounds(start, poll)
        periods.append(Period(election_id, item["name"], poll, starts, ends))
    return CalendarSnapshot(tuple(periods))
