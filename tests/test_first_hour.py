"""A newcomer's first hour (issue 18), as a checklist. Each item failed on the code before it was fixed.

1. The command line is quick: tests/test_cli.py checks what each command builds (no app for `--help`,
   `tokens` or `check`; no Hyperscan compile for `--help` and `tokens`; the rules once for `check`);
   the timings themselves are measured by `bench/cli_speed.py`, never in a test.
2. The README's commands run as written: tests/test_readme.py.
3. `make run` logs each request once, never a query string, warns once about the secret key, and no
   page logs a 404 for a favicon: below.
4. Installing the package (what `make run` and `make test` do first) prints no setuptools warning: below.
5. `make test` skips nothing where PostgreSQL can be started: tests/store/backends.py fails under CI
   when it is missing, and tools/test_postgres.sh starts it for `make test`.
"""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "postcheck"


def test_the_package_builds_without_a_setuptools_warning(tmp_path):
    # setuptools' own build step, as `pip install -e .` runs it, into a throwaway folder. With
    # `packages = find:` the templates, static files and migrations (folders without __init__.py) were
    # "installed as data", one 30-line deprecation warning each, in every `make run`'s output.
    built = subprocess.run(
        [sys.executable, "-W", "always", "-c", "from setuptools import setup; setup()",
         "egg_info", "--egg-base", str(tmp_path), "build_py", "--build-lib", str(tmp_path / "lib")],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    output = built.stdout + built.stderr
    assert built.returncode == 0, output
    assert "SetuptoolsDeprecationWarning" not in output and "as data is deprecated" not in output, output
    package = tmp_path / "lib" / "postcheck"
    for data in ("admin/templates/admin/base.html", "admin/static/admin.css", "store/migrations/versions/0001_initial.py"):
        assert (package / data).exists(), data


def test_make_run_logs_each_request_once_warns_once_and_serves_its_favicon(tmp_path):
    """What `make run` starts (`postcheck serve`): a real server process on a loopback port."""
    import json
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "POSTCHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}"}
    env.pop("POSTCHECK_SECRET_KEY", None)
    server = subprocess.Popen([str(BIN), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise AssertionError("the server did not come up: " + (server.stdout.read() if server.poll() is not None else ""))
                time.sleep(0.2)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/check", method="POST",
                                         data=json.dumps({"text": "Tottenham needs napalm"}).encode(),
                                         headers={"Content-Type": "application/json"})
        body = json.loads(urllib.request.urlopen(request, timeout=5).read())
        assert [w["category"] for w in body["warnings"]] == ["violent"]
        # A draft in a query string, as a LanguageTool client may send it.
        urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/check?language=en-GB&text=Meet%20Jo%20Privately", timeout=5)
        # What a browser asks for when a comms officer opens the sign-in page.
        for path in ("/admin/sign-in", "/favicon.ico"):
            assert urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).status == 200, path
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    # One line per request (postcheck.access), not a second one from werkzeug; and the query string,
    # which here is the draft, in neither.
    assert "Privately" not in output
    assert len([line for line in output.splitlines() if "/api/v1/check" in line]) == 1, output
    # The app is built once, and says once that sign-ins use a key of this process only.
    assert output.count("POSTCHECK_SECRET_KEY is not set") == 1, output
    assert "status=404" not in output and "favicon" in output, output
