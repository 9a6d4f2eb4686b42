"""Takes the welcome page's three pictures (the badge, an underline with its card, the warning dialog)
from real screenshots of the X fixture page, with the unpacked extension and a real postcheck server,
and writes them as small PNGs to extension/src/welcome/. Run it again whenever the badge, the card or
the dialog change (it needs what the browser tests need: Chromium, the built fixture pages, playwright):

    .venv/bin/python tools/welcome_pictures.py

Real screenshots rather than drawn mock-ups, so the welcome page cannot show a look the extension no
longer has."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "server"))

from playwright.sync_api import sync_playwright  # noqa: E402

from postcheck import create_app  # noqa: E402
from tests.browser.conftest import _ServerThread, _start_browser  # noqa: E402
from tests.browser.pages import (BADGE, CARD, DIALOG, DIALOG_HOST, X_COMPOSER, X_POST, click_at, rect_of,  # noqa: E402
                                 type_draft, wait_for_badge, word_rects)

OUT = ROOT / "extension" / "src" / "welcome"
DRAFT = "The Tories wrecked this country. Tottenham needs napalm, see you all later"  # 2 problems, 1 serious


def clip(page, rects, pad=12):
    left = min(r["left"] for r in rects) - pad
    top = min(r["top"] for r in rects) - pad
    right = max(r["left"] + r["width"] for r in rects) + pad
    bottom = max(r["top"] + r["height"] for r in rects) + pad
    return {"x": max(0, left), "y": max(0, top), "width": right - max(0, left), "height": bottom - max(0, top)}


def main() -> None:
    app = create_app({"TESTING": True, "RULES_DIR": str(ROOT / "policy_rules"), "RULES_RELOAD_SECONDS": 0})
    server = _ServerThread(app)
    server.start()
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
            browser = _start_browser(playwright, Path(profile))
            browser.set_local_settings(serverUrl=f"http://127.0.0.1:{server.port}", organisationName="Haringey Council")
            page = browser.open("x-home")
            page.set_viewport_size({"width": 900, "height": 620})
            type_draft(page, X_COMPOSER, DRAFT)
            wait_for_badge(page, "warnings")
            page.wait_for_function("""() => [...document.querySelectorAll('postcheck-ui[data-postcheck="underlines"]')]
                .some(h => h.shadowRoot.querySelector('.mark'))""")
            composer = rect_of(page, X_COMPOSER)
            page.mouse.click(composer["left"] + composer["width"] - 2, composer["top"] + composer["height"] + 60)
            badge = rect_of(page, BADGE)
            page.screenshot(path=str(OUT / "welcome-badge.png"), clip=clip(page, [composer, badge, rect_of(page, X_POST)]))

            word = word_rects(page, X_COMPOSER, "napalm")[0]
            page.mouse.move(word["left"] + word["width"] / 2, word["top"] + word["height"] - 3)
            page.locator(CARD).wait_for()
            page.screenshot(path=str(OUT / "welcome-underline.png"), clip=clip(page, [composer, rect_of(page, CARD)], pad=12))
            page.keyboard.press("Escape")

            click_at(page, X_POST)
            page.locator(DIALOG).wait_for()
            box = page.evaluate("""host => { const r = document.querySelector(host).shadowRoot.querySelector('.dialog')
                .getBoundingClientRect(); return {left: r.left, top: r.top, width: r.width, height: r.height}; }""", DIALOG_HOST)
            page.screenshot(path=str(OUT / "welcome-dialog.png"), clip=clip(page, [box], pad=8))
            browser.context.close()
    finally:
        server.server.shutdown()
    for name in ("welcome-badge.png", "welcome-underline.png", "welcome-dialog.png"):
        print(OUT / name, (OUT / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
