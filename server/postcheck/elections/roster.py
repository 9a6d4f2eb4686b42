"""The political roster as the election rules see it (the `roster.*` lexicons) and as comms exchange
it (one CSV file: a row per party or group, person, or generic role)."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from postcheck.store.models import Party, Person, Role

CSV_COLUMNS = ("type", "name", "kind", "party", "ward", "aliases", "handles", "hashtags", "slogans", "roles")
LIST_COLUMNS = ("aliases", "handles", "hashtags", "slogans", "roles")
CSV_TYPES = {"party": Party, "person": Person, "role": Role}
_SEPARATOR = ";"  # inside a cell; commas separate the cells, and names can hold neither


class RosterCsvError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def lexicons(session: Session) -> dict[str, list[str]]:
    """What the rules' `roster.parties`, `roster.slogans`, `roster.roles` and `roster.people` match."""
    parties, slogans, people = [], [], []
    roles = list(session.scalars(select(Role.name).order_by(Role.name)))
    for party in session.scalars(select(Party).order_by(Party.name)):
        parties += [party.name, *party.aliases]
        slogans += [*party.slogans, *party.hashtags]
    for person in session.scalars(select(Person).order_by(Person.name)):
        people += [person.name, *person.aliases, *person.handles]
        roles += person.roles
    dedupe = lambda words: list(dict.fromkeys(w for w in words if w and w.strip()))  # noqa: E731
    return {"roster.parties": dedupe(parties), "roster.slogans": dedupe(slogans),
            "roster.roles": dedupe(roles), "roster.people": dedupe(people)}


def export_csv(session: Session) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for type_name, model in CSV_TYPES.items():
        for row in session.scalars(select(model).order_by(model.name)):
            record = {"type": type_name, "name": row.name}
            for column in CSV_COLUMNS[2:]:
                if hasattr(row, column):
                    value = getattr(row, column)
                    record[column] = f"{_SEPARATOR} ".join(value) if column in LIST_COLUMNS else value
            writer.writerow(record)
    return out.getvalue()


def csv_records(reader):
    """The records of a csv.reader or csv.DictReader (whose header is read here), with csv's own
    refusals as a RosterCsvError naming the line the record starts on. The one csv raises on any file
    is a cell longer than csv.field_size_limit() (131,072 characters): no name is that long (200 at
    most), so it is a broken file, most often a quote never closed, which makes the rest of the file
    one cell (a 500 before)."""
    if isinstance(reader, csv.DictReader):
        try:
            reader.fieldnames  # reads the header
        except csv.Error as exc:
            raise _refused(1, exc) from None
    return _records(reader)


def _records(reader):
    # A DictReader's own line_num moves only once a record is read whole; its inner reader's at once.
    lines = reader.reader if isinstance(reader, csv.DictReader) else reader
    while True:
        start = lines.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _refused(start, exc) from None
        yield record


def _refused(line: int, exc: csv.Error) -> RosterCsvError:
    if "field limit" in str(exc):
        why = f"a cell is longer than {csv.field_size_limit():,} characters (is a closing quote \" missing?)"
    else:
        why = f"this is not readable as CSV ({exc})"
    return RosterCsvError([f"line {line}: {why}"])


def parse_csv(text: str) -> list[tuple[str, dict]]:
    """(type, fields) per row, lists split; only the columns that type has. Problems name their line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))  # Excel saves UTF-8 with a BOM
    records = csv_records(reader)
    if not reader.fieldnames or "type" not in reader.fieldnames or "name" not in reader.fieldnames:
        raise RosterCsvError([f"the first line must name the columns: {', '.join(CSV_COLUMNS)}"])
    unknown = [c for c in reader.fieldnames if c not in CSV_COLUMNS]
    if unknown:
        raise RosterCsvError([f"unknown column(s): {', '.join(unknown)}"])
    rows, problems = [], []
    for line, record in enumerate(records, start=2):
        type_name = (record.get("type") or "").strip().lower()
        if type_name not in CSV_TYPES:
            problems.append(f"line {line}: type must be one of {', '.join(CSV_TYPES)}")
            continue
        model = CSV_TYPES[type_name]
        fields = {}
        for column, value in record.items():
            if column in ("type", None) or not hasattr(model, column):
                continue
            value = (value or "").strip()
            fields[column] = [v.strip() for v in value.split(_SEPARATOR) if v.strip()] if column in LIST_COLUMNS else value
        rows.append((type_name, fields))
    if problems:
        raise RosterCsvError(problems)
    return rows
