"""What several hardening tests share: the operations of the OpenAPI document, and a dump of every
row of every table."""
from __future__ import annotations

import functools
import json

from sqlalchemy import select

from postcheck import create_app
from postcheck.store.models import Base
from tests.conftest import RULES_DIR

METHODS = ("get", "put", "post", "patch", "delete")
# A value for each path parameter: enough to reach the view (auth is checked before the row is looked up).
PATH_VALUES = {"election_id": "local.haringey.2026-05-07", "item_id": "1", "token_id": "1", "day": "2026-12-25"}


def openapi_document() -> dict:
    """The document, read from an in-memory app (it does not depend on the data); a copy of its own for
    each caller."""
    return json.loads(_openapi_text())


@functools.cache  # four test modules read it while they are collected, in every one of make test's processes
def _openapi_text() -> str:
    app = create_app({"TESTING": True, "RULES_DIR": str(RULES_DIR), "RULES_RELOAD_SECONDS": 0})
    try:
        return app.test_client().get("/api/v1/openapi.json").get_data(as_text=True)
    finally:
        app.extensions["postcheck"].store.dispose()


def operations(document: dict):
    """(method, path with its parameters filled in, operation) for every operation."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                url = path
                for name, value in PATH_VALUES.items():
                    url = url.replace("{" + name + "}", value)
                yield method.upper(), url, operation


def dump_database(store) -> str:
    """Every row of every table as text, for searching."""
    lines = []
    with store.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(select(table)):
                lines.append(f"{table.name}: {tuple(row)!r}")
    return "\n".join(lines)
