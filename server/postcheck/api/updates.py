"""Self-hosted extension updates: the signed packages in POSTCHECK_EXTENSION_DIR, and the update manifests
browsers poll, so IT's ExtensionInstallForcelist / ExtensionSettings can point at the council's own server.

  GET /extension/updates.xml    Chrome and Edge (gupdate): the newest CRX in the folder
  GET /extension/updates.json   Firefox: every signed .xpi in the folder
  GET /extension/latest.crx     the newest CRX; /extension/latest.xpi the newest .xpi (stable install URLs)
  GET /extension/<file>         a package by its file name

The manifests are made from the packages themselves (id and version read from each file), so rolling a
version out is copying its file into the folder, and there is nothing else to keep in step.
"""
from __future__ import annotations

import json
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from flask import Blueprint, Response, abort, current_app, request, send_from_directory

from postcheck import crx
from postcheck.services import services

bp = Blueprint("updates", __name__, url_prefix="/extension")

CRX_TYPE = "application/x-chrome-extension"
XPI_TYPE = "application/x-xpinstall"


@dataclass(frozen=True)
class Package:
    name: str
    kind: str  # "crx" or "xpi"
    extension_id: str
    version: str


class PackageFolder:
    """The packages in a folder, read once per file version (name, size, mtime), newest first."""

    def __init__(self):
        self._cache: dict[tuple, Package | None] = {}
        self._lock = threading.Lock()

    def packages(self, folder: Path) -> list[Package]:
        found = []
        for path in sorted(folder.glob("*")):
            if path.suffix not in (".crx", ".xpi") or not path.is_file():
                continue
            stat = path.stat()
            key = (str(path), stat.st_size, stat.st_mtime_ns)
            with self._lock:
                if key not in self._cache:
                    self._cache[key] = _read_package(path)
                package = self._cache[key]
            if package is not None:
                found.append(package)
        return sorted(found, key=lambda p: crx.version_key(p.version), reverse=True)


def _read_package(path: Path) -> Package | None:
    try:
        if path.suffix == ".crx":
            info = crx.read_file(path)
            return Package(path.name, "crx", info.extension_id, info.version)
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
        gecko = (manifest.get("browser_specific_settings") or {}).get("gecko") or {}
        if not gecko.get("id"):
            raise ValueError("no browser_specific_settings.gecko.id")
        return Package(path.name, "xpi", gecko["id"], str(manifest["version"]))
    except (crx.CrxError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        # One bad file must not take the others' updates down; it is named so IT can remove it.
        current_app.logger.warning("extension package %s skipped: %s", path.name, exc)
        return None


_folder = PackageFolder()


def _folder_path() -> Path:
    configured = services().settings.get("EXTENSION_DIR")
    if not configured:
        abort(404, description="This server does not host the extension (POSTCHECK_EXTENSION_DIR is not set).")
    folder = Path(configured)
    if not folder.is_dir():
        abort(404, description="The extension folder (POSTCHECK_EXTENSION_DIR) does not exist.")
    return folder


def _base_url() -> str:
    # Browsers need absolute links, built from the configured public address. The Host header is the
    # client's to choose (`Host: evil.example` gave `codebase="http://evil.example/..."`), so production
    # refuses to start without POSTCHECK_PUBLIC_URL (production.unsafe_settings); only a development
    # server falls back to the request's own address.
    settings = services().settings
    if settings.get("PUBLIC_URL"):
        return settings["PUBLIC_URL"].rstrip("/")
    if settings.get("PRODUCTION"):
        abort(503, description="POSTCHECK_PUBLIC_URL is not set, so no update links can be given.")
    return request.host_url.rstrip("/")


def _newest(kind: str) -> Package:
    packages = [p for p in _folder.packages(_folder_path()) if p.kind == kind]
    if not packages:
        abort(404, description=f"No .{kind} package is in the extension folder.")
    return packages[0]


@bp.get("/updates.xml")
def chrome_updates():
    """The gupdate manifest: one <app> per extension id, at the newest version in the folder."""
    base = _base_url()
    newest: dict[str, Package] = {}
    for package in _folder.packages(_folder_path()):
        if package.kind == "crx":
            newest.setdefault(package.extension_id, package)
    apps = "".join(
        f"  <app appid={quoteattr(p.extension_id)}>\n"
        f"    <updatecheck codebase={quoteattr(f'{base}/extension/{p.name}')} version={quoteattr(p.version)} />\n"
        f"  </app>\n" for p in newest.values())
    body = ("<?xml version='1.0' encoding='UTF-8'?>\n"
            "<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>\n" + apps + "</gupdate>\n")
    return _no_store(Response(body, mimetype="application/xml"))


@bp.get("/updates.json")
def firefox_updates():
    """Firefox's update manifest: every version of each add-on in the folder."""
    base = _base_url()
    addons: dict[str, dict] = {}
    for package in _folder.packages(_folder_path()):
        if package.kind == "xpi":
            addons.setdefault(package.extension_id, {"updates": []})["updates"].append(
                {"version": package.version, "update_link": f"{base}/extension/{package.name}"})
    return _no_store(Response(json.dumps({"addons": addons}, indent=2), mimetype="application/json"))


@bp.get("/latest.crx")
def latest_crx():
    return _send(_newest("crx"))


@bp.get("/latest.xpi")
def latest_xpi():
    return _send(_newest("xpi"))


@bp.get("/<name>")
def package_file(name: str):
    match = [p for p in _folder.packages(_folder_path()) if p.name == name]
    if not match:
        abort(404, description="No such extension package.")
    return _send(match[0])


def _send(package: Package):
    response = send_from_directory(_folder_path(), package.name, mimetype=CRX_TYPE if package.kind == "crx" else XPI_TYPE,
                                   max_age=0)
    return response


def _no_store(response: Response) -> Response:
    # A cached manifest would hold back a rollout (or a rollback) for as long as the cache lived, and a
    # shared cache must never keep one built for another request.
    response.headers["Cache-Control"] = "no-store"
    return response
