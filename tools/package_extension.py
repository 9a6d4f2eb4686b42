#!/usr/bin/env python3
"""Builds the browser extension for IT: `make package` runs this.

From `extension/` (the unpacked development build, whose manifest.json is the one source) it writes,
into dist/:

  postcheck-<version>-chrome.zip      upload to the Chrome Web Store or Edge Add-ons (no key, no update_url)
  postcheck-<version>.crx             CRX3 signed with IT's key, for self-hosting (update_url set)
  postcheck-<version>-firefox.zip     Firefox build (background.scripts, gecko id), to be signed on AMO

`--firefox-unpacked DIR` writes only the Firefox build, as a folder, with no key: for the Firefox tests.
  extension-id.txt                    the id Chrome and Edge give the signed CRX
  policies/                           policy templates with the id and server address filled in

The version is postcheck's own (`server/postcheck/__init__.py`, `__version__`): the server and the
extension are released together. The signing key is IT's and never in the repository: --key PATH,
POSTCHECK_EXTENSION_KEY (a path) or POSTCHECK_EXTENSION_KEY_PEM (the PEM itself, for a CI secret).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import plistlib
import re
import sys
import uuid
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from postcheck import __version__  # noqa: E402
from postcheck import crx  # noqa: E402

EXTENSION = ROOT / "extension"
# Development-only files that never ship.
EXCLUDE = re.compile(r"(^|/)(node_modules|build|\.[^/]+)(/|$)|\.test\.js$|\.test-helper\.js$|^package(-lock)?\.json$")
# A fixed timestamp makes the zip (and so the CRX's contents) the same for the same source.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)
UPDATES_PATH = "/extension/updates.xml"
FIREFOX_UPDATES_PATH = "/extension/updates.json"
FIREFOX_LATEST_PATH = "/extension/latest.xpi"
FIREFOX_MIN_VERSION = "140.0"
FIREFOX_ANDROID_MIN_VERSION = "142.0"
# What Firefox tells the person, and asks their consent for, at install (Mozilla's data types). The
# draft's text goes to the organisation's own postcheck server for the check: a social media post
# (personalCommunications) typed into a website (websiteContent). Outcome reports carry no text, only what
# the person did with a warning: interaction data, which Firefox only allows as optional, so the
# extension sends them only when Firefox says the person agreed (src/background/service-worker.js).
FIREFOX_DATA_COLLECTION = {"required": ["personalCommunications", "websiteContent"],
                           "optional": ["technicalAndInteraction"]}


class PackageError(Exception):
    pass


# ---------------------------------------------------------------------------------------------- manifests

def source_manifest() -> dict:
    return json.loads((EXTENSION / "manifest.json").read_text())


def sync_source_version(version: str) -> bool:
    """Keeps the unpacked build's manifest at postcheck's version; True if it had to change."""
    path = EXTENSION / "manifest.json"
    text = path.read_text()
    current = json.loads(text)["version"]
    if current == version:
        return False
    path.write_text(re.sub(r'("version"\s*:\s*")[^"]*(")', rf"\g<1>{version}\g<2>", text, count=1))
    return True


def worker_scripts() -> list[str]:
    """The service worker and what it imports, in order: Firefox loads the same files as background scripts."""
    worker = source_manifest()["background"]["service_worker"]
    source = (EXTENSION / worker).read_text()
    match = re.search(r"importScripts\(([^)]*)\)", source)
    imported = re.findall(r'"([^"]+)"', match.group(1)) if match else []
    return [p.lstrip("/") for p in imported] + [worker]


def chrome_manifest(version: str, update_url: str | None) -> dict:
    manifest = source_manifest()
    # The development key fixes the unpacked id; a packed build's id comes from the signing key
    # (CRX) or the store, and the Chrome Web Store refuses a manifest that carries a key.
    manifest.pop("key", None)
    manifest["version"] = version
    if update_url:
        manifest["update_url"] = update_url
    return manifest


def firefox_manifest(version: str, gecko_id: str, update_url: str | None) -> dict:
    manifest = source_manifest()
    for chromium_only in ("key", "minimum_chrome_version", "update_url"):
        manifest.pop(chromium_only, None)
    manifest["version"] = version
    # Firefox runs MV3 backgrounds as event pages: the files are listed, not imported by a worker.
    manifest["background"] = {"scripts": worker_scripts()}
    # 140 is the first Firefox (desktop; 142 on Android) that knows data_collection_permissions and asks
    # the person's consent for it at install; it is also an ESR.
    gecko = {"id": gecko_id, "strict_min_version": FIREFOX_MIN_VERSION,
             "data_collection_permissions": FIREFOX_DATA_COLLECTION}
    if update_url:
        gecko["update_url"] = update_url
    manifest["browser_specific_settings"] = {"gecko": gecko,
                                             "gecko_android": {"strict_min_version": FIREFOX_ANDROID_MIN_VERSION}}
    return manifest


def ship_files() -> list[tuple[str, Path]]:
    """The extension's files that ship, by their name in the package (the manifest is written apart)."""
    files = sorted(p for p in EXTENSION.rglob("*") if p.is_file())
    named = ((path.relative_to(EXTENSION).as_posix(), path) for path in files)
    return [(name, path) for name, path in named if name != "manifest.json" and not EXCLUDE.search(name)]


