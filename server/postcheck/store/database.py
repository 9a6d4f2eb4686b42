"""The engine, sessions and schema upgrades. SQLite in the instance folder by default; PostgreSQL (or
anything SQLAlchemy speaks) by `POSTCHECK_DATABASE_URL`."""
from __future__ import annotations

import logging
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, select, text, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, StatementError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from postcheck.store.models import StoreState

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant: PostgreSQL's advisory lock that lets only one process at a time upgrade the schema.
_MIGRATION_LOCK = 7_140_501


class StoreUnavailable(RuntimeError):
    """The database cannot be reached (or answered with a connection-level error)."""


class DatabaseFileChanged(StoreUnavailable):
    """The SQLite file is gone, or was replaced by one that is not a postcheck database at this version.
    Nothing is written until a good file is back at the path."""


class UnstorableText(ValueError):
    """A value holds a NUL character, which PostgreSQL refuses in text (SQLite would keep it): refused
    the same way on every backend before the database sees it, so the caller can answer 422."""


def _refuse_nul(_conn, _cursor, _statement, parameters, _context, executemany):
    rows = parameters if executemany else [parameters]
    for row in rows:
        values = row.values() if isinstance(row, dict) else (row or ())
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise UnstorableText("Text with a NUL character (U+0000) cannot be saved; remove it and try again.")


def default_url(instance_path: str | Path, testing: bool = False) -> str:
    if testing:
        return "sqlite://"  # each test app gets a private in-memory database
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():  # the instance folder sits inside the checkout; keep the database out of git
        ignore.write_text("*\n", encoding="utf-8")
    return f"sqlite:///{folder / 'postcheck.sqlite3'}"


def make_engine(url: str, connect_timeout: float = 3.0) -> Engine:
    engine = _make_engine(url, connect_timeout)
    event.listen(engine, "before_cursor_execute", _refuse_nul)
    return engine


def _make_engine(url: str, connect_timeout: float) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        memory = parsed.database in (None, "", ":memory:")
        # `timeout`: how long a write waits for another process's write lock before giving up (503).
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": connect_timeout},
                               poolclass=StaticPool if memory else None)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            if not memory:  # readers in other processes keep reading while one process writes
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL" if not memory else "PRAGMA synchronous=OFF")
            cursor.close()
        return engine
    args = {"connect_timeout": max(1, int(connect_timeout))} if parsed.get_backend_name() == "postgresql" else {}
    return create_engine(url, pool_pre_ping=True, connect_args=args)


def _is_connection_error(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


class Store:
    def __init__(self, url: str, connect_timeout: float = 3.0):
        self.url = url
        self.engine = make_engine(url, connect_timeout)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        parsed = make_url(url)
        on_file = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
        self.file = Path(parsed.database).resolve() if on_file else None
        self._file_identity: tuple[int, int] | None = None
        self._file_lock = threading.Lock()
        self._file_refused: str | None = None

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def check_file(self) -> None:
        """SQLite: is the file at the path still the one this process opened (device and inode)?

        A file deleted under a running server kept taking writes into the unlinked inode, acknowledged
        and lost at the next start. So: no file, no writes (DatabaseFileChanged, a 503), and never a
        connection that would create an empty one. A different file at the path (a backup put back) is
        taken up when it is a postcheck database at this version: the old connections are dropped and
        the next ones open the new file, with no restart. One stat() per transaction."""
        if self.file is None:
            return
        try:
            found = os.stat(self.file)
        except FileNotFoundError:
            self._refuse(f"the database file {self.file} is missing: no changes are saved until it is put back "
                         f"(from a backup), which postcheck takes up without a restart")
        identity = (found.st_dev, found.st_ino)
        if identity == self._file_identity:
            return
        with self._file_lock:
            if self._file_identity is None:
                self._file_identity = identity  # the first look: this is the file opened
                return
            if identity == self._file_identity:
                return
            self.engine.dispose()  # connections to the old file go; new ones open the file at the path
            if not self._at_current_version():
                self._refuse(f"the database file {self.file} was replaced by one that is not a postcheck database "
                             f"at this version: no changes are saved until the right file (or a backup) is back")
            log.warning("the database file %s was replaced; postcheck now uses the new file", self.file)
            self._file_identity = identity
            self._file_refused = None

    def _refuse(self, why: str):
        if why != self._file_refused:  # said once in the log, not at every request
            log.error("%s", why)
            self._file_refused = why
        raise DatabaseFileChanged("the database file is missing or was replaced (the server log says which)")

    def _at_current_version(self) -> bool:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(config).get_current_head()
        try:
            with self.engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision() == head
        except (OperationalError, DBAPIError):
            return False

    @contextmanager
    def transaction(self):
        """A session in one transaction: committed on success, rolled back on any error. Connection
        failures become StoreUnavailable so callers can answer 503 instead of 500."""
        self.check_file()
        try:
            with self._sessions.begin() as session:
                yield session
        except (OperationalError, DBAPIError) as exc:
            if _is_connection_error(exc):
                raise StoreUnavailable(type(exc.orig or exc).__name__) from exc
            raise
        except StatementError as exc:  # an event's exception arrives wrapped
            if isinstance(exc.orig, UnstorableText):
                raise exc.orig from None
            raise

    def session(self) -> Session:
        return self._sessions()

    def upgrade(self, attempts: int = 3) -> None:
        """Brings the schema to the newest migration. Several processes may start at once: PostgreSQL
        serialises them with an advisory lock; on SQLite a loser retries and finds the work done."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        for attempt in range(1, attempts + 1):
            try:
                with self.engine.begin() as connection:
                    if self.backend == "postgresql":
                        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                return
            except OperationalError as exc:
                if attempt == attempts or _is_connection_error(exc) and self.backend != "sqlite":
                    raise StoreUnavailable(type(exc.orig or exc).__name__) from exc
                time.sleep(0.2 * attempt)

    def versions(self) -> tuple[int, int]:
        """(calendar_version, roster_version): the one query each process runs every few seconds."""
        self.check_file()
        try:
            with self.engine.connect() as connection:
                row = connection.execute(select(StoreState.calendar_version, StoreState.roster_version)
                                         .where(StoreState.id == 1)).one()
            return row[0], row[1]
        except (OperationalError, DBAPIError) as exc:
            raise StoreUnavailable(type(getattr(exc, "orig", None) or exc).__name__) from exc

    @staticmethod
    def bump(session: Session, *, calendar: bool = False, roster: bool = False, channels: bool = False) -> None:
        """Tells every process that something changed, in the same transaction as the change itself."""
        values = {}
        if channels:
            values["channels_version"] = StoreState.channels_version + 1
        if calendar:
            values["calendar_version"] = StoreState.calendar_version + 1
        if roster:
            values["roster_version"] = StoreState.roster_version + 1
        if values:
            session.execute(update(StoreState).where(StoreState.id == 1).values(**values))

    def dispose(self) -> None:
        self.engine.dispose()
