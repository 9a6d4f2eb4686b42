"""Council channels: the official accounts whose posts count as council-channel posts, with what the
policy asks comms to keep about each (authorisation, owner, who has access, when the password was last
changed; never the password itself).

Checks never query the database for them: each server process keeps the registered handles in memory
and reloads them when `store_state.channels_version` moves (every channel change bumps it in the same
transaction, through `store.changes`), exactly as the calendar is kept current.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from dataclasses import dataclass

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates, validates_schema
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from postcheck.polling import Poller
from postcheck.api.fields import FreeText, Name, UkDate, text_problem
from postcheck.store import changes
from postcheck.store.database import Store, StoreUnavailable
from postcheck.store.models import CouncilChannel, StoreState

log = logging.getLogger(__name__)

PLATFORMS = ("twitter", "facebook", "instagram", "linkedin", "tiktok", "youtube", "threads", "bluesky", "other")
PLATFORM_NAMES = {"twitter": "X (Twitter)", "facebook": "Facebook", "instagram": "Instagram", "linkedin": "LinkedIn",
                  "tiktok": "TikTok", "youtube": "YouTube", "threads": "Threads", "bluesky": "Bluesky", "other": "Other"}
_HANDLE = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")
_URL = re.compile(r"^(?:https?://)?(?:www\.|m\.)?[a-z0-9.\-]+\.[a-z]{2,}/(?:@)?([^/?#\s]+)", re.IGNORECASE)


def handle_key(handle: str) -> str:
    """How the check compares handles (engine.evaluate.account_type): no @, lower case."""
    return handle.strip().lstrip("@").lower()


def normalise_handle(value: str) -> str:
    """`@Name` from what comms paste: a handle with or without @, or the channel's address."""
    text = (value or "").strip()
    found = _URL.match(text)
    if found:
        text = found.group(1)
    text = text.lstrip("@")
    if not _HANDLE.match(text):
        raise ValidationError("Give the handle as it appears on the platform, e.g. @HaringeyParks "
                              "(letters, digits, _ . - only), or paste the channel's address.")
    return "@" + text


def _names(value) -> list[str]:
    """One name per line (or separated by ;), blanks dropped, duplicates dropped."""
    if isinstance(value, str):
        value = re.split(r"[\n;]", value)
    return list(dict.fromkeys(v.strip() for v in value or [] if v and v.strip()))


