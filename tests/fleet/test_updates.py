"""Self-hosted updates over HTTP: the update manifests and packages served from POSTCHECK_EXTENSION_DIR."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import requests

from postcheck import __version__, crx
from tests.fleet.conftest import HostingServer

GUPDATE = "{http://www.google.com/update2/response}"


def _package(tmp_path, key, url, version=None):
    import importlib.util
    from tests.fleet.conftest import PACKAGER

    spec = importlib.util.spec_from_file_location("package_extension", PACKAGER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / f"dist-{version or 'current'}"
    return module.package(out, url, key.read_bytes(), organisation="Example", version=version or __version__), out


def test_updates_xml_offers_the_newest_crx_with_an_absolute_codebase(tmp_path, signing_key):
    server = HostingServer(tmp_path / "folder")
    (tmp_path / "folder").mkdir()
    try:
        for version in ("1.2.0", "1.10.0", "1.9.3"):
            made, out = _package(tmp_path, signing_key, server.url, version)
            (server.folder / f"postcheck-{version}.crx").write_bytes((out / f"postcheck-{version}.crx").read_bytes())
        (server.folder / "broken.crx").write_bytes(b"not a crx")  # one bad file must not stop updates
        response = requests.get(f"{server.url}/extension/updates.xml?x=id%3Dabc%26v%3D1.0", timeout=10)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("application/xml")
        apps = ET.fromstring(response.content).findall(f"{GUPDATE}app")
        assert [a.get("appid") for a in apps] == [made["extension_id"]]
        check = apps[0].find(f"{GUPDATE}updatecheck")
        assert check.get("version") == "1.10.0", "versions compare as numbers, not strings"
        assert check.get("codebase") == f"{server.url}/extension/postcheck-1.10.0.crx"

        package = requests.get(check.get("codebase"), timeout=10)
        assert package.status_code == 200
        assert package.headers["Content-Type"] == "application/x-chrome-extension"
        assert crx.read(package.content, verify=True).version == "1.10.0"
        assert requests.get(f"{server.url}/extension/latest.crx", timeout=10).content == package.content
        assert requests.get(f"{server.url}/extension/../config.py", timeout=10).status_code == 404
        assert requests.get(f"{server.url}/extension/broken.crx", timeout=10).status_code == 404
    finally:
        server.stop()


def test_updates_json_lists_every_signed_firefox_package(tmp_path, signing_key):
    folder = tmp_path / "folder"
    folder.mkdir()
    server = HostingServer(folder, PUBLIC_URL="https://postcheck.example.gov.uk/")
    try:
        for version in ("2.0.0", "2.1.0"):
            made, out = _package(tmp_path, signing_key, server.url, version)
            # After signing on AMO the file is an .xpi; signing adds files but keeps the manifest.
            (folder / f"postcheck-{version}.xpi").write_bytes((out / f"postcheck-{version}-firefox.zip").read_bytes())
        body = requests.get(f"{server.url}/extension/updates.json", timeout=10).json()
        updates = body["addons"][made["gecko_id"]]["updates"]
        assert {u["version"] for u in updates} == {"2.0.0", "2.1.0"}
        assert {u["update_link"] for u in updates} == {
            f"https://postcheck.example.gov.uk/extension/postcheck-{v}.xpi" for v in ("2.0.0", "2.1.0")}, \
            "links use POSTCHECK_PUBLIC_URL when it is set"
        latest = requests.get(f"{server.url}/extension/latest.xpi", timeout=10)
        assert latest.headers["Content-Type"] == "application/x-xpinstall"
        assert latest.content == (folder / "postcheck-2.1.0.xpi").read_bytes()
    finally:
        server.stop()


def test_without_an_extension_folder_nothing_is_served(live_server_url):
    response = requests.get(f"{live_server_url}/extension/updates.xml", timeout=10)
    assert response.status_code == 404
    assert "POSTCHECK_EXTENSION_DIR" in response.json()["message"]


def test_forwarded_host_is_believed_only_from_a_trusted_proxy(tmp_path, signing_key):
    headers = {"X-Forwarded-Host": "postcheck.example.gov.uk", "X-Forwarded-Proto": "https"}
    for proxies, expected in (("127.0.0.1", "https://postcheck.example.gov.uk"), ("10.0.0.0/8", None)):
        folder = tmp_path / f"folder-{proxies.replace('/', '_')}"
        folder.mkdir()
        server = HostingServer(folder, TRUSTED_PROXY_HOPS=1, TRUSTED_PROXIES=proxies)
        try:
            _made, out = _package(tmp_path, signing_key, server.url)
            (folder / "p.crx").write_bytes((out / f"postcheck-{__version__}.crx").read_bytes())
            body = requests.get(f"{server.url}/extension/updates.xml", headers=headers, timeout=10).text
            assert f'codebase="{expected or server.url}/extension/p.crx"' in body, body
        finally:
            server.stop()


def test_the_host_header_never_decides_the_links_and_manifests_are_not_stored(tmp_path, signing_key):
    """Issue 17, item 10: with POSTCHECK_PUBLIC_URL set, a forged Host changes nothing; every manifest
    says no-store, so no shared cache keeps one built for another request."""
    folder = tmp_path / "folder"
    folder.mkdir()
    server = HostingServer(folder, PUBLIC_URL="https://postcheck.example.gov.uk")
    try:
        _made, out = _package(tmp_path, signing_key, server.url)
        (folder / "p.crx").write_bytes((out / f"postcheck-{__version__}.crx").read_bytes())
        for manifest in ("updates.xml", "updates.json"):
            response = requests.get(f"{server.url}/extension/{manifest}", headers={"Host": "evil.example"}, timeout=10)
            assert response.status_code == 200
            assert "evil.example" not in response.text
            assert response.headers["Cache-Control"] == "no-store"
        assert 'codebase="https://postcheck.example.gov.uk/extension/p.crx"' in \
            requests.get(f"{server.url}/extension/updates.xml", headers={"Host": "evil.example"}, timeout=10).text
    finally:
        server.stop()


def test_production_with_an_extension_folder_will_not_start_without_a_public_url(tmp_path):
    from postcheck.production import UnsafeSettings, check_production

    settings = {"PRODUCTION": True, "SECRET_KEY": "x" * 40, "CORS_ORIGINS": [], "EXTENSION_DIR": str(tmp_path)}
    try:
        check_production({**settings, "PUBLIC_URL": ""}, environ={})
    except UnsafeSettings as exc:
        assert "POSTCHECK_PUBLIC_URL" in str(exc) and "Host header" in str(exc)
    else:
        raise AssertionError("production started with update links built from the Host header")
    check_production({**settings, "PUBLIC_URL": "https://postcheck.example.gov.uk"}, environ={})
