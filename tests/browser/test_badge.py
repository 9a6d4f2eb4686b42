"""The badge as staff meet it (issue 20, items 5, 9 and 10): beside the Post button, never over the
draft, whole on screen and on one line at 760 px; nothing on an empty composer; plain words ("3 problems,
1 serious"); a reason and a next step when checks are unavailable; right after the composer in reading
order; and one polite announcement when typing settles, not "Checking…" on every key."""
from __future__ import annotations

import pytest

from tests.browser.pages import (BADGE, BADGE_HOST, BADGE_LIVE, FB_POST, FB_POST_COMPOSER, FB_COMMENT_COMPOSER,
                                 X_COMPOSER, X_POST, composer_text_rects, rect_of, type_draft, wait_for_badge)

pytestmark = pytest.mark.browser

MIXED = "Claire's off on long-term sick again. The Tories wrecked this country. Tottenham needs napalm, see you all later"
POLITICS = "The Tories wrecked this country."  # one medium warning
# Long enough that its last line runs to the composer's right edge, where the badge used to sit.
LONG = ("Claire's off on long-term sick again and the whole team is covering for her while the "
        "managers look the other way, same as every single winter")
VIEWPORTS = {"1280x800": {"width": 1280, "height": 800}, "760x500": {"width": 760, "height": 500}}


def overlaps(a, b) -> bool:
    return a["left"] < b["left"] + b["width"] and b["left"] < a["left"] + a["width"] and \
        a["top"] < b["top"] + b["height"] and b["top"] < a["top"] + a["height"]


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("site", ["x", "facebook"])
def test_the_badge_sits_beside_post_covers_no_text_and_stays_on_screen(launch, site, size):
    composer, post = (X_COMPOSER, X_POST) if site == "x" else (FB_POST_COMPOSER, FB_POST)
    page = launch().open("x-home" if site == "x" else "facebook-feed")
    page.set_viewport_size(VIEWPORTS[size])
    type_draft(page, composer, LONG)
    wait_for_badge(page, "warnings")
    badge = rect_of(page, BADGE)
    for line in composer_text_rects(page, composer):
        assert not overlaps(badge, line), f"the badge {badge} covers the draft at {line}"
    view = page.viewport_size
    assert 0 <= badge["left"] and badge["left"] + badge["width"] <= view["width"], badge
    assert 0 <= badge["top"] and badge["top"] + badge["height"] <= view["height"], badge
    # One line: no wrapping and nothing cut off inside it.
    assert badge["height"] < 30, badge
    assert page.locator(f"{BADGE} >> visible=true").evaluate("b => b.scrollWidth <= b.clientWidth")
    # Beside the Post button, like X's character counter: on its row, not over it.
    button = rect_of(page, post)
    assert not overlaps(badge, button)
    middle = badge["top"] + badge["height"] / 2
    assert button["top"] <= middle <= button["top"] + button["height"], (badge, button)


def test_a_comment_without_a_post_button_gets_a_counter_outside_its_text(launch):
    page = launch().open("facebook-feed")
    type_draft(page, FB_COMMENT_COMPOSER, LONG)
    wait_for_badge(page, "warnings")
    badge = rect_of(page, BADGE)
    for line in composer_text_rects(page, FB_COMMENT_COMPOSER):
        assert not overlaps(badge, line)
    assert not overlaps(badge, rect_of(page, FB_COMMENT_COMPOSER))


def test_an_empty_composer_shows_nothing(launch):
    page = launch().open("x-home")
    type_draft(page, X_COMPOSER, "Lovely sunny day")
    wait_for_badge(page, "clean")
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    page.locator(BADGE).wait_for(state="hidden")
    assert not page.locator(BADGE).is_visible()
    page.keyboard.type("Hi")
    wait_for_badge(page, "clean")
    assert page.locator(BADGE).is_visible()


def test_the_badge_counts_problems_in_plain_words(launch):
    page = launch().open("x-home")
    type_draft(page, X_COMPOSER, MIXED)
    badge = wait_for_badge(page, "warnings")
    # Serious = high severity: the napalm post; gossip and party politics are medium.
    assert badge.inner_text() == "3 problems, 1 serious"
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    page.keyboard.type(POLITICS)
    page.locator(f'{BADGE}[data-state="warnings"]', has_text="1 problem").wait_for()
    assert page.locator(BADGE).inner_text() == "1 problem"


def test_checks_unavailable_says_why_and_what_to_do(launch, dead_server_url):
    page = launch(server_url=dead_server_url).open("x-home")
    type_draft(page, X_COMPOSER, POLITICS)
    badge = wait_for_badge(page, "unavailable")
    assert badge.inner_text() == \
        "Checks unavailable: can\u2019t reach the checking service. Read your post through yourself."
    box = rect_of(page, BADGE)
    assert box["left"] + box["width"] <= page.viewport_size["width"]


def test_the_badge_comes_right_after_the_composer_in_reading_order(launch):
    page = launch().open("x-home")
    type_draft(page, X_COMPOSER, MIXED)
    wait_for_badge(page, "warnings")
    order = page.evaluate("""([composer, host, post]) => {
        const c = document.querySelector(composer), b = document.querySelector(host), p = document.querySelector(post);
        const follows = (a, z) => Boolean(a.compareDocumentPosition(z) & Node.DOCUMENT_POSITION_FOLLOWING);
        // Nothing that can be read or focused between the composer and the badge.
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
        let between = [];
        let on = false;
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (n === b) break;
          if (on && !c.contains(n) && (n.nodeType === 3 ? n.data.trim() : n.matches('a,button,input,textarea,[tabindex]'))) between.push(n.nodeName);
          if (n === c) on = true;
        }
        return {afterComposer: follows(c, b), beforePost: follows(b, p), between};
    }""", [X_COMPOSER, BADGE_HOST, X_POST])
    assert order == {"afterComposer": True, "beforePost": True, "between": []}


def test_the_result_is_announced_once_when_typing_settles(launch):
    page = launch().open("x-home")
    page.click(X_COMPOSER)
    page.keyboard.type("C")
    page.locator(BADGE_HOST).wait_for(state="attached")
    page.evaluate("""host => {
        window.__spoken = [];
        const root = document.querySelector(host).shadowRoot;
        const regions = () => [...root.querySelectorAll('[aria-live], [role="status"], [role="alert"]')]
          .filter(n => n.getAttribute('aria-live') !== 'off');
        let last = regions().map(r => r.textContent).join('|');
        new MutationObserver(() => {
          const now = regions().map(r => r.textContent.trim()).filter(Boolean).join('|');
          if (now !== last && now) window.__spoken.push(now);
          last = now;
        }).observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
    }""", BADGE_HOST)
    page.keyboard.type(MIXED[1:], delay=30)
    wait_for_badge(page, "warnings")
    page.wait_for_function("() => window.__spoken.length > 0", timeout=5000)
    page.wait_for_timeout(1500)  # nothing more is said once it has been said
    spoken = page.evaluate("() => window.__spoken")
    assert spoken == ["postcheck: 3 problems, 1 serious"], spoken
    assert page.locator(BADGE_LIVE).count() == 1
