"""The Debian programs the fleet tests run (nginx, redis-server, wrk, PostgreSQL's, openssl): a test
whose program is missing skips, saying what is missing and how to un-skip it; under CI (`CI` set) it
fails instead, because CI installs every one of them (.ci/run)."""
from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(what: str, how_to_unskip: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {what}")
    pytest.skip(f"{what}. {how_to_unskip}")