class StaffField(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        names = _names(value)
        if len(names) > 100 or any(len(n) > 200 for n in names):
            raise ValidationError("List at most 100 people, each name under 200 characters.")
        problems = [f"Name {n}: {problem}" for n, name in enumerate(names, start=1) if (problem := text_problem(name))]
        if problems:
            raise ValidationError(" ".join(problems))
        return names


class ChannelSchema(Schema):
    """What comms enter for a channel. The same schema would serve a JSON API."""

    class Meta:
        unknown = EXCLUDE  # a form carries its CSRF token and buttons too
    platform = fields.String(required=True, validate=validate.OneOf(PLATFORMS, error="Choose the platform."))
    handle = Name(required=True)
    team = Name(required=True, validate=validate.Length(min=1, max=200, error="Say which team runs it."))
    owner_name = Name(required=True, validate=validate.Length(
        min=1, max=200, error="Name the person responsible for the channel."))
    owner_contact = Name(required=True, validate=validate.Length(
        min=1, max=200, error="Give an email address or phone number for the owner."))
    authorised_on = UkDate(allow_none=True, load_default=None)
    authorised_by = Name(load_default="", validate=validate.Length(max=200))
    password_changed_on = UkDate(allow_none=True, load_default=None)
    staff_with_access = StaffField(load_default=list)
    notes = FreeText(load_default="", validate=validate.Length(max=2000))

    @validates("handle")
    def _handle(self, value, **kwargs):
        normalise_handle(value)

    @validates_schema
    def _dates_not_in_future(self, data, **kwargs):
        today = dt.date.today()
        for name in ("authorised_on", "password_changed_on"):
            if data.get(name) and data[name] > today + dt.timedelta(days=1):
                raise ValidationError("This date is in the future; give the day it happened.", name)

    def load(self, data, **kwargs):
        # Forms send blanks: a blank date means "not known", and a name of spaces is no name.
        cleaned = {}
        for key, value in dict(data).items():
            if isinstance(value, str) and key != "staff_with_access":
                value = value.strip()
            if key in ("authorised_on", "password_changed_on") and not value:
                value = None
            cleaned[key] = value
        result = super().load(cleaned, **kwargs)
        if "handle" in result:
            result["handle"] = normalise_handle(result["handle"])
            result["handle_key"] = handle_key(result["handle"])
        return result


class DuplicateChannel(ValueError):
    pass


def list_channels(session: Session) -> list[CouncilChannel]:
    return list(session.scalars(select(CouncilChannel).order_by(CouncilChannel.platform, CouncilChannel.handle_key)))


def _clash(session: Session, data: dict, but: CouncilChannel | None = None) -> None:
    other = session.scalar(select(CouncilChannel).where(CouncilChannel.platform == data["platform"],
                                                        CouncilChannel.handle_key == data["handle_key"]))
    if other is not None and other is not but:
        raise DuplicateChannel(f"{other.handle} on {PLATFORM_NAMES[other.platform]} is already registered; edit that entry.")


def create_channel(session: Session, data: dict, actor: str, request_id: str = "") -> CouncilChannel:
    _clash(session, data)
    return changes.create(session, CouncilChannel(**data), actor, request_id)


def update_channel(session: Session, row: CouncilChannel, data: dict, actor: str, today: dt.date,
                   request_id: str = "") -> CouncilChannel:
    """A change of who has access is dated, so the review flag can ask for a new password."""
    _clash(session, data, but=row)
    values = dict(data)
    if "staff_with_access" in values and sorted(values["staff_with_access"]) != sorted(row.staff_with_access or []):
        values["access_changed_on"] = today
    return changes.update(session, row, values, actor, request_id)


def delete_channel(session: Session, row: CouncilChannel, actor: str, request_id: str = "") -> None:
    changes.delete(session, row, actor, request_id)


@dataclass(frozen=True)
class Flag:
    kind: str      # password-age, access-changed, no-password-date, not-authorised
    message: str


def review_flags(row, today: dt.date, max_password_age_days: int) -> list[Flag]:
    """What the policy's access review should look at for this channel, most urgent first."""
    flags = []
    changed = row.password_changed_on
    if changed is None:
        flags.append(Flag("no-password-date", "No password change recorded: change it and record the date."))
    elif (today - changed).days > max_password_age_days:
        flags.append(Flag("password-age", f"Password last changed {(today - changed).days} days ago "
                                          f"(the limit is {max_password_age_days}): change it."))
    if row.access_changed_on and (changed is None or row.access_changed_on > changed):
        flags.append(Flag("access-changed", f"Staff with access changed on {row.access_changed_on:%-d %B %Y}, after "
                                            "the last password change: change the password."))
    if row.authorised_on is None:
        flags.append(Flag("not-authorised", "No authorisation recorded: the policy requires each channel to be "
                                            "authorised before use."))
    return flags


class LiveChannels:
    """The registered handles every check reads (`handles`), reloaded only when the version row moves."""

    def __init__(self, store: Store):
        self.store = store
        self.handles: tuple[str, ...] = ()
        self.last_error: str | None = None
        self._seen: int | None = None
        self._lock = threading.Lock()
        self._poller = Poller("postcheck-channels-poll", self.refresh)

    def refresh(self, force: bool = False) -> bool:
        """Reloads if a channel changed. True when `handles` is current. Call after the schema exists."""
        with self._lock:
            try:
                with self.store.transaction() as session:
                    version = session.scalar(select(StoreState.channels_version).where(StoreState.id == 1))
                    unchanged = version == self._seen and not force
                    if not unchanged:
                        handles = tuple(session.scalars(select(CouncilChannel.handle)
                                                        .order_by(CouncilChannel.handle_key)))
            except (StoreUnavailable, SQLAlchemyError) as exc:
                # Checks go on with the handles they had; the next poll that succeeds recovers. Said once
                # per outage, not at every poll (each process polls every few seconds).
                if self.last_error is None:
                    log.error("council channels could not be read, checks use the last loaded list: %s",
                              type(exc).__name__)
                self.last_error = type(exc).__name__
                return False
            if self.last_error is not None:
                log.info("council channels readable again")
                self.last_error = None
            if not unchanged:
                self.handles, self._seen = handles, version
            return True

    def watch(self, interval: float) -> None:
        """Polls every `interval` seconds on a background thread (idempotent); one per server process."""
        self._poller.start(interval)

    def stop(self) -> None:
        self._poller.stop()
