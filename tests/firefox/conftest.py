"""Fixtures for the Firefox tests: the Firefox build (tools/package_extension.py, unpacked, no signing
material) and the Node packages in tests/firefox/node_modules (`make firefox-deps`)."""
from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NODE_MODULES = HERE / "node_modules"
FIREFOX = Path(os.environ.get("POSTCHECK_FIREFOX", "/usr/bin/firefox-esr"))
# The address the real package is built for: the linter sees the update_url IT's build carries.
PUBLIC_URL = "https://postcheck.example.gov.uk"


def missing(reason: str):
    # Locally a missing tool is a skip that says how to get it; in CI the tests must run.
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the Firefox tests must run)")
    pytest.skip(reason)


def _packager():
    spec = importlib.util.spec_from_file_location("package_extension", ROOT / "tools" / "package_extension.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def packager():
    return _packager()


@pytest.fixture(scope="session")
def firefox_build(packager, tmp_path_factory):
    """The Firefox build as IT's package has it, unpacked into a folder."""
    return packager.firefox_unpacked(tmp_path_factory.mktemp("firefox-build"), PUBLIC_URL)


@pytest.fixture(scope="session")
def node():
    path = shutil.which("node")
    if not path:
        missing("Node.js is not installed: apt-get install nodejs npm")
    if not (NODE_MODULES / "addons-linter").is_dir() or not (NODE_MODULES / "puppeteer-core").is_dir():
        missing("the Firefox tests' Node packages are not installed: run `make firefox-deps`")
    return path
