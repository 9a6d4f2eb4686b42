import contextlib
import os
import shutil
from pathlib import Path

import pytest

from postcheck import create_app

ROOT = Path(__file__).resolve().parents[1]
RULES_DIR = ROOT / "policy_rules"


# `make test` runs the suite on several processes (pytest-xdist). Who runs what:
# - Every test that starts Chromium with the extension runs in one process, one after another, as the
#   whole suite once did: some write IT's policy to /etc/chromium/policies/managed, which every running
#   Chromium reads, so no other Chromium with the extension may run meanwhile.
# - The comms pages' browser tests share one Chromium and one server in one process.
# - The tests of a module that starts a whole topology once for all its tests (nginx, three servers,
#   Redis, PostgreSQL: tests/fleet) run in one process, so that the module starts it once.
# - The longest tests start first, so that no process is left running one of them alone at the end.
# - The tests that wait on a real browser in real time (a draft's verdict has 1.5 s before Post goes
#   ahead without it) run at normal priority, and every other test at a lower one (nice 10): on a busy
#   machine the CPU goes to the browsers first, and the rest of the suite takes what they leave. The
#   CPU time is the same; the browsers' waits no longer time out beside three busy processes.
# The groups go by path, in the scheduler below: xdist's own `--dist loadgroup` groups nothing under
# pytest 9.2 (pytest-dev/pytest-xdist#1386), and only paths are known where the scheduler runs.
ONE_PROCESS_EACH = {
    "chromium-with-the-extension": ("tests/browser/", "tests/fleet/test_force_install.py",
                                    "tests/fleet/test_rollout_mode.py"),
    "chromium-on-the-comms-pages": ("tests/admin/test_browser.py",),
}
# Paths (or starts of paths) of modules whose tests share one module-scoped topology (or server).
ONE_MODULE_EACH = ("tests/fleet/test_topology_", "tests/fleet/test_rolling_restart.py", "tests/fleet/test_wrk.py")
IN_REAL_TIME = (*(path for paths in ONE_PROCESS_EACH.values() for path in paths), "tests/firefox/")
LOWER_PRIORITY = 10
LONGEST_FIRST = (
    "tests/hardening/test_fuzz.py::test_the_api_answers_as_its_document_says",
    "tests/engine/test_windows.py::test_the_chosen_requirements_do_not_depend_on_the_hash_seed",
    "tests/fleet/test_topology_",
    "tests/fleet/test_rolling_restart.py",
    "tests/hardening/test_faults.py",
    "tests/fleet/test_two_servers.py",
    "tests/fleet/test_log_lines.py",
    "tests/corpus/test_scores.py",
)


def one_process_group(nodeid: str) -> str | None:
    found = next((group for group, paths in ONE_PROCESS_EACH.items() if nodeid.startswith(paths)), None)
    if found is None and nodeid.startswith(ONE_MODULE_EACH):
        return nodeid.split("::", 1)[0]  # the module
    return found


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: pytest without it runs the suite in one process
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        """A group is one unit of work, the biggest first; every other test is a unit of its own."""

        def _split_scope(self, nodeid: str) -> str:
            return one_process_group(nodeid) or nodeid

    return ByGroup(config, log)


def pytest_itemcollected(item):
    # A test that drives Chromium outside the groups' paths would run beside the others: say so at once.
    fixtures = getattr(item, "fixturenames", ())
    if ("playwright_session" in fixtures or "chromium" in fixtures) and one_process_group(item.nodeid) is None:
        raise pytest.UsageError(f"{item.nodeid} drives Chromium: add its file to ONE_PROCESS_EACH in tests/conftest.py")


@pytest.hookimpl(tryfirst=True)  # before the test's fixtures, so that a browser they start inherits it
def pytest_runtest_setup(item):
    if not hasattr(item.config, "workerinput"):
        return  # one process: nothing to share the CPU with
    wanted = 0 if item.nodeid.startswith(IN_REAL_TIME) else LOWER_PRIORITY
    if os.getpriority(os.PRIO_PROCESS, 0) != wanted:
        with contextlib.suppress(PermissionError):  # only root may raise a priority again
            os.setpriority(os.PRIO_PROCESS, 0, wanted)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))  # stable: the rest keep their order


@pytest.fixture(scope="session", autouse=True)
def one_compiled_rule_pack_per_content():
    """Hundreds of tests each build an app, and every app would read and compile the same rule folder
    (about 0.4 s, and a Hyperscan compile on a background thread). Here a pack is compiled once for
    each folder, content and roster, and shared: compiled packs are immutable. A test that edits its
    own copy of the folder, or changes the roster, gets a pack of its own; the loader's own tests call
    the loader directly."""
    import collections
    import hashlib

    from postcheck.engine import pattern_gate, reloading
    from postcheck.engine.loader import rule_files

    real, compiled = reloading.load_rule_pack, collections.OrderedDict()

    def load_once(directory, roster_lexicons=None, **options):
        digest = hashlib.sha256()
        for path in rule_files(Path(directory)):
            digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
        roster = tuple(sorted((k, tuple(v)) for k, v in (roster_lexicons or {}).items()))
        key = (str(Path(directory).resolve()), digest.hexdigest(), roster, tuple(sorted(options.items())),
               pattern_gate.COMPILE_IN_BACKGROUND)
        if key in compiled:
            compiled.move_to_end(key)
        else:
            compiled[key] = real(directory, roster_lexicons, **options)
            if len(compiled) > 8:  # tests that change the roster make a pack each: keep the recent ones
                compiled.popitem(last=False)
        return compiled[key]

    reloading.load_rule_pack = load_once
    yield
    reloading.load_rule_pack = real


@pytest.fixture()
def pattern_gate_off(monkeypatch):
    """Apps built during the test check ungated, as every app does until its gate is ready, with the
    same answers (tests/engine/test_pattern_gate.py proves it). For an app that lives for one test and
    reloads its rules at every roster change: each reload would compile the gate's Hyperscan database
    (about 3 s of CPU on a thread of its own) that the test ends before using."""
    from postcheck.engine import pattern_gate

    monkeypatch.setattr(pattern_gate, "COMPILE_IN_BACKGROUND", False)


@pytest.fixture(autouse=True)
def no_pattern_gate_for_a_database_backed_app(request):
    """Every app on a database of its own is such an app (the session's app and the browser tests'
    server do use the gate)."""
    if "database_url" in request.fixturenames:
        request.getfixturevalue("pattern_gate_off")


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


def missing_tool(reason: str):
    """A tool the test needs is not here: locally a skip that says what to install; under CI a failure,
    because then the suite did not run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so these tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright():
    """The test process's one Playwright: its sync API allows one per thread, and tests/admin,
    tests/browser and tests/fleet each drive Chromium, in whatever order the files come."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as running:
        yield running
