"""The database: SQLAlchemy models, the engine and sessions, Alembic migrations, first-start seeding."""
from postcheck.store.database import DatabaseFileChanged, Store, StoreUnavailable, UnstorableText

__all__ = ["DatabaseFileChanged", "Store", "StoreUnavailable", "UnstorableText"]
