"""`make package`: what tools/package_extension.py builds, run as IT runs it."""
from __future__ import annotations

import io
import json
import plistlib
import re
import subprocess
import zipfile

import pytest

from postcheck import __version__, crx
from tests.fleet.conftest import CHROMIUM, ROOT, run_packager

URL = "https://postcheck.example.gov.uk"


@pytest.fixture(scope="module")
def built(tmp_path_factory, signing_key):
    out = tmp_path_factory.mktemp("dist")
    result = run_packager("--out", str(out), "--public-url", URL, "--key", str(signing_key))
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def _manifest(zip_bytes: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
        return json.loads(zf.read("manifest.json"))


def test_the_crx_is_signed_and_names_its_id_version_and_update_url(built, signing_key):
    out, stdout = built
    info = crx.read_file(out / f"postcheck-{__version__}.crx", verify=True)
    expected_id = crx.extension_id(crx.public_key_der(crx.load_private_key(signing_key.read_bytes())))
    assert info.extension_id == expected_id
    assert (out / "extension-id.txt").read_text().strip() == expected_id
    assert expected_id in stdout, "the id is printed for IT"
    assert info.version == __version__, "the version comes from postcheck.__version__"
    assert info.manifest["update_url"] == f"{URL}/extension/updates.xml"
    assert "key" not in info.manifest


def test_a_tampered_crx_fails_verification(built):
    data = bytearray((built[0] / f"postcheck-{__version__}.crx").read_bytes())
    data[-40] ^= 0xFF
    with pytest.raises(crx.CrxError):
        crx.read(bytes(data), verify=True)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed")
def test_chromium_derives_the_same_id_from_the_key(tmp_path, signing_key, built):
    """Chromium's own packer with the same key: its CRX names the id the packager printed."""
    source = tmp_path / "ext"
    with zipfile.ZipFile(built[0] / f"postcheck-{__version__}-chrome.zip") as zf:
        zf.extractall(source)
    subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", f"--pack-extension={source}",
                    f"--pack-extension-key={signing_key}", f"--user-data-dir={tmp_path / 'profile'}"],
                   capture_output=True, timeout=60)
    packed = tmp_path / "ext.crx"
    assert packed.exists(), "Chromium did not pack the extension"
    assert crx.read_file(packed).extension_id == (built[0] / "extension-id.txt").read_text().strip()


def test_the_store_zip_has_no_key_no_update_url_and_no_test_files(built):
    data = (built[0] / f"postcheck-{__version__}-chrome.zip").read_bytes()
    manifest = _manifest(data)
    assert "key" not in manifest and "update_url" not in manifest
    assert manifest["background"] == {"service_worker": "src/background/service-worker.js"}
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "src/content/main.js" in names and "managed_schema.json" in names
    assert not [n for n in names if n.endswith(".test.js") or "test-helper" in n or n == "package.json"]


def test_the_firefox_build_uses_background_scripts_and_a_gecko_id(built):
    manifest = _manifest((built[0] / f"postcheck-{__version__}-firefox.zip").read_bytes())
    assert "service_worker" not in manifest["background"]
    assert manifest["background"]["scripts"][-1] == "src/background/service-worker.js"
    assert "src/shared/settings.js" in manifest["background"]["scripts"]
    gecko = manifest["browser_specific_settings"]["gecko"]
    assert gecko["id"] == "postcheck@postcheck.example.gov.uk"
    assert gecko["update_url"] == f"{URL}/extension/updates.json"
    assert "key" not in manifest and "minimum_chrome_version" not in manifest


