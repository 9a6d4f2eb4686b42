"""The warning dialog as staff meet it (issue 20, items 3, 9 and 10): with several warnings it opens at
the top with its title focused, a one-line summary, the worst warning first, the policy's words behind
"Why?", and Edit post / Post anyway in a footer that is always on screen, whatever the window size."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.pages import (DIALOG, DIALOG_FOOTER, DIALOG_HOST, DIALOG_SUMMARY, EDIT, POST_ANYWAY, TICK, WHY,
                                 FB_POST, FB_POST_COMPOSER, X_COMPOSER, X_POST, type_draft, wait_for_badge)

pytestmark = pytest.mark.browser

# One serious warning (the napalm "joke") and two medium ones (gossip, party politics); the violent one
# comes last in the text so that "worst first" is the dialog's doing. The draft ends on words no rule
# underlines, so the caret sits in no underline when Post is pressed.
MIXED = "Claire's off on long-term sick again. The Tories wrecked this country. Tottenham needs napalm, see you all later"
NAPALM_QUOTE = "my solutions for supporting the High Road mostly involve napalm"
SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2}

# axe-core as the admin pages' tests install it (`make admin-axe`).
AXE = Path(__file__).resolve().parents[1] / "admin" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"1280x800": {"width": 1280, "height": 800}, "760x500": {"width": 760, "height": 500}}

# Everything the test reads from inside the dialog's shadow root, in one go.
DIALOG_STATE = """host => {
  const root = document.querySelector(host).shadowRoot;
  const box = root.querySelector('[role="alertdialog"]') || root.querySelector('[role="dialog"]');
  const byId = id => (id ? root.getElementById(id) : null);
  const title = byId(box.getAttribute('aria-labelledby'));
  const description = byId(box.getAttribute('aria-describedby'));
  const scrolled = [...root.querySelectorAll('*')].filter(n => n.scrollTop !== 0).map(n => n.className || n.tagName);
  const buttons = [...root.querySelectorAll('[data-action="edit"], [data-action="post-anyway"]')].map(b => {
    const r = b.getBoundingClientRect();
    const hit = root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {action: b.dataset.action, top: r.top, bottom: r.bottom, left: r.left, right: r.right,
            hitItself: hit === b || b.contains(hit)};
  });
  return {
    role: box.getAttribute('role'),
    modal: box.getAttribute('aria-modal'),
    titleText: title ? title.textContent : null,
    descriptionText: description ? description.textContent : null,
    focusedIsTitle: !!title && root.activeElement === title,
    pageFocusIsDialog: document.activeElement === document.querySelector(host),
    scrolled,
    buttons,
    severities: [...root.querySelectorAll('li[data-severity]')].map(li => li.dataset.severity),
    rules: [...root.querySelectorAll('li[data-rule]')].map(li => li.dataset.rule),
    viewport: {width: innerWidth, height: innerHeight},
  };
}"""


def click_at(page, selector):
    """A real mouse click at the middle of the element, as a person's would land."""
    box = page.locator(selector).first.bounding_box()
    assert box, f"{selector} is not on screen"
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def open_with(page, how):
    if how == "click":
        click_at(page, X_POST)
    else:
        page.keyboard.press("Control+Enter")
    page.locator(f"{DIALOG_HOST} .dialog").wait_for()


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("how", ["click", "ctrl-enter"])
def test_several_warnings_open_at_the_top_worst_first_with_the_buttons_on_screen(launch, size, how):
    page = launch().open("x-home")
    page.set_viewport_size(VIEWPORTS[size])
    type_draft(page, X_COMPOSER, MIXED)
    wait_for_badge(page, "warnings")
    open_with(page, how)
    state = page.evaluate(DIALOG_STATE, DIALOG_HOST)

    assert state["role"] == "alertdialog"
    assert state["modal"] == "true"
    assert state["titleText"] == "Check this post before it goes out"
    assert state["descriptionText"] == "3 problems, 1 serious"
    assert page.locator(DIALOG_SUMMARY).inner_text() == "3 problems, 1 serious"
    # Opens at the top: nothing inside is scrolled, and the title holds the focus.
    assert state["scrolled"] == []
    assert state["focusedIsTitle"] and state["pageFocusIsDialog"]
    # The worst warning first, then the rest in falling severity.
    assert state["rules"][0] == "violent.destroying-a-place"
    ranks = [SEVERITY_RANK[s] for s in state["severities"]]
    assert len(ranks) == 3 and ranks == sorted(ranks, reverse=True) and ranks[0] == 2
    # Edit post and Post anyway are in the viewport and nothing covers them, without any scrolling.
    assert {b["action"] for b in state["buttons"]} == {"edit", "post-anyway"}
    for button in state["buttons"]:
        assert 0 <= button["top"] and button["bottom"] <= state["viewport"]["height"], button
        assert 0 <= button["left"] and button["right"] <= state["viewport"]["width"], button
        assert button["hitItself"], f"{button['action']} is covered or clipped"
    assert page.locator(DIALOG_FOOTER).locator('[data-action="edit"]').count() == 1

    # Each warning is short: the policy's words wait behind "Why?".
    first = page.locator(f"{DIALOG} li").first
    assert NAPALM_QUOTE not in first.inner_text()
    why = first.locator('[data-action="why"]')
    assert why.get_attribute("aria-expanded") == "false"
    why.scroll_into_view_if_needed()
    click_at(page, f'{DIALOG} li >> nth=0 >> [data-action="why"]')
    assert why.get_attribute("aria-expanded") == "true"
    assert NAPALM_QUOTE in first.inner_text()
    # The footer is still there after the body moved.
    state = page.evaluate(DIALOG_STATE, DIALOG_HOST)
    assert all(b["hitItself"] for b in state["buttons"])


