"""The database: SQLAlchemy models, the engine and sessions, Alembic migrations, first-start seeding."""
from postcheck.store.database import Store, StoreUnavailable, UnstorableText

__all__ = ["Store", "StoreUnavailable", "UnstorableText"]
