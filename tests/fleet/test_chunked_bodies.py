"""Issue 17, item 4, on a real production server (gunicorn): a chunked body over the limit answers
413, one within it is read whole."""
from __future__ import annotations

import json

import requests

from tests.fleet.servers import ServerProcess


def _chunks(body: bytes, size: int = 64 * 1024):
    for start in range(0, len(body), size):
        yield body[start:start + size]


def test_chunked_bodies_over_the_limit_answer_413_and_within_it_are_read(tmp_path):
    server = ServerProcess(tmp_path, "chunked", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}").wait_ready()
    try:
        url = f"{server.url}/api/v1/check"
        headers = {"Content-Type": "application/json"}
        big = json.dumps({"text": "Tottenham needs napalm " * 80_000}).encode()  # 1.8 MB
        over = requests.post(url, data=_chunks(big), headers=headers, timeout=30)
        assert over.status_code == 413 and over.json()["code"] == 413
        small = json.dumps({"text": "Tottenham needs napalm"}).encode()
        within = requests.post(url, data=_chunks(small, 5), headers=headers, timeout=30)
        assert within.status_code == 200, within.text[:300]
        assert "violent.destroying-a-place" in [w["rule"] for w in within.json()["warnings"]]
    finally:
        server.stop()