def write_unpacked(out: Path, manifest: dict) -> Path:
    """The build as a folder, for a browser to load unpacked and for the linters: the same files as the zip."""
    out.mkdir(parents=True, exist_ok=True)
    for name, path in ship_files():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return out


def firefox_unpacked(out: Path, public_url: str | None = None, gecko_id: str | None = None,
                     version: str = __version__) -> Path:
    """The Firefox build, unpacked into `out`, with no signing material: what the Firefox tests load and
    lint. With a public URL it carries the same update_url as the package (what `--self-hosted` lints)."""
    host = urlsplit(public_url).hostname if public_url else None
    gecko_id = gecko_id or f"postcheck@{host or 'postcheck.localhost'}"
    update_url = public_url.rstrip("/") + FIREFOX_UPDATES_PATH if public_url else None
    return write_unpacked(out, firefox_manifest(version, gecko_id, update_url))


def build_zip(manifest: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo("manifest.json", ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, json.dumps(manifest, indent=2) + "\n")
        for name, path in ship_files():
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------- settings

def managed_keys() -> dict:
    return json.loads((EXTENSION / "managed_schema.json").read_text())["properties"]


def extension_defaults() -> dict:
    """The defaults in src/shared/settings.js (the one place they are set), read from its DEFAULTS block."""
    source = (EXTENSION / "src/shared/settings.js").read_text()
    block = re.search(r"const DEFAULTS = Object\.freeze\(\{(.*?)\}\);", source, re.S).group(1)
    return {key: _js_value(value) for key, value in re.findall(r"^\s*(\w+):\s*(.+?),?\s*$", block, re.M)}


def _js_value(text: str):
    """One default's value: JSON, or a one-line frozen object of plain keys (`Object.freeze({ low: "tip" })`)."""
    inner = re.fullmatch(r"Object\.freeze\((\{.*\})\)", text.strip())
    if inner:
        return json.loads(re.sub(r'([{,]\s*)(\w+)\s*:', r'\1"\2":', inner.group(1)))
    return json.loads(text)


def organisation_name() -> str:
    rules = Path(os.environ.get("POSTCHECK_RULES_DIR") or ROOT / "policy_rules")
    try:
        import yaml

        return str(yaml.safe_load((rules / "organisation.yaml").read_text()).get("name") or "")
    except Exception:  # no rules folder where IT builds: the template leaves the name for them to fill in
        return ""


def policy_values(server_url: str, organisation: str) -> dict:
    """Every managed key, at its default, with the server and organisation filled in: ready to edit."""
    defaults = extension_defaults()
    values = {key: defaults[key] for key in managed_keys()}
    values["serverUrl"] = server_url
    values["organisationName"] = organisation
    return values


# ---------------------------------------------------------------------------------------------- policies

def _reg_value(value) -> str:
    if isinstance(value, bool):
        return f"dword:{int(value):08x}"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def windows_reg(browser_key: str, ext_id: str, update_url: str, values: dict) -> str:
    lines = ["Windows Registry Editor Version 5.00", "",
             "; postcheck for " + browser_key.split("\\")[-1] + ": force-installs the extension and sets its settings.",
             "; If ExtensionInstallForcelist already has entries, change \"1\" to the next free number.",
             "", f"[HKEY_LOCAL_MACHINE\\{browser_key}\\ExtensionInstallForcelist]",
             f'"1"="{ext_id};{update_url}"', "",
             f"[HKEY_LOCAL_MACHINE\\{browser_key}\\3rdparty\\extensions\\{ext_id}\\policy]"]
    lines += [f'"{key}"={_reg_value(value)}' for key, value in values.items()]
    return "\r\n".join(lines) + "\r\n"


def linux_policy(ext_id: str, update_url: str, values: dict) -> dict:
    return {"ExtensionInstallForcelist": [f"{ext_id};{update_url}"],
            "3rdparty": {"extensions": {ext_id: values}}}


def mobileconfig(ext_id: str, update_url: str, values: dict) -> bytes:
    # Fixed UUIDs per extension id, so re-running the build gives the same profile and MDM sees an update.
    def uid(name):
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"postcheck:{ext_id}:{name}")).upper()

    payloads = []
    for domain, name in (("com.google.Chrome", "Google Chrome"), ("com.microsoft.Edge", "Microsoft Edge")):
        payloads.append({"PayloadType": domain, "PayloadIdentifier": f"uk.gov.postcheck.{domain}",
                         "PayloadUUID": uid(domain), "PayloadVersion": 1,
                         "PayloadDisplayName": f"postcheck: install in {name}",
                         "ExtensionInstallForcelist": [f"{ext_id};{update_url}"]})
        ext_domain = f"{domain}.extensions.{ext_id}"
        payloads.append({"PayloadType": ext_domain, "PayloadIdentifier": f"uk.gov.postcheck.{ext_domain}",
                         "PayloadUUID": uid(ext_domain), "PayloadVersion": 1,
                         "PayloadDisplayName": f"postcheck: settings in {name}", **values})
    profile = {"PayloadType": "Configuration", "PayloadVersion": 1, "PayloadScope": "System",
               "PayloadIdentifier": f"uk.gov.postcheck.{ext_id}", "PayloadUUID": uid("profile"),
               "PayloadDisplayName": "postcheck browser extension",
               "PayloadDescription": "Installs postcheck in Chrome and Edge and sets its managed settings.",
               "PayloadContent": payloads}
    return plistlib.dumps(profile)


