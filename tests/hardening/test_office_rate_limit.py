"""The per-address check limit fits an office (issue 20, item 6): 50 people typing at once behind one
NAT address, each at the extension's own peak rate, all get answers over real HTTP; the next check
past the limit gets 429; and a header the client sets (X-Forwarded-For) does not let it count as
someone else, so no client escapes the limit by forging one."""
from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from limits import parse
from werkzeug.serving import make_server

from postcheck import create_app
from postcheck.config import load_settings
from postcheck.limits import limiter
from tests.conftest import RULES_DIR

CHECKER = Path(__file__).resolve().parents[2] / "extension" / "src" / "content" / "draft-checker.js"
PEOPLE = 50
POSTS_PER_MINUTE = 2  # a check at Post when the verdict is not known yet: at most one per post


def peak_checks_per_person_per_minute() -> int:
    """From the extension's own throttle: a bucket of BURST checks refilled one per REFILL_MS, which
    every check while typing draws on (draft-checker.js), plus the checks at Post."""
    source = CHECKER.read_text()
    burst = int(re.search(r"const BURST = (\d+);", source).group(1))
    refill_ms = int(re.search(r"const REFILL_MS = (\d+);", source).group(1))
    return burst + 60000 // refill_ms + POSTS_PER_MINUTE


@pytest.fixture()
def live_default_limit():
    """The app with its default check limit (nothing overridden), over real HTTP."""
    app = create_app({"TESTING": True, "RULES_DIR": str(RULES_DIR), "RULES_RELOAD_SECONDS": 0})
    limiter.reset()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    limiter.reset()
    app.extensions["postcheck"].store.dispose()


def check(url: str, n: int, headers: dict | None = None) -> int:
    body = f'{{"text": "Lovely sunny day for the park run, draft {n}"}}'.encode()
    request = urllib.request.Request(f"{url}/api/v1/check", data=body, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_fifty_people_typing_behind_one_address_are_never_refused_and_the_next_past_the_limit_is(live_default_limit):
    limit = parse(load_settings({}, environ={})["CHECK_RATE_LIMIT"])
    per_minute = limit.amount * 60 // limit.get_expiry()
    office = PEOPLE * peak_checks_per_person_per_minute()
    assert office <= per_minute, f"{PEOPLE} people at their peak ask {office} times a minute; the limit is {per_minute}"

    # The window opens at the first check and lasts a minute: all of this happens inside it.
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda n: check(live_default_limit, n), range(office)))
        assert statuses == [200] * office, f"{statuses.count(429)} of {office} refused"
        rest = list(pool.map(lambda n: check(live_default_limit, n), range(office, per_minute)))
    assert rest == [200] * (per_minute - office)

    assert check(live_default_limit, -1) == 429
    # A client that claims to be someone else is still itself: the server trusts no proxy by default.
    assert check(live_default_limit, -2, {"X-Forwarded-For": "203.0.113.9"}) == 429
    assert check(live_default_limit, -3, {"X-Real-IP": "198.51.100.4", "Forwarded": "for=198.51.100.4"}) == 429
