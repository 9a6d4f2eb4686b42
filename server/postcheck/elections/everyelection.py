"""Elections from Democracy Club's EveryElection JSON (a saved answer of
https://elections.democracyclub.org.uk/api/elections/?...): turned into this calendar's elections.

One EveryElection answer lists an election at several levels (the group, the organisation, each ward's
ballot); the calendar wants one entry per period, so ballots under an organisation the file also lists
fold into it, and a lone ward ballot is a by-election in that ward."""
from __future__ import annotations

import datetime as dt

from postcheck.api.fields import text_problem
from postcheck.elections.ids import ElectionIdError

_KINDS = {"local": "local", "gla": "gla", "mayor": "mayor", "ref": "referendum"}


def _poll_date(item: dict) -> dt.date:
    return dt.date.fromisoformat(str(item.get("poll_open_date") or item["election_id"].rsplit(".", 1)[-1]))


def _refused_text(item: dict) -> str | None:
    """The words the calendar would keep from the file (id, title, ward) checked as if typed: a saved
    file can carry control characters or direction overrides as easily as a paste can."""
    division = item["division"] if isinstance(item.get("division"), dict) else {}
    for where, value in (("election_id", item["election_id"]), ("election_title", item.get("election_title")),
                         ("division name", division.get("name"))):
        problem = text_problem(value) if isinstance(value, str) else None
        if problem:
            return f"{where}: {problem}"
    return None


def candidates(data, derive_id) -> tuple[list[dict], list[dict]]:
    """(elections to create, items skipped with the reason). `derive_id(kind, poll_date, scope)`."""
    items = data.get("results", []) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError("expected EveryElection's JSON: an object with `results`, or a list of elections")
    ids = {i.get("election_id") for i in items if isinstance(i, dict)}
    found: dict[str, dict] = {}
    skipped = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("election_id"), str):
            skipped.append({"election_id": None, "reason": "not an EveryElection election"})
            continue
        eid = item["election_id"]
        parts = eid.split(".")
        refused = _refused_text(item)
        if refused:
            skipped.append({"election_id": eid, "reason": refused})
            continue
        if item.get("cancelled"):
            skipped.append({"election_id": eid, "reason": "cancelled"})
            continue
        try:
            poll = _poll_date(item)
        except (ValueError, KeyError):
            skipped.append({"election_id": eid, "reason": "no valid polling day"})
            continue
        group_type = item.get("group_type")
        division = (item.get("division") or {}).get("name") if isinstance(item.get("division"), dict) else None
        kind = _KINDS.get(parts[0])
        scope: str | list[str] = "borough"
        if parts[0] == "parl":
            kind = "parl-general" if group_type == "election" else "parl-by"
            if kind == "parl-by":
                if f"parl.{poll.isoformat()}" in ids:
                    continue  # a constituency of a general election already listed
                scope = [division or parts[1]]
        elif kind == "local" and group_type is None:
            parent = f"local.{parts[1]}.{poll.isoformat()}"
            if parent in ids:
                continue  # one ward's ballot of an election the file also lists whole
            scope = [division or parts[2]]
        elif kind is None:
            skipped.append({"election_id": eid, "reason": f"'{parts[0]}' elections are not in this calendar's kinds"})
            continue
        try:
            our_id = derive_id(kind, poll, scope)
        except ElectionIdError as exc:
            skipped.append({"election_id": eid, "reason": str(exc)})
            continue
        if our_id in found:
            continue
        name = item.get("election_title") or eid
        found[our_id] = {"id": our_id, "name": str(name)[:200], "kind": kind, "poll_date": poll,
                         "notice_date": None, "ends_override": None, "scope": scope,
                         "notes": f"Imported from Democracy Club ({eid})"}
    return list(found.values()), skipped
