from tests.store.backends import admin, api, comms, database_url, store_app  # noqa: F401  (fixtures)
