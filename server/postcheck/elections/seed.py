"""The default calendar and roster, read from `policy_rules/elections.yaml` and `roster.yaml` (the
organisation's data, not code). They fill a new database once; after that the database is the truth."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

from postcheck.elections.calendar import CalendarSnapshot
from postcheck.elections.schedule import build_snapshot
from postcheck.yaml_text import load_yaml


def _read(path: Path) -> dict:
    return (load_yaml(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def seed_elections(rules_dir: Path) -> list[dict]:
    elections = []
    for item in _read(Path(rules_dir) / "elections.yaml").get("elections", []) or []:
        elections.append({"id": item["id"], "name": item["name"], "kind": item["kind"],
                          "poll_date": _date(item["poll_date"]), "notice_date": _date(item.get("notice_date")),
                          "ends_override": None, "scope": item.get("scope", "borough"),
                          "notes": item.get("notes", "") or ""})
    return elections


def seed_roster(rules_dir: Path) -> dict:
    data = _read(Path(rules_dir) / "roster.yaml")
    return {"parties": data.get("parties", []) or [], "roles": data.get("roles", []) or [],
            "people": data.get("people", []) or []}


def calendar_settings(rules_dir: Path) -> dict:
    """Democracy Club organisation slugs: the council's own (organisation.yaml) and the mayoralty's."""
    org = _read(Path(rules_dir) / "organisation.yaml")
    data = _read(Path(rules_dir) / "elections.yaml")
    return {"organisation": org.get("democracy_club_slug") or "", "mayor_organisation": data.get("mayor_organisation", "london")}


def seed_periods(rules_dir: Path) -> CalendarSnapshot:
    """The seed as a snapshot: what checks use when the database has never been reachable."""
    return build_snapshot(SimpleNamespace(**e) for e in seed_elections(rules_dir))