def firefox_policies(gecko_id: str, install_url: str, values: dict) -> dict:
    return {"policies": {
        "ExtensionSettings": {gecko_id: {"installation_mode": "force_installed", "install_url": install_url}},
        "3rdparty": {"Extensions": {gecko_id: values}}}}


POLICY_README = """postcheck policy templates for extension {ext_id} (version {version}), server {server}.
Edit the values (the keys are in docs/deploying.md), then deploy:

  windows/chrome.reg, windows/edge.reg  Group Policy / Intune (import, or turn into GPP registry items)
  linux/postcheck.json                   /etc/opt/chrome/policies/managed/ (Chrome),
                                         /etc/chromium/policies/managed/ (Chromium),
                                         /etc/opt/edge/policies/managed/ (Edge; see docs/deploying.md)
  macos/postcheck.mobileconfig           Jamf or another MDM (Chrome and Edge payloads)
  firefox/policies.json                  Firefox's distribution/ folder, /etc/firefox/policies/, or GPO
"""


# ---------------------------------------------------------------------------------------------- main

def read_key(args) -> bytes | None:
    if args.key:
        return Path(args.key).expanduser().read_bytes()
    if os.environ.get("POSTCHECK_EXTENSION_KEY_PEM"):
        return os.environ["POSTCHECK_EXTENSION_KEY_PEM"].encode()
    if os.environ.get("POSTCHECK_EXTENSION_KEY"):
        return Path(os.environ["POSTCHECK_EXTENSION_KEY"]).expanduser().read_bytes()
    return None


