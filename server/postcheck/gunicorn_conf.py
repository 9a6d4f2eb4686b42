"""gunicorn settings for postcheck, read from the same POSTCHECK_* settings as the app (config.py).

    postcheck serve --production
    # which runs: gunicorn -c <this file> postcheck.wsgi:app

Workers are processes (each with its own copy of the rules and calendar, kept in step through the
database); no preloading, so each worker starts its own reload threads after the fork.
"""
import importlib.util
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

# config.py is loaded by path: importing the postcheck package here would import prometheus_client in
# the master before PROMETHEUS_MULTIPROC_DIR is set, and the workers would then not share metrics.
_spec = importlib.util.spec_from_file_location("_postcheck_config", Path(__file__).with_name("config.py"))
_config = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_config)
_settings = _config.load_settings()

# Every worker writes its metric values here and /metrics adds them up.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="postcheck-metrics-")

proc_name = "postcheck"
bind = [_settings["BIND"]]
# A check is CPU work, done while holding Python's global lock: one sync worker per core keeps every core
# busy, and threads would only queue for the lock. The reverse proxy in front (nginx) buffers slow
# clients and holds the keep-alive connections, which is what sync workers need. Measured on 2 cores
# (bench/http_load.py): 2 sync workers answered more checks, with a far shorter tail, than 5 gthread
# workers of 4 threads, whose keep-alive connections also stuck unevenly to one worker or another.
worker_class = _settings["WORKER_CLASS"]
workers = _settings["WORKERS"] or multiprocessing.cpu_count()
threads = _settings["THREADS"] if worker_class == "gthread" else 1
timeout = _settings["WORKER_TIMEOUT_SECONDS"]
graceful_timeout = _settings["WORKER_TIMEOUT_SECONDS"]
keepalive = 5
# Replacing workers every N requests guards against slow leaks, but each new worker compiles the rules
# (about a second of one core): at 1,000 checks a second, N = 10,000 halved throughput every few seconds.
# The soak (bench/http_load.py --soak) shows no growth, so it is off unless IT sets it.
max_requests = _settings["WORKER_MAX_REQUESTS"]
max_requests_jitter = max_requests // 10

# The app logs one event per request itself (path without query string, status, time, request id, in
# JSON or plain), so gunicorn's own access log, which would add the query string, stays off.
accesslog = None
errorlog = "-"
loglevel = _settings["LOG_LEVEL"].lower()
# gunicorn logs a malformed request's whole request line, which can carry a draft: its error log keeps
# only the method and a placeholder (gunicorn_logging.py, loaded by path like config.py).
_log_spec = importlib.util.spec_from_file_location("_postcheck_gunicorn_logging", Path(__file__).with_name("gunicorn_logging.py"))
_logging = importlib.util.module_from_spec(_log_spec)
_log_spec.loader.exec_module(_logging)
logger_class = _logging.PostcheckGunicornLogger

# X-Forwarded-* are the app's business (POSTCHECK_TRUSTED_PROXY_HOPS / _PROXIES); gunicorn must not
# believe a forwarded scheme on its own.
forwarded_allow_ips = ""
secure_scheme_headers = {}


def on_starting(server):
    # Values left by an earlier run would be added to this run's.
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for child in folder.iterdir():
        if child.is_file():
            child.unlink()
        else:
            shutil.rmtree(child, ignore_errors=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    # The app, its rules and the phone-number metadata live as long as the worker: taking them out of
    # the garbage collector's generations keeps its full passes (which stall a request) short.
    import gc

    gc.freeze()
