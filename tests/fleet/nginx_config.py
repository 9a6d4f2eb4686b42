"""deploy/nginx.conf.example made runnable by a test: the example's own text, with only its ports, the
certificate's paths, the log paths and the upstream's servers replaced, inside the few lines a
standalone nginx needs (pid, temp folders, events {}, http {}), every file in the test's folder.

    cert, key = make_certificate(tmp_path)
    config = render(EXAMPLE.read_text(), listen_port=..., redirect_port=..., upstream_ports=[...],
                    cert=cert, key=key, folder=tmp_path / "nginx")
    run_nginx(nginx_or_skip(), config, "-t")   # or without -t, to serve for real (daemon off)

Also a small reader of nginx's syntax (`parse`), so a test can see which directives each block has."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.fleet.programs import missing

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deploy" / "nginx.conf.example"
UNSKIP = ("To run it: install Debian's nginx (sudo apt-get install nginx); its service need not run, the "
          "tests run the nginx program on a config of their own")


def nginx_or_skip() -> str:
    """The nginx program: skips the test without one, and fails it under CI, as the PostgreSQL tests do."""
    # /usr/sbin is not on every user's PATH, and Debian's nginx lives there.
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if not found:
        missing("nginx is not installed", UNSKIP)
    return found


def nginx_version(nginx: str) -> tuple[int, ...]:
    said = subprocess.run([nginx, "-v"], capture_output=True, text=True, timeout=10).stderr  # "nginx version: nginx/1.22.1"
    return tuple(int(part) for part in re.search(r"nginx/(\d+(?:\.\d+)*)", said).group(1).split("."))


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost, valid for a day: (certificate, key)."""
    if not shutil.which("openssl"):
        missing("openssl is not installed (sudo apt-get install openssl)", UNSKIP)
    cert, key = folder / "localhost.pem", folder / "localhost.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "1", "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=30)
    return cert, key


def _replace(pattern: str, replacement, text: str, expected: int) -> str:
    """re.subn that insists on finding what it replaces as often as the example has it: a changed
    example fails here, instead of leaving a path such as /var/log/nginx in a test's config."""
    result, found = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if found != expected:
        raise ValueError(f"deploy/nginx.conf.example: expected {expected} match(es) of {pattern!r}, found {found}")
    return result


def _upstream_servers(ports):
    """A replacement for the upstream block: its server lines become one per port, where the first was."""
    def replace(block: re.Match) -> str:
        lines = block.group(0).splitlines(keepends=True)
        servers = [line for line in lines if re.match(r"\s*server\s", line)]
        if not servers:
            raise ValueError("deploy/nginx.conf.example: the upstream block has no server lines")
        first, indent = lines.index(servers[0]), re.match(r"\s*", servers[0]).group(0)
        kept = [line for line in lines if line not in servers]
        kept[first:first] = [f"{indent}server 127.0.0.1:{port};\n" for port in ports]
        return "".join(kept)
    return replace


def render_example(example_text: str, *, listen_port: int, redirect_port: int, upstream_ports, cert: Path, key: Path,
                   folder: Path) -> str:
    """The example with its ports, certificate, logs and upstream servers replaced; nothing else."""
    text = _replace(r"^(\s*listen\s+)443\b", rf"\g<1>127.0.0.1:{listen_port}", example_text, 1)
    text = _replace(r"^(\s*listen\s+)80\b", rf"\g<1>127.0.0.1:{redirect_port}", text, 1)
    text = _replace(r"^(\s*ssl_certificate\s+)\S+;", lambda m: f"{m.group(1)}{cert};", text, 1)
    text = _replace(r"^(\s*ssl_certificate_key\s+)\S+;", lambda m: f"{m.group(1)}{key};", text, 1)
    text = _replace(r"^(\s*access_log\s+)\S+", lambda m: f"{m.group(1)}{folder / 'access.log'}", text, 1)
    text = _replace(r"^(\s*error_log\s+)\S+", lambda m: f"{m.group(1)}{folder / 'postcheck-error.log'}", text, 1)
    return _replace(r"^\s*upstream\s+postcheck\s*\{[^}]*\}", _upstream_servers(upstream_ports), text, 1)


def render(example_text: str, *, listen_port: int, redirect_port: int, upstream_ports, cert: Path, key: Path,
           folder: Path) -> Path:
    """A standalone nginx config in `folder` that serves the example; returns the main file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    site = folder / "postcheck.conf"
    site.write_text(render_example(example_text, listen_port=listen_port, upstream_ports=upstream_ports, cert=cert,
                                   key=key, folder=folder, redirect_port=redirect_port))
    temp = {name: folder / "temp" / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    (folder / "temp").mkdir(exist_ok=True)  # nginx makes each temp folder, but not their parent
    # Started by root, nginx's workers would run as `nobody`, which cannot enter pytest's tmp_path (0700).
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    main.write_text(
        f"{user}"
        "worker_processes 1;\n"
        "daemon off;  # the test starts and stops nginx itself\n"
        f"pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} error;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"    access_log {folder / 'http-access.log'};\n"
        + "".join(f"    {name}_temp_path {path};\n" for name, path in temp.items())
        + f"    include {site};\n"
        "}\n")
    return main


def run_nginx(nginx: str, config: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    """nginx on `config` with its prefix and start-up error log in the config's folder (the default
    ones are under /var, which a test must not touch); `-t` checks the config and exits."""
    folder = config.parent
    return subprocess.run([nginx, "-p", str(folder), "-e", "stderr", "-c", str(config), *args],
                          capture_output=True, text=True, timeout=timeout)


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] | None = field(default=None)  # the directives inside { }, if it has a block

    def all(self, name: str) -> list[Directive]:
        return [d for d in self.block or [] if d.name == name]


_TOKEN = re.compile(r"""\s+|#[^\n]*|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[{};]|[^\s{};"'#]+""")


def parse(text: str) -> list[Directive]:
    """nginx's syntax as a tree of directives: words and quoted strings up to `;`, or up to a `{ }` block."""
    stack: list[list[Directive]] = [[]]
    words: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token.isspace() or token.startswith("#"):
            continue
        if token == ";":
            stack[-1].append(Directive(words[0], words[1:]))
            words = []
        elif token == "{":
            directive = Directive(words[0], words[1:], [])
            stack[-1].append(directive)
            stack.append(directive.block)
            words = []
        elif token == "}":
            stack.pop()
        else:
            words.append(token[1:-1] if token[0] in "\"'" else token)
    if len(stack) != 1 or words:
        raise ValueError("unbalanced braces or a directive without ';'")
    return stack[0]
