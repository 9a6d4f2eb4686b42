"""deploy/nginx.conf.example, checked by nginx itself (`nginx -t` on the example made standalone, with
a certificate made for the test), and read for the rule that only a check may be retried on another
server: a write sent to one server must never be applied by a second."""
import pytest

from tests.fleet.nginx_config import (EXAMPLE, make_certificate, nginx_or_skip, nginx_version, parse, render,
                                      run_nginx)

CHECKS = {("=", "/api/v1/check"), ("=", "/v2/check")}


def nginx_check(tmp_path, example_text: str):
    nginx = nginx_or_skip()
    cert, key = make_certificate(tmp_path)
    # nginx -t opens no socket: these ports are never bound.
    config = render(example_text, listen_port=8443, redirect_port=8080, upstream_ports=[8081, 8082, 8083],
                    cert=cert, key=key, folder=tmp_path / "nginx")
    return run_nginx(nginx, config, "-t")


def test_nginx_accepts_the_example(tmp_path):
    result = nginx_check(tmp_path, EXAMPLE.read_text())
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_this_nginx_refuses_http2_on(tmp_path):
    """Why the example says `listen 443 ssl http2;`: nginx before 1.25.1 (Debian 12 has 1.22) has no
    `http2` directive and will not start with one."""
    version = nginx_version(nginx_or_skip())
    if version >= (1, 25, 1):
        pytest.skip(f"nginx {'.'.join(map(str, version))} knows `http2 on;`; only nginx before 1.25.1 refuses it")
    text = EXAMPLE.read_text()
    assert text.count("listen 443 ssl http2;") == 1
    result = nginx_check(tmp_path, text.replace("listen 443 ssl http2;", "listen 443 ssl;\n    http2 on;"))
    assert result.returncode != 0
    assert 'unknown directive "http2"' in result.stderr


def locations(directives):
    for directive in directives:
        if directive.name == "location":
            yield directive
        yield from locations(directive.block or [])


def retries(directives, where=("outside any location",)):
    """(the enclosing location's arguments, the directive's arguments) of every proxy_next_upstream."""
    for directive in directives:
        if directive.name == "proxy_next_upstream":
            yield where, tuple(directive.args)
        if directive.block is not None:
            yield from retries(directive.block, tuple(directive.args) if directive.name == "location" else where)


def test_only_the_checks_may_be_sent_to_a_second_server():
    found = list(retries(parse(EXAMPLE.read_text())))
    assert {where for where, args in found if "non_idempotent" in args} == CHECKS
    # Set nowhere else either: at server level it would reach every location that sets none.
    assert {where for where, _ in found} == CHECKS


def test_every_location_proxies_to_the_servers_with_the_servers_headers():
    (upstream,) = [d for d in parse(EXAMPLE.read_text()) if d.name == "upstream"]
    assert len(upstream.all("server")) >= 2 and upstream.all("keepalive")
    (tls,) = [d for d in parse(EXAMPLE.read_text()) if d.name == "server" and d.all("ssl_certificate")]
    every = list(locations(tls.block))
    assert {tuple(location.args) for location in every} >= CHECKS | {("/",), ("=", "/metrics")}
    for location in every:
        assert [d.args for d in location.all("proxy_pass")] == [[f"http://{upstream.args[0]}"]], location.args
        # One proxy_set_header in a location would drop every one the server sets, X-Forwarded-For too.
        assert not location.all("proxy_set_header"), location.args
    headers = {d.args[0]: d.args[1] for d in tls.all("proxy_set_header")}
    assert headers["X-Forwarded-For"] == "$remote_addr"  # set, never appended to what the client sent
    assert headers["Connection"] == ""  # upstream keepalive needs it
    assert [d.args for d in tls.all("proxy_http_version")] == [["1.1"]]
    (metrics,) = [location for location in every if location.args == ["=", "/metrics"]]
    assert [d.args for d in metrics.all("deny")] == [["all"]]
