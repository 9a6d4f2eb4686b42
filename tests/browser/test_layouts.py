"""How it looks where staff use it (issue 20, items 5 and 10): on X and Facebook, light and dark, at
1280×800 and 760×500, the badge covers none of the draft and is whole on screen, and the dialog's
buttons are on screen and not covered. Each layout is saved as a screenshot in artifacts/ (git-ignored)
with the warnings underlined, and again with the dialog open, for the closing note and the docs."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.pages import (BADGE, DIALOG, DIALOG_HOST, FB_POST, FB_POST_COMPOSER, X_COMPOSER, X_POST, click_at,
                                 composer_text_rects, rect_of, type_draft, wait_for_badge)

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
MIXED = "Claire's off on long-term sick again. The Tories wrecked this country. Tottenham needs napalm, see you all later"
SITES = {"x": ("x-home", X_COMPOSER, X_POST), "facebook": ("facebook-feed", FB_POST_COMPOSER, FB_POST)}
VIEWPORTS = {"1280x800": {"width": 1280, "height": 800}, "760x500": {"width": 760, "height": 500}}

BUTTONS_ON_SCREEN = """host => {
  const root = document.querySelector(host).shadowRoot;
  return [...root.querySelectorAll('[data-action="edit"], [data-action="post-anyway"], [data-action="tick"]')].map(b => {
    const r = b.getBoundingClientRect();
    const hit = root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {action: b.dataset.action, onScreen: r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight,
            hitItself: hit === b || b.contains(hit) || (hit && hit.htmlFor === b.id)};
  });
}"""


def overlaps(a, b) -> bool:
    return a["left"] < b["left"] + b["width"] and b["left"] < a["left"] + a["width"] and \
        a["top"] < b["top"] + b["height"] and b["top"] < a["top"] + a["height"]


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("site", SITES)
def test_layout(launch, site, theme, size):
    fixture, composer, post = SITES[site]
    page = launch(organisationName="Haringey Council").open(fixture, "?theme=dark" if theme == "dark" else "")
    page.set_viewport_size(VIEWPORTS[size])
    type_draft(page, composer, MIXED)
    wait_for_badge(page, "warnings")
    page.wait_for_function("""() => [...document.querySelectorAll('postcheck-ui[data-postcheck="underlines"]')]
        .reduce((n, h) => n + h.shadowRoot.querySelectorAll('.mark').length, 0) >= 3""")

    badge = rect_of(page, BADGE)
    for line in composer_text_rects(page, composer):
        assert not overlaps(badge, line), f"the badge {badge} covers the draft at {line}"
    view = page.viewport_size
    assert badge["left"] >= 0 and badge["top"] >= 0
    assert badge["left"] + badge["width"] <= view["width"] and badge["top"] + badge["height"] <= view["height"]
    assert page.locator(f"{BADGE} >> visible=true").inner_text() == "3 problems, 1 serious"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"layout-{site}-{theme}-{size}.png"))

    click_at(page, post)
    page.locator(DIALOG).wait_for()
    buttons = page.evaluate(BUTTONS_ON_SCREEN, DIALOG_HOST)
    assert {b["action"] for b in buttons} >= {"edit", "post-anyway"}
    for button in buttons:
        assert button["onScreen"] and button["hitItself"], button
    page.screenshot(path=str(ARTIFACTS / f"layout-{site}-{theme}-{size}-dialog.png"))
    page.keyboard.press("Escape")
