"""The production server's gunicorn settings, read from the same POSTCHECK_* settings as the app. Each
case loads the config file in a fresh interpreter, as gunicorn does."""
import json
import os
import subprocess
import sys

import pytest

from tests.fleet.servers import ROOT

CONF = ROOT / "server" / "postcheck" / "gunicorn_conf.py"
READ = f"""
import gc, importlib.util, json
spec = importlib.util.spec_from_file_location("conf", {str(CONF)!r})
conf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(conf)
conf.post_worker_init(None)
print(json.dumps({{"worker_class": conf.worker_class, "workers": conf.workers, "threads": conf.threads,
                  "max_requests": conf.max_requests, "jitter": conf.max_requests_jitter,
                  "frozen": gc.get_freeze_count()}}))
"""


def _read(tmp_path, **settings):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTCHECK_", "PROMETHEUS_"))}
    env.update({f"POSTCHECK_{k}": str(v) for k, v in settings.items()})
    env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path / "metrics")
    return subprocess.run([sys.executable, "-c", READ], env=env, capture_output=True, text=True, timeout=60)


def test_defaults_are_one_sync_worker_per_core_never_recycled(tmp_path):
    done = _read(tmp_path)
    assert done.returncode == 0, done.stderr
    conf = json.loads(done.stdout)
    assert conf["worker_class"] == "sync" and conf["threads"] == 1
    assert conf["workers"] == os.cpu_count()
    assert conf["max_requests"] == 0 and conf["jitter"] == 0
    assert conf["frozen"] > 1000, "a worker freezes its loaded objects out of the garbage collector"


def test_it_can_choose_threads_and_recycling(tmp_path):
    done = _read(tmp_path, WORKER_CLASS="gthread", THREADS=8, WORKERS=3, WORKER_MAX_REQUESTS=5000)
    assert done.returncode == 0, done.stderr
    conf = json.loads(done.stdout)
    assert (conf["worker_class"], conf["workers"], conf["threads"]) == ("gthread", 3, 8)
    assert (conf["max_requests"], conf["jitter"]) == (5000, 500)


@pytest.mark.parametrize("setting, value", [("WORKER_CLASS", "eventlet"), ("WORKER_MAX_REQUESTS", "many")])
def test_a_bad_value_stops_the_server_naming_the_setting(tmp_path, setting, value):
    done = _read(tmp_path, **{setting: value})
    assert done.returncode != 0
    assert f"POSTCHECK_{setting}" in done.stderr
