"""Issue 17, items 5 and 6, on a real production server (gunicorn) over raw HTTP: a malformed request
line never puts its text in the log, and no request can forge a log line, in either log format."""
from __future__ import annotations

import json
import socket

import pytest

from tests.fleet.servers import ServerProcess

SECRET_WORDS = "Zebedee Quintessential"


def _raw(server: ServerProcess, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.fixture(params=["plain", "json"])
def server(request, tmp_path):
    server = ServerProcess(tmp_path, "logs", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                           LOG_FORMAT=request.param).wait_ready()
    yield server
    server.stop()


def test_a_request_line_that_was_not_url_encoded_is_answered_400_and_kept_out_of_the_log(server):
    answer = _raw(server, f"GET /v2/check?text=my draft {SECRET_WORDS} is here HTTP/1.1\r\nHost: x\r\n"
                          f"Connection: close\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 400")
    server.stop()
    log = server.log.read_text()
    assert "Zebedee" not in log and "my draft" not in log, "the draft reached gunicorn's log"
    assert "Invalid request from ip=127.0.0.1: malformed request (method " in log
    assert "[request line withheld]" in log


def test_a_forged_line_in_a_path_or_request_id_stays_inside_its_own_event(server):
    answer = _raw(server, b"GET /nothing%0aFORGED-LINE%20status=200%0d%e2%80%a8x HTTP/1.1\r\nHost: x\r\n"
                          b"X-Request-Id: ok status=200 FORGED-ID\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 404")
    server.stop()
    lines = server.log.read_text().splitlines()
    assert not [line for line in lines if line.startswith(("FORGED", "\x0b"))], "a forged line was written"
    assert not [line for line in lines if "FORGED-ID" in line], "a request id that is not an id was logged"
    logged = [line for line in lines if "FORGED-LINE" in line]
    assert len(logged) == 1
    if logged[0].startswith("{"):
        assert json.loads(logged[0])["path"] == "/nothing\\x0aFORGED-LINE status=200\\x0d\\u2028x"
    else:
        assert "path=/nothing\\x0aFORGED-LINE status=200\\x0d\\u2028x" in logged[0]
