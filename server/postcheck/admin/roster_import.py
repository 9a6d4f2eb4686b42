"""A roster CSV import in two steps: a plan (what would be added, changed, removed; which rows are
rejected and why) shown to comms first, then the same plan applied through `store.changes`.

Unlike the API's all-or-nothing import, the page applies the good rows and reports the rejected ones,
because comms fix a spreadsheet row by row. The file is read by `elections.roster.parse_csv` and each
row validated by the API's own roster schemas."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from postcheck.admin.forms import flatten_errors
from postcheck.api.roster import COLLECTIONS
from postcheck.elections.roster import CSV_COLUMNS, CSV_TYPES, RosterCsvError, csv_records, parse_csv
from postcheck.store import changes
from postcheck.store.models import as_record

_SCHEMAS = {"party": COLLECTIONS["parties"][1], "person": COLLECTIONS["people"][1], "role": COLLECTIONS["roles"][1]}


@dataclass
class Change:
    action: str      # create, update, delete
    type: str        # party, person, role
    name: str
    fields: dict     # for create and update: the values to write
    changed: list[str] = field(default_factory=list)  # for update: which fields differ


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, why)
    unchanged: int = 0
    problem: str | None = None  # the whole file is unusable (no header, unknown columns)

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)


def _rows_with_lines(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))  # Excel saves UTF-8 with a BOM
    records = csv_records(reader)  # a file csv refuses (a cell of 131,072 characters): RosterCsvError
    header = next(records, None) or []
    rows = []
    for record in records:
        if any(cell.strip() for cell in record):
            rows.append((reader.line_num, record))
    return header, rows


def plan_import(session: Session, text: str, replace: bool) -> Plan:
    plan = Plan()
    try:
        header, records = _rows_with_lines(text)
        parse_csv(",".join(header) + "\r\n")  # the header alone: missing or unknown columns
    except RosterCsvError as exc:
        plan.problem = "; ".join(exc.problems)
        return plan
    valid: list[tuple[int, str, dict]] = []
    for line, record in records:
        one = io.StringIO()
        csv.writer(one, lineterminator="\r\n").writerows([header, record])
        try:
            ((type_name, data),) = parse_csv(one.getvalue())
        except RosterCsvError as exc:
            plan.rejected.append((line, "; ".join(p.split(": ", 1)[-1] for p in exc.problems)))
            continue
        try:
            valid.append((line, type_name, _SCHEMAS[type_name]().load(data)))
        except ValidationError as exc:
            # flatten_errors: a list cell's messages come per item ({index: [...]}).
            why = "; ".join(f"{name}: {text}" for name, text in flatten_errors(exc.messages).items())
            plan.rejected.append((line, why))
    seen: dict[tuple[str, str], int] = {}
    listed = {t: set() for t in CSV_TYPES}
    for line, type_name, data in valid:
        key = (type_name, data["name"])
        if key in seen:
            plan.rejected.append((line, f"{data['name']} is already on line {seen[key]}"))
            continue
        seen[key] = line
        listed[type_name].add(data["name"])
        model = CSV_TYPES[type_name]
        row = session.scalar(select(model).where(model.name == data["name"]))
        if row is None:
            plan.changes.append(Change("create", type_name, data["name"], data))
            continue
        current = as_record(row)
        changed = [k for k, v in data.items() if current.get(k) != v]
        if changed:
            plan.changes.append(Change("update", type_name, data["name"], data, changed))
        else:
            plan.unchanged += 1
    if replace:
        for type_name, model in CSV_TYPES.items():
            for row in session.scalars(select(model).where(model.name.not_in(listed[type_name])).order_by(model.name)):
                plan.changes.append(Change("delete", type_name, row.name, {}))
    return plan


def apply_plan(session: Session, plan: Plan, actor: str, request_id: str = "") -> None:
    for change in plan.changes:
        model = CSV_TYPES[change.type]
        row = session.scalar(select(model).where(model.name == change.name))
        if change.action == "create" and row is None:
            changes.create(session, model(**change.fields), actor, request_id)
        elif change.action == "update" and row is not None:
            changes.update(session, row, change.fields, actor, request_id)
        elif change.action == "delete" and row is not None:
            changes.delete(session, row, actor, request_id)


COLUMNS = CSV_COLUMNS
