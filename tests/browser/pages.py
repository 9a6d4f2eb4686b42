"""Driving the fixture pages as a person would, and reading what the extension drew."""
from __future__ import annotations

X_COMPOSER = 'div[contenteditable="true"][data-testid^="tweetTextarea_"]'
X_POST = 'button[data-testid="tweetButtonInline"]'
FB_POST_COMPOSER = '#post-editor'
FB_COMMENT_COMPOSER = '#comment-editor'
FB_POST = 'div[aria-label="Post"][role="button"]'
# X after a redesign renamed its composer (the X fixture's ?variant=renamed): the extension's selector
# no longer finds it, and the site-change reports must say so (issue 20, "Know when the sites change").
X_RENAMED = "?variant=renamed"
X_RENAMED_COMPOSER = 'div[contenteditable="true"][data-testid="postTextarea_0"]'

BADGE_HOST = 'postcheck-ui[data-postcheck="badge"]'
BADGE = f'{BADGE_HOST} .badge'
# The badge's polite live region: the result, said once when typing settles (issue 20, item 9).
BADGE_LIVE = f'{BADGE_HOST} [data-part="announce"]'
UNDERLINES_HOST = 'postcheck-ui[data-postcheck="underlines"]'
MARK = f'{UNDERLINES_HOST} .mark'
# The card an underline opens on hover or click (issue 20, item 1).
CARD = f'{UNDERLINES_HOST} .tip'
# The card's actions (issue 20, items 8 and 9): a non-modal dialog with its own buttons.
CARD_DISMISS = f'{CARD} [data-action="dismiss"]'
CARD_WRONG = f'{CARD} [data-action="wrong"]'
# The keyboard shortcut to the next underlined problem (LanguageTool has one); Up goes back.
NEXT_ISSUE_KEY = "Alt+Shift+ArrowDown"
PREVIOUS_ISSUE_KEY = "Alt+Shift+ArrowUp"
DIALOG_HOST = 'postcheck-ui[data-postcheck="dialog"]'
# The warning before Post interrupts, so it is an alertdialog (issue 20, item 9).
DIALOG = f'{DIALOG_HOST} [role="alertdialog"]'
EDIT = f'{DIALOG} [data-action="edit"]'
POST_ANYWAY = f'{DIALOG} [data-action="post-anyway"]'
DIALOG_SUMMARY = f'{DIALOG} [data-part="summary"]'
DIALOG_FOOTER = f'{DIALOG} [data-part="footer"]'
TICK = f'{DIALOG} [data-action="tick"]'
WHY = f'{DIALOG} [data-action="why"]'


def type_draft(page, composer: str, text: str) -> None:
    """Clicks into the composer and types; characters a keyboard lacks (emoji) are inserted as an IME would."""
    page.click(composer)
    chunk = ""
    for ch in text:
        if ch.isascii():
            chunk += ch
            continue
        if chunk:
            page.keyboard.type(chunk)
            chunk = ""
        page.keyboard.insert_text(ch)
    if chunk:
        page.keyboard.type(chunk)


def wait_for_badge(page, state: str, timeout: float = 8000):
    badge = page.locator(BADGE)
    badge.and_(page.locator(f'{BADGE}[data-state="{state}"]')).wait_for(timeout=timeout)
    return badge


def posted(page) -> list[dict]:
    return page.evaluate("() => window.__posted || []")


def marks(page, rule: str) -> list[dict]:
    """The underline rectangles drawn for `rule`, in viewport coordinates."""
    return page.evaluate(
        """rule => [...document.querySelectorAll('postcheck-ui[data-postcheck="underlines"]')]
             .flatMap(host => [...host.shadowRoot.querySelectorAll(`.mark[data-rule="${rule}"]`)])
             .map(m => { const r = m.getBoundingClientRect(); return {left: r.left, top: r.top, width: r.width, height: r.height}; })""",
        rule)


def word_rects(page, composer: str, words: str) -> list[dict]:
    """The client rects of a DOM Range over the first occurrence of `words` in the composer's text nodes."""
    return page.evaluate(
        """([selector, words]) => {
             const root = document.querySelector(selector);
             const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
             for (let node = walker.nextNode(); node; node = walker.nextNode()) {
               const at = node.data.indexOf(words);
               if (at === -1) continue;
               const range = document.createRange();
               range.setStart(node, at);
               range.setEnd(node, at + words.length);
               return [...range.getClientRects()].map(r => ({left: r.left, top: r.top, width: r.width, height: r.height}));
             }
             return [];
           }""",
        [composer, words])


def composer_text(page, composer: str) -> str:
    return page.evaluate("s => document.querySelector(s).innerText", composer)


def click_at(page, selector: str) -> None:
    """A real mouse click at the middle of the element, as a person's would land (not locator.click())."""
    box = page.locator(selector).first.bounding_box()
    assert box, f"{selector} is not on screen"
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def rect_of(page, selector: str) -> dict:
    """The first visible match's viewport rectangle as {left, top, width, height}."""
    box = page.locator(f"{selector} >> visible=true").first.bounding_box()
    assert box, f"{selector} is not on screen"
    return {"left": box["x"], "top": box["y"], "width": box["width"], "height": box["height"]}


def composer_text_rects(page, composer: str) -> list[dict]:
    """One rectangle per line box of the draft's text (a Range over each text node)."""
    return page.evaluate(
        """selector => {
             const root = document.querySelector(selector);
             const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
             const out = [];
             for (let node = walker.nextNode(); node; node = walker.nextNode()) {
               if (!node.data.trim()) continue;
               const range = document.createRange();
               range.selectNodeContents(node);
               for (const r of range.getClientRects()) if (r.width > 0) out.push({left: r.left, top: r.top, width: r.width, height: r.height});
             }
             return out;
           }""",
        composer)
