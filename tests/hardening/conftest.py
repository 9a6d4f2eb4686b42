"""Fixtures shared by the hardening tests: an app on a real database (tests/store/backends.py) and
tokens made the way IT makes them (postcheck.auth.create_token)."""
from tests.store.backends import admin, api, comms, database_url, store_app  # noqa: F401  (fixtures)