def test_policy_templates_carry_the_id_the_server_and_every_managed_key(built):
    out = built[0]
    ext_id = (out / "extension-id.txt").read_text().strip()
    schema_keys = set(json.loads((ROOT / "extension/managed_schema.json").read_text())["properties"])
    forcelist = f"{ext_id};{URL}/extension/updates.xml"

    linux = json.loads((out / "policies/linux/postcheck.json").read_text())
    assert linux["ExtensionInstallForcelist"] == [forcelist]
    values = linux["3rdparty"]["extensions"][ext_id]
    assert set(values) == schema_keys
    assert values["serverUrl"] == URL and values["rolloutMode"] == "warn"
    assert values["organisationName"] == "Haringey Council", "from policy_rules/organisation.yaml"

    for browser, root in (("chrome", r"Google\Chrome"), ("edge", r"Microsoft\Edge")):
        reg = (out / f"policies/windows/{browser}.reg").read_bytes().decode("utf-16")
        assert reg.startswith("Windows Registry Editor Version 5.00")
        assert f"[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\{root}\\ExtensionInstallForcelist]" in reg
        assert f'"1"="{forcelist}"' in reg
        assert f"\\{root}\\3rdparty\\extensions\\{ext_id}\\policy]" in reg
        assert f'"serverUrl"="{URL}"' in reg and '"liveUnderlining"=dword:00000001' in reg
        assert set(re.findall(r'^"(\w+)"=', reg, re.M)) - {"1"} == schema_keys

    profile = plistlib.loads((out / "policies/macos/postcheck.mobileconfig").read_bytes())
    payloads = {p["PayloadType"]: p for p in profile["PayloadContent"]}
    assert payloads["com.google.Chrome"]["ExtensionInstallForcelist"] == [forcelist]
    chrome_settings = payloads[f"com.google.Chrome.extensions.{ext_id}"]
    assert {k for k in chrome_settings if not k.startswith("Payload")} == schema_keys
    assert f"com.microsoft.Edge.extensions.{ext_id}" in payloads

    firefox = json.loads((out / "policies/firefox/policies.json").read_text())["policies"]
    gecko_id = "postcheck@postcheck.example.gov.uk"
    assert firefox["ExtensionSettings"][gecko_id] == {"installation_mode": "force_installed",
                                                      "install_url": f"{URL}/extension/latest.xpi"}
    assert set(firefox["3rdparty"]["Extensions"][gecko_id]) == schema_keys


def test_every_options_page_setting_is_a_managed_key():
    schema_keys = set(json.loads((ROOT / "extension/managed_schema.json").read_text())["properties"])
    html = (ROOT / "extension/src/options/options.html").read_text()
    options = set(re.findall(r'name="(\w+)"', html)) | {f"postAnyway{s}" for s in ("Low", "Medium", "High")}
    assert options <= schema_keys
    defaults = set(re.findall(r"^\s*(\w+):", re.search(r"DEFAULTS = Object\.freeze\(\{(.*?)\}\)",
                   (ROOT / "extension/src/shared/settings.js").read_text(), re.S).group(1), re.M))
    assert defaults == schema_keys, "every setting the extension has can be managed, and nothing else"


def test_the_unpacked_manifest_is_at_postchecks_version():
    assert json.loads((ROOT / "extension/manifest.json").read_text())["version"] == __version__


def test_without_a_key_it_explains_how_to_make_one(tmp_path):
    result = run_packager("--out", str(tmp_path), "--public-url", URL,
                          env={"POSTCHECK_EXTENSION_KEY": "", "POSTCHECK_EXTENSION_KEY_PEM": ""})
    assert result.returncode == 2
    assert "--generate-key" in result.stderr
    assert not list(tmp_path.glob("*.crx"))


def test_the_key_can_come_from_an_environment_variable(tmp_path, signing_key):
    result = run_packager("--out", str(tmp_path), "--public-url", URL,
                          env={"POSTCHECK_EXTENSION_KEY_PEM": signing_key.read_text()})
    assert result.returncode == 0, result.stderr
    assert crx.read_file(tmp_path / f"postcheck-{__version__}.crx", verify=True)


def test_generate_key_never_overwrites(tmp_path):
    key = tmp_path / "k.pem"
    assert run_packager("--generate-key", str(key)).returncode == 0
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    before = key.read_bytes()
    assert run_packager("--generate-key", str(key)).returncode != 0
    assert key.read_bytes() == before