def package(out: Path, public_url: str, key_pem: bytes | None, gecko_id: str | None = None,
            organisation: str | None = None, version: str = __version__) -> dict:
    if not re.fullmatch(r"\d+(\.\d+){0,3}", version):
        raise PackageError(f"version {version!r} is not 1-4 dot-separated numbers, which browsers require")
    public_url = public_url.rstrip("/")
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PackageError(f"the server's public URL {public_url!r} must be http(s)://host[:port]")
    gecko_id = gecko_id or f"postcheck@{parts.hostname}"
    organisation = organisation if organisation is not None else organisation_name()
    update_url = public_url + UPDATES_PATH
    out.mkdir(parents=True, exist_ok=True)
    made = {"version": version, "update_url": update_url, "gecko_id": gecko_id, "files": []}

    def write(name: str, data: bytes | str) -> Path:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        made["files"].append(path)
        return path

    write(f"postcheck-{version}-chrome.zip", build_zip(chrome_manifest(version, None)))
    write(f"postcheck-{version}-firefox.zip",
          build_zip(firefox_manifest(version, gecko_id, public_url + FIREFOX_UPDATES_PATH)))
    if key_pem is None:
        raise PackageError("no signing key: pass --key PATH or set POSTCHECK_EXTENSION_KEY (a path) or "
                           "POSTCHECK_EXTENSION_KEY_PEM; make one once with "
                           "`python tools/package_extension.py --generate-key PATH` and keep it safe "
                           "(the extension id is derived from it, so losing it means a new id)")
    data = crx.sign(build_zip(chrome_manifest(version, update_url)), key_pem)
    write(f"postcheck-{version}.crx", data)
    ext_id = crx.read(data).extension_id
    made["extension_id"] = ext_id
    write("extension-id.txt", ext_id + "\n")

    values = policy_values(public_url, organisation)
    write("policies/windows/chrome.reg",
          windows_reg(r"SOFTWARE\Policies\Google\Chrome", ext_id, update_url, values).encode("utf-16"))
    write("policies/windows/edge.reg",
          windows_reg(r"SOFTWARE\Policies\Microsoft\Edge", ext_id, update_url, values).encode("utf-16"))
    write("policies/linux/postcheck.json", json.dumps(linux_policy(ext_id, update_url, values), indent=2) + "\n")
    write("policies/macos/postcheck.mobileconfig", mobileconfig(ext_id, update_url, values))
    write("policies/firefox/policies.json",
          json.dumps(firefox_policies(gecko_id, public_url + FIREFOX_LATEST_PATH, values), indent=2) + "\n")
    write("policies/README.txt", POLICY_README.format(ext_id=ext_id, version=version, server=public_url))
    return made


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.environ.get("POSTCHECK_PACKAGE_DIR") or str(ROOT / "dist"),
                        help="output folder (default dist/; POSTCHECK_PACKAGE_DIR)")
    parser.add_argument("--public-url", default=os.environ.get("POSTCHECK_PUBLIC_URL"),
                        help="the postcheck server's address as browsers reach it, e.g. https://postcheck.example.gov.uk "
                             "(POSTCHECK_PUBLIC_URL): the update URL and the serverUrl in the policy templates")
    parser.add_argument("--key", help="the signing key, a PEM file IT keeps (or POSTCHECK_EXTENSION_KEY / _PEM)")
    parser.add_argument("--firefox-id", default=os.environ.get("POSTCHECK_FIREFOX_ID"),
                        help="Firefox add-on id (POSTCHECK_FIREFOX_ID; default postcheck@<server host>)")
    parser.add_argument("--organisation-name", default=os.environ.get("POSTCHECK_ORGANISATION_NAME"),
                        help="for the policy templates (default: name in policy_rules/organisation.yaml)")
    parser.add_argument("--generate-key", metavar="PATH", help="write a new signing key to PATH and stop")
    parser.add_argument("--firefox-unpacked", metavar="DIR",
                        help="write only the Firefox build, unpacked, to DIR and stop: no key needed, and the "
                             "public URL is optional (with it, the build carries its update_url)")
    args = parser.parse_args(argv)

    if args.generate_key:
        path = Path(args.generate_key).expanduser()
        if path.exists():
            parser.error(f"{path} exists: a new key would give the extension a new id")
        # Created private from the start: the key is the right to publish updates to every browser.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(crx.generate_key_pem())
        print(f"key written to {path}; extension id {crx.extension_id(crx.public_key_der(crx.load_private_key(path.read_bytes())))}")
        return 0
    if args.firefox_unpacked:
        out = firefox_unpacked(Path(args.firefox_unpacked), args.public_url, args.firefox_id)
        print(f"Firefox build {__version__} (unpacked) in {out}")
        return 0
    if not args.public_url:
        parser.error("the server's public URL is needed: --public-url or POSTCHECK_PUBLIC_URL")
    if sync_source_version(__version__):
        print(f"extension/manifest.json: version set to {__version__} (from postcheck.__version__)")
    try:
        made = package(Path(args.out), args.public_url, read_key(args), args.firefox_id, args.organisation_name)
    except (PackageError, OSError, ValueError) as exc:
        print(f"package: {exc}", file=sys.stderr)
        return 2
    print(f"postcheck extension {made['version']}")
    print(f"  extension id (Chrome, Edge): {made['extension_id']}")
    print(f"  Firefox id:                  {made['gecko_id']}")
    print(f"  update URL:                  {made['update_url']}")
    for path in made["files"]:
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