def test_tab_stays_inside_and_escape_returns_to_the_composer(launch):
    page = launch().open("x-home")
    page.set_viewport_size(VIEWPORTS["760x500"])
    type_draft(page, X_COMPOSER, MIXED)
    wait_for_badge(page, "warnings")
    open_with(page, "click")
    seen = set()
    for _ in range(12):
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.getAttribute('data-postcheck')") == "dialog"
        seen.add(page.evaluate("""host => { const a = document.querySelector(host).shadowRoot.activeElement;
            return a && (a.dataset.action || a.id); }""", DIALOG_HOST))
    assert {"why", "edit", "tick"} <= seen, seen
    page.keyboard.press("Escape")
    page.locator(f"{DIALOG_HOST} .dialog").wait_for(state="detached")
    assert page.evaluate("s => document.querySelector(s).contains(document.activeElement)", X_COMPOSER)


def test_the_dialog_speaks_plainly(launch):
    page = launch(organisationName="Haringey Council").open("x-home")
    page.set_viewport_size(VIEWPORTS["1280x800"])
    type_draft(page, X_COMPOSER, "Ring Dave on 07700 900123. " + MIXED)
    wait_for_badge(page, "warnings")
    open_with(page, "click")
    assert page.locator(DIALOG_SUMMARY).inner_text() == "4 problems, 2 serious"
    first = page.locator(f"{DIALOG} li").first
    # Severity in plain sentence case, not shouted capitals.
    label = first.locator(".sev")
    assert label.inner_text() == "Serious"
    assert label.evaluate("n => getComputedStyle(n).textTransform") == "none"
    # Typographic quotes, and the words at fault named.
    violent = page.locator(f'{DIALOG} li[data-rule="violent.destroying-a-place"]')
    assert "Violent \u201cjoke\u201d about a place" in violent.inner_text()
    assert '"' not in page.locator(DIALOG).inner_text()
    phone = page.locator(f'{DIALOG} li[data-rule="personal-data.phone-number"]')
    assert "\u201c07700 900123\u201d" in phone.locator('[data-part="words"]').inner_text()
    # The policy's napalm post is shown as its bad example, apart from the policy's own text.
    violent.locator('[data-action="why"]').scroll_into_view_if_needed()
    click_at(page, f'{DIALOG} li[data-rule="violent.destroying-a-place"] [data-action="why"]')
    example = violent.locator('[data-part="example"]')
    assert example.inner_text().startswith("The policy\u2019s own example of what not to post")
    assert f"\u201c{NAPALM_QUOTE}\u201d" in example.inner_text()
    assert violent.locator('[data-part="policy-text"]').count() == 0
    gossip = page.locator(f'{DIALOG} li[data-rule="confidential.colleague-gossip"]')
    gossip.locator('[data-action="why"]').scroll_into_view_if_needed()
    click_at(page, f'{DIALOG} li[data-rule="confidential.colleague-gossip"] [data-action="why"]')
    assert gossip.locator('[data-part="policy-text"]').inner_text().startswith("The policy says")
    assert gossip.locator('[data-part="example"]').count() == 0
    # The tick says with whom it was checked.
    assert page.locator(f"{DIALOG} label[for='tick']").inner_text() == \
        "I have checked with Haringey Council\u2019s comms team that this is allowed"
    page.locator(TICK).check()
    assert not page.locator(POST_ANYWAY).is_disabled()


def test_without_an_organisation_name_the_tick_names_the_comms_team(launch):
    page = launch().open("x-home")
    type_draft(page, X_COMPOSER, "What a pr!ck that bloke was")
    wait_for_badge(page, "warnings")
    open_with(page, "ctrl-enter")
    assert page.locator(DIALOG_SUMMARY).inner_text() == "1 serious problem"
    assert page.locator(f"{DIALOG} label[for='tick']").inner_text() == \
        "I have checked with the comms team that this is allowed"
    page.locator(EDIT).click()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("site", ["x", "facebook"])  # Facebook has its own buttons and greys
def test_axe_finds_no_serious_problem_in_the_open_dialog(launch, site, theme):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `make admin-axe`")
    fixture, composer, post = {"x": ("x-home", X_COMPOSER, X_POST), "facebook": ("facebook-feed", FB_POST_COMPOSER, FB_POST)}[site]
    page = launch().open(fixture, "?theme=dark" if theme == "dark" else "")
    page.set_viewport_size(VIEWPORTS["760x500"])
    type_draft(page, composer, MIXED)
    wait_for_badge(page, "warnings")
    click_at(page, post)
    page.locator(f"{DIALOG_HOST} .dialog").wait_for()
    # Every part shown: the policy's words and the wrong-warning form too.
    for index in range(page.locator(WHY).count()):
        page.locator(WHY).nth(index).click()
    page.locator(f'{DIALOG} [data-action="wrong"]').first.click()
    page.evaluate(AXE.read_text())
    violations = page.evaluate("""async host => {
        const result = await axe.run({include: [[host]]}, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}));
    }""", DIALOG_HOST)
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == []
