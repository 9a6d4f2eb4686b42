"""Issue 17, item 4: a body over the limit answers 413 whether or not it says its length up front. A
chunked roster CSV of 1.8 MB was read up to the 1,000,000-byte cut and answered 200; with
`?replace=true` every row past the cut would have been deleted."""
from __future__ import annotations

import io

from tests.hardening.conftest import admin, api, comms, database_url, store_app  # noqa: F401  (fixtures)


def _chunked(api, path, body: bytes, headers: dict):
    """A request as a WSGI server hands over a chunked body: no CONTENT_LENGTH, the stream ends itself."""
    return api.open(path, method="POST", input_stream=io.BytesIO(body),
                    headers={**headers, "Transfer-Encoding": "chunked"},
                    environ_overrides={"wsgi.input_terminated": True})


def _roster_csv(rows: int) -> bytes:
    lines = ["type,name,kind"]
    lines += [f"person,Person {i:06d} Longname-{'x' * 40},councillor" for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_a_chunked_roster_over_the_limit_answers_413_and_changes_nothing(api, comms):
    before = api.get("/api/v1/roster", headers=comms).get_json()
    body = _roster_csv(30_000)
    assert len(body) > 1_800_000
    response = _chunked(api, "/api/v1/roster.csv?replace=true", body, {**comms, "Content-Type": "text/csv"})
    assert response.status_code == 413, response.get_data(as_text=True)[:300]
    assert response.get_json()["code"] == 413
    assert api.get("/api/v1/roster", headers=comms).get_json() == before


def test_a_chunked_body_within_the_limit_is_read_whole(api, comms):
    response = _chunked(api, "/api/v1/roster.csv", _roster_csv(3), {**comms, "Content-Type": "text/csv"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["created"] == 3


def test_a_chunked_check_over_the_limit_answers_413(api):
    body = b'{"text": "' + b"a" * 1_000_000 + b'"}'
    response = _chunked(api, "/api/v1/check", body, {"Content-Type": "application/json"})
    assert response.status_code == 413
