"""/api/v1/docs works on a network that blocks CDNs, and no CDN can script it: Swagger UI's files come from
an installed package (flask-swagger-ui) and are served by the app itself, and the page's Content Security
Policy names this origin alone, so a script from anywhere else could not run beside a signed-in officer."""
from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

DOCS = "/api/v1/docs"
_REFERENCE = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", re.I)
# Any absolute or protocol-relative address: "https://cdn...", "//cdn...", "ws://...".
_ELSEWHERE = re.compile(r"""\b[a-z][a-z0-9+.-]*://|["'(=]\s*//""", re.I)
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')]*)""", re.I)
YEAR = 365 * 24 * 3600


def page_references(html: str) -> list[str]:
    return _REFERENCE.findall(html)


def page_files(client) -> list[str]:
    """The paths of the files the docs page loads, resolved against the page's own address."""
    return [urljoin(DOCS, r) for r in page_references(client.get(DOCS).get_data(as_text=True))]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def test_the_docs_page_references_nothing_outside_this_origin(client):
    response = client.get(DOCS)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    references = page_references(html)
    assert len(references) >= 2, "Swagger UI's script and stylesheet are linked from the page"
    for reference in references:
        assert urljoin("http://postcheck.test" + DOCS, reference).startswith("http://postcheck.test/api/v1/"), reference
    assert not _ELSEWHERE.search(html), _ELSEWHERE.search(html).group(0)


def test_the_docs_page_finds_its_files_under_a_proxys_prefix(client):
    """Behind a proxy that mounts the app at /postcheck (ProxyFix's X-Forwarded-Prefix), the page's files
    are still found: their addresses are relative to the page."""
    base = "http://localhost/postcheck/"
    response = client.get(DOCS, base_url=base)
    assert response.status_code == 200
    for reference in page_references(response.get_data(as_text=True)):
        address = urljoin(base.rstrip("/") + DOCS, reference)
        assert address.startswith(base + "api/v1/docs/"), address
        assert client.get(address.removeprefix(base.rstrip("/")), base_url=base).status_code == 200, address


def test_swagger_ui_files_are_served_by_the_app_with_their_types_and_long_caching(client):
    references = page_files(client)
    served = {}
    for reference in references:
        response = client.get(reference)
        assert response.status_code == 200, reference
        served[reference] = response
        if reference.endswith(".js"):
            assert response.mimetype == "text/javascript", reference
        elif reference.endswith(".css"):
            assert response.mimetype == "text/css", reference
        # The address carries Swagger UI's version, so a browser may keep the file until the version changes.
        cache = response.cache_control
        assert cache.max_age is not None and cache.max_age >= YEAR, (reference, response.headers.get("Cache-Control"))
        assert cache.immutable, reference
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    scripts = [r for r in served if r.endswith(".js")]
    assert any(b"SwaggerUIBundle" in served[r].get_data() for r in scripts), "the Swagger UI bundle itself"
    for reference in (r for r in served if r.endswith(".css")):
        css = served[reference].get_data(as_text=True)
        assert "@import" not in css, reference
        for address in _CSS_URL.findall(css):
            assert address.startswith("data:"), (reference, address[:80])


def test_the_docs_page_csp_allows_this_origin_only(client):
    csp = csp_directives(client.get(DOCS).headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    for directive, sources in csp.items():
        for source in sources:
            if directive == "script-src" and re.fullmatch(r"'sha256-[A-Za-z0-9+/]+=*'", source):
                continue  # the page's own inline start-up script, by hash
            if directive == "img-src" and source == "data:":
                continue  # Swagger UI's icons are data: images inside its stylesheet
            assert source in ("'self'", "'none'"), f"{directive} {source}"
    assert "'self'" in csp["script-src"]


def _bundle_folder(client) -> str:
    references = page_files(client)
    bundle = next(r for r in references if r.endswith("/swagger-ui-bundle.js"))
    return bundle.rsplit("/", 1)[0] + "/"


def test_swagger_uis_licence_is_served_beside_its_files(client):
    response = client.get(_bundle_folder(client) + "LICENSE")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "Apache License" in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["index.template.html", "swagger-ui.js.map", "..%2f..%2fapp.py", "nothing.js"])
def test_only_swagger_uis_own_files_are_served(client, name):
    response = client.get(_bundle_folder(client) + name)
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


def test_another_swagger_ui_version_is_not_found(client):
    folder = _bundle_folder(client)
    other = re.sub(r"/[^/]+/$", "/0.0.0/", folder)
    assert other != folder
    assert client.get(other + "swagger-ui-bundle.js").status_code == 404

# The browser test (a real Chromium, every other origin refused) is tests/browser/test_docs_offline.py: it
# shares the browser tests' one Playwright session.
