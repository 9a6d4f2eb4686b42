"""Every change to the store goes through here: written, audited and announced to the other server
processes in one transaction, so a crash leaves either all three or none."""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from postcheck.store.database import Store
from postcheck.store.models import AuditEntry, CouncilChannel, Election, NonWorkingDay, Party, Person, Role, as_record

log = logging.getLogger(__name__)

_CALENDAR = (Election, NonWorkingDay)
_ROSTER = (Party, Person, Role)
ENTITY_NAMES = {Election: "election", NonWorkingDay: "non-working-day", Party: "party", Person: "person", Role: "role",
                CouncilChannel: "channel"}


def _entity(row) -> str:
    return ENTITY_NAMES.get(type(row), type(row).__tablename__)


def _key(row) -> str:
    return str(getattr(row, "id", None) or getattr(row, "day", ""))


def audit(session: Session, actor: str, action: str, entity: str, entity_id: str,
          before: dict | None, after: dict | None, request_id: str = "") -> None:
    session.add(AuditEntry(actor=actor, action=action, entity=entity, entity_id=entity_id,
                           before=before, after=after, request_id=request_id))
    # Who and what, never the values: the log is read by more people than the audit table.
    log.info("%s %s %s by %s", action, entity, entity_id, actor)


def _announce(session: Session, row) -> None:
    Store.bump(session, calendar=isinstance(row, _CALENDAR), roster=isinstance(row, _ROSTER),
               channels=isinstance(row, CouncilChannel))


def create(session: Session, row, actor: str, request_id: str = ""):
    session.add(row)
    session.flush()
    audit(session, actor, "create", _entity(row), _key(row), None, as_record(row), request_id)
    _announce(session, row)
    return row


def update(session: Session, row, values: dict, actor: str, request_id: str = ""):
    before = as_record(row)
    for name, value in values.items():
        setattr(row, name, value)
    if not session.is_modified(row):
        return row
    session.flush()  # raises StaleDataError if another process changed the row since it was read
    audit(session, actor, "update", _entity(row), _key(row), before, as_record(row), request_id)
    _announce(session, row)
    return row


def delete(session: Session, row, actor: str, request_id: str = "") -> None:
    before = as_record(row)
    session.delete(row)
    session.flush()
    audit(session, actor, "delete", _entity(row), _key(row), before, None, request_id)
    _announce(session, row)
