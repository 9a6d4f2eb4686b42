import shutil
from pathlib import Path

import pytest

from postcheck import create_app

ROOT = Path(__file__).resolve().parents[1]
RULES_DIR = ROOT / "policy_rules"


@pytest.fixture(scope="session")
def app():
    return create_app({"TESTING": True, "RULES_DIR": str(RULES_DIR), "RULES_RELOAD_SECONDS": 0})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def rules_copy(tmp_path):
    """A private copy of the rule folder that a test may edit or break."""
    target = tmp_path / "policy_rules"
    shutil.copytree(RULES_DIR, target)
    return target


def post_check(client, **body):
    response = client.post("/api/v1/check", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def utf16_slice(text: str, start: int, end: int) -> str:
    """What a browser's text.slice(start, end) returns: offsets count UTF-16 code units."""
    return text.encode("utf-16-le")[start * 2:end * 2].decode("utf-16-le")


@pytest.fixture(scope="session")
def live_server_url(app):
    """The app served over real HTTP on a free loopback port, for clients that need a socket."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
