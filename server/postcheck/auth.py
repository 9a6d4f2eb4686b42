"""Bearer tokens for the admin API: roles `comms` (calendar and roster) and `admin` (everything,
tokens included). Only a SHA-256 of each token is stored; tokens are long random strings, so a plain
hash is enough (there is nothing to brute-force), and the token itself is never logged."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import secrets
from dataclasses import dataclass

from flask import abort, g, request
from sqlalchemy import delete, select
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from postcheck.api.documented import bearer_token
from postcheck.store.changes import audit
from postcheck.store.database import Store
from postcheck.store.models import AdminSession, Token, as_record, utcnow

log = logging.getLogger(__name__)

ROLES = ("comms", "admin")
_PREFIX = "pc_"


@dataclass(frozen=True)
class Caller:
    token_id: int
    name: str
    role: str

    @property
    def actor(self) -> str:
        return f"{self.name} (token {self.token_id}, {self.role})"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: Store, name: str, role: str, actor: str) -> tuple[str, Token]:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not name.strip():
        raise ValueError("give the token a name that says whose it is")
    plain = _PREFIX + secrets.token_urlsafe(32)
    with store.transaction() as session:
        row = Token(name=name.strip(), role=role, token_hash=hash_token(plain))
        session.add(row)
        session.flush()
        audit(session, actor, "create", "token", str(row.id), None, as_record(row))
    return plain, row


def revoke_token(store: Store, token_id: int, actor: str) -> Token | None:
    with store.transaction() as session:
        row = session.get(Token, token_id)
        if row is None or row.revoked_at is not None:
            return row
        before = as_record(row)
        row.revoked_at = utcnow()
        session.execute(delete(AdminSession).where(AdminSession.token_id == row.id))  # its sign-ins end too
        session.flush()
        audit(session, actor, "revoke", "token", str(row.id), before, as_record(row))
    return row


# A session's last use is written at most this often: a page opened every second costs no write each.
_SEEN_EVERY = dt.timedelta(minutes=1)


def start_session(store: Store, caller: Caller, idle: dt.timedelta) -> str:
    """A new sign-in for `caller`: the random id for the cookie (only its hash is stored). Sessions
    idle for longer than `idle` are cleared out on the way."""
    plain = secrets.token_urlsafe(32)
    now = utcnow()
    with store.transaction() as session:
        session.execute(delete(AdminSession).where(AdminSession.last_seen_at < now - idle))
        session.add(AdminSession(session_hash=hash_token(plain), token_id=caller.token_id, created_at=now,
                                 last_seen_at=now))
    return plain


def session_caller(store: Store, session_id: str, idle: dt.timedelta) -> Caller | None:
    """Who a sign-in belongs to, or None once it was ended, idled out, or its token revoked."""
    now = utcnow()
    with store.transaction() as session:
        row = session.scalar(select(AdminSession).where(AdminSession.session_hash == hash_token(session_id)))
        if row is None:
            return None
        token = session.get(Token, row.token_id)
        if token is None or token.revoked_at is not None or now - row.last_seen_at > idle:
            session.delete(row)
            return None
        if now - row.last_seen_at > _SEEN_EVERY:
            row.last_seen_at = now
        return Caller(token.id, token.name, token.role)


def end_session(store: Store, session_id: str) -> None:
    """Signing out: the session ends on every server at once, whatever copies of the cookie exist."""
    with store.transaction() as session:
        session.execute(delete(AdminSession).where(AdminSession.session_hash == hash_token(session_id)))


def list_tokens(store: Store) -> list[Token]:
    with store.transaction() as session:
        return list(session.scalars(select(Token).order_by(Token.id)))


def find_caller(store: Store, token: str) -> Caller | None:
    """The holder of a token, or None when it is unknown or revoked (the API and the /admin sign-in)."""
    with store.transaction() as session:
        row = session.scalar(select(Token).where(Token.token_hash == hash_token(token.strip())))
    return None if row is None or row.revoked_at is not None else Caller(row.id, row.name, row.role)


def _caller(store: Store) -> Caller:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(description="Send a token: Authorization: Bearer <token> (ask IT for one).",
                           www_authenticate=WWWAuthenticate("bearer", {"realm": "postcheck"}))
    caller = find_caller(store, token)
    if caller is None:
        raise Unauthorized(description="That token is not valid or has been revoked.",
                           www_authenticate=WWWAuthenticate("bearer", {"realm": "postcheck", "error": "invalid_token"}))
    return caller


def require(role: str = "comms"):
    """The view needs a valid token; `admin` tokens may do anything a `comms` token may."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            from postcheck.services import services
            caller = _caller(services().store)
            if role == "admin" and caller.role != "admin":
                abort(403, description="This needs an admin token.")
            g.caller = caller
            return view(*args, **kwargs)
        # The OpenAPI document lists the token and the 401/403/503 this guard answers on every route
        # it guards (the fuzzer in tests/hardening/ found them missing).
        return bearer_token(role)(wrapper)
    return decorate


def actor() -> str:
    return g.caller.actor


def request_id() -> str:
    return g.get("request_id", "")
