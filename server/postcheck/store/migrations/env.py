"""Alembic's environment: always run from `Store.upgrade`, which hands over an open connection."""
from alembic import context

from postcheck.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("postcheck migrations run from the app on start-up (Store.upgrade), not from the alembic command")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
