"""A throwaway PostgreSQL cluster of its own (initdb) on a free loopback port, for tests that stop the
database under a running fleet and start it again: `.stop()` is `pg_ctl stop -m fast`, as an operator's
restart, and `.start()` brings the same data back on the same port.

As root it runs as Debian's postgres user (initdb refuses root), as tools/test_postgres.sh does. That
user cannot enter pytest's tmp_path (/tmp/pytest-of-root is private to root), so as root the cluster's
own files live in a folder of their own under the system temporary folder, which `.close()` removes;
the server's log is copied into the test's folder when it stops, for reading after a failure."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.fleet.conftest import free_port
from tests.fleet.programs import missing

UNSKIP = ("To run it: install Debian's PostgreSQL (sudo apt-get install postgresql); its service need not run. "
          "As root, the package's postgres user runs the test server")


def postgres_programs_or_skip() -> Path:
    """The newest installed PostgreSQL's bin folder (Debian keeps each major version apart)."""
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name)
                     if p.parent.name.isdigit() else 0)
    if not folders or not (folders[-1] / "pg_ctl").exists():
        missing("PostgreSQL's programs are not installed (no /usr/lib/postgresql/*/bin/pg_ctl)", UNSKIP)
    return folders[-1]


class PostgresServer:
    def __init__(self, folder: Path):
        self.bin = postgres_programs_or_skip()
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.as_root = os.geteuid() == 0
        if self.as_root:
            try:
                import pwd
                self.owner = pwd.getpwnam("postgres")
            except KeyError:
                missing("running as root and there is no postgres user to run PostgreSQL as", UNSKIP)
            self.home = Path(tempfile.mkdtemp(prefix="postcheck-pg-"))
            os.chown(self.home, self.owner.pw_uid, self.owner.pw_gid)
        else:
            self.home = self.folder / "postgres"
            self.home.mkdir()
        self.data = self.home / "data"
        self.server_log = self.home / "server.log"
        self.port = 0
        self.url = ""
        self.initialised = False

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        return subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=timeout)

    def _pg_ctl_start(self) -> subprocess.CompletedProcess:
        options = (f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off "
                   f"-c max_connections=200")
        return self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.server_log), "-w",
                         "-t", "30", "-o", options, "start")

    def start(self) -> "PostgresServer":
        if not self.initialised:
            done = self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                             "--no-sync")
            if done.returncode:
                raise AssertionError(f"initdb failed: {done.stdout}{done.stderr}")
            self.initialised = True
        if self.port:  # a restart: the same port, as a database server that comes back
            done = self._pg_ctl_start()
            if done.returncode:
                raise AssertionError(f"PostgreSQL did not start again on port {self.port}:\n{self.log()}")
            return self
        # A port free when looked at can be taken before the server binds it: then try another.
        for _attempt in range(5):
            self.port = free_port()
            done = self._pg_ctl_start()
            if done.returncode == 0:
                self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
                return self
            if "already in use" not in self.log():
                break
        raise AssertionError(f"PostgreSQL did not start:\n{done.stdout}{done.stderr}\n{self.log()}")

    def running(self) -> bool:
        return self.initialised and self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "status",
                                              timeout=10).returncode == 0

    def stop(self) -> None:
        """`pg_ctl stop -m fast`: open connections are ended, the server is down when this returns."""
        if self.running():
            done = self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "30",
                             "stop")
            if done.returncode:
                raise AssertionError(f"PostgreSQL did not stop: {done.stdout}{done.stderr}")
        self._keep_log()

    def close(self) -> None:
        """Stop the server (immediately, whatever it was doing) and remove its files."""
        try:
            if self.running():
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
            self._keep_log()
        finally:
            shutil.rmtree(self.home, ignore_errors=True)

    def log(self) -> str:
        try:
            return self.server_log.read_text(errors="replace")
        except OSError:
            return ""

    def _keep_log(self) -> None:
        if self.home != self.folder and self.server_log.exists():
            shutil.copyfile(self.server_log, self.folder / "postgres.log")

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
