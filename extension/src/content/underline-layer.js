// Underlines under the words at fault, drawn in a separate layer over the page from DOM Ranges,
// so the editor's own DOM is never touched. Hovering or clicking an underline opens a card with the
// warning's title, the words underlined, its advice and a "This warning is wrong" action.
//
// Nothing here may take a click meant for the page (issue 20, item 1: the card once sat over X's
// Post button and swallowed the click). So the host, the marks and the card itself have
// pointer-events: none and only the card's buttons take the pointer; hover and clicks on the
// underlines are read from the page's own events by position. The card opens on hover or click of
// an underline, never merely because the caret is in the word, and is placed where it covers
// neither the Post button nor the toolbar around it.
//
// The card is a non-modal dialog (issue 20, item 9), not a tooltip: it holds buttons. Alt+Shift+Down
// (Alt+Shift+Up back) in the composer or the card goes to the next underlined words and opens their
// card with the focus on it, as LanguageTool's shortcut does; Tab reaches its buttons; Esc closes it
// and puts the focus back in the composer, the caret after those words. Neither X nor Facebook binds Alt+Shift+arrows, and
// the shortcut is only taken while something is underlined.
(function () {
  "use strict";

  const { STYLES, createShadowHost, spanToBoundaries, t } = globalThis.postcheck;
  const NEXT_KEY = "ArrowDown"; // with Alt+Shift; ArrowUp goes back
  const GAP = 6; // between the word and the card
  const EDGE = 4; // kept clear at the window's edges
  const HOVER_GRACE_MS = 300; // time to move the pointer from the word onto the card
  const MAX_WORDS_CHARS = 40;

  function inside(rect, x, y, slack = 2) {
    return x >= rect.left - slack && x <= rect.right + slack && y >= rect.top - slack && y <= rect.bottom + slack;
  }

  function box(left, top, width, height) {
    return { left, top, width, height, right: left + width, bottom: top + height };
  }

  function overlapArea(a, b) {
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 0 && h > 0 ? w * h : 0;
  }

  function clamp(value, low, high) {
    return Math.max(low, Math.min(value, Math.max(low, high)));
  }

  /**
   * The band the card must keep off: from the composer's bottom edge down to the bottom of its
   * submit control, across both. On X and Facebook that is the toolbar row holding Post.
   */
  function toolbarZone(composerRect, submitRect) {
    if (!submitRect || submitRect.width === 0) return null;
    const left = Math.min(composerRect.left, submitRect.left);
    const right = Math.max(composerRect.right, submitRect.right);
    const top = Math.min(composerRect.bottom, submitRect.top);
    const bottom = Math.max(composerRect.bottom, submitRect.bottom);
    return box(left, top, right - left, bottom - top);
  }

  /**
   * Where the card goes for an underline at `word`: below the line; else above it (flipped);
   * else below the toolbar, outside it (the badge has no panel to hold it). The first that fits
   * the window and stays off `zone` wins; if none does, the one covering least of the zone.
   */
  function placeCard(word, size, view, zone) {
    const left = clamp(word.left, EDGE, view.width - size.width - EDGE);
    const tops = [word.bottom + GAP, word.top - GAP - size.height];
    if (zone) tops.push(zone.bottom + GAP);
    const candidates = tops.map((top) => box(left, top, size.width, size.height));
    const fits = (c) => c.top >= EDGE && c.bottom <= view.height - EDGE && !(zone && overlapArea(c, zone) > 0);
    const found = candidates.find(fits);
    if (found) return found;
    const clamped = candidates.map((c) => box(c.left, clamp(c.top, EDGE, view.height - size.height - EDGE), size.width, size.height));
    return clamped.reduce((best, c) => (zone && overlapArea(c, zone) < overlapArea(best, zone) ? c : best));
  }

  /** “word”, “other words”: what a warning underlines, as the card names it. */
  function underlinedWords(model, spans) {
    const seen = [];
    for (const span of spans || []) {
      let words = model.text.slice(span.start, span.end).replace(/\s+/g, " ").trim();
      if (!words) continue;
      if (words.length > MAX_WORDS_CHARS) words = `${words.slice(0, MAX_WORDS_CHARS - 1).trimEnd()}…`;
      if (!seen.includes(words)) seen.push(words);
    }
    return seen;
  }

  class UnderlineLayer {
    /**
     * onWrong(warning): the "This warning is wrong" action. onDismiss(warning): "Dismiss for this
     * post". composer: the editor the marks are over. submit(): its submit control, or null; the
     * card keeps off it and its toolbar.
     */
    constructor({ onWrong, onDismiss = () => {}, composer, submit }) {
      const { host, root } = createShadowHost("underlines", STYLES.UNDERLINES);
      // Important, so no page style can give the host the pointer back.
      host.style.setProperty("pointer-events", "none", "important");
      this.host = host;
      this.composer = composer;
      this.submit = submit || (() => null);
      this.frame = document.createElement("div");
      this.frame.className = "frame light";
      this.marks = document.createElement("div");
      this.tip = this.buildTip(onWrong, onDismiss);
      this.frame.append(this.marks, this.tip);
      root.append(this.frame);
      this.spots = []; // [{rect, warning, words, index}] index: which of the warning's rects
      this.issues = []; // [{warning, start, end, index}] one per underlined span, in text order
      this.model = null; // the text model the marks were drawn on
      this.navIndex = null; // the issue the keyboard moved to
      this.tipWarning = null;
      this.tipIndex = 0;
      this.pinned = false; // opened by a click: stays until Esc or a click elsewhere
      this.hideTimer = null;
      this.onPointerDown = (event) => this.pointerDown(event);
      this.onKeyDown = (event) => this.keyDown(event);
      window.addEventListener("pointerdown", this.onPointerDown, true);
      window.addEventListener("keydown", this.onKeyDown, true);
    }

    buildTip(onWrong, onDismiss) {
      const tip = document.createElement("div");
      tip.className = "tip";
      tip.hidden = true;
      // A non-modal dialog named by its title: it holds buttons, which a tooltip may not.
      tip.setAttribute("role", "dialog");
      tip.setAttribute("aria-labelledby", "postcheck-tip-title");
      tip.setAttribute("aria-describedby", "postcheck-tip-words postcheck-tip-advice");
      tip.tabIndex = -1;
      tip.id = "postcheck-tip";
      this.tipTitle = document.createElement("strong");
      this.tipTitle.id = "postcheck-tip-title";
      this.tipWords = document.createElement("p");
      this.tipWords.className = "words";
      this.tipWords.id = "postcheck-tip-words";
      this.tipAdvice = document.createElement("p");
      this.tipAdvice.id = "postcheck-tip-advice";
      const actions = document.createElement("div");
      actions.className = "actions";
      const button = (className, action, label, onClick) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = className;
        b.dataset.action = action;
        b.textContent = t(label);
        b.addEventListener("click", onClick);
        return b;
      };
      const dismiss = button("dismiss", "dismiss", "dismissForPost", () => {
        const warning = this.tipWarning;
        if (!warning) return;
        this.hideTip(); // the focus goes back to the composer before the marks are redrawn
        onDismiss(warning);
      });
      const wrong = button("link", "wrong", "warningIsWrong", () => {
        if (this.tipWarning) onWrong(this.tipWarning);
        wrong.textContent = t("thanksReported");
      });
      this.tipWrong = wrong;
      actions.append(dismiss, wrong);
      const hint = document.createElement("p");
      hint.className = "hint";
      hint.textContent = t("cardNextHint");
      tip.append(this.tipTitle, this.tipWords, this.tipAdvice, actions, hint);
      return tip;
    }

    setTheme(theme) {
      this.frame.className = `frame ${theme === "dark" ? "dark" : "light"}`;
    }

    /** Draws `warnings` over `model` (the text model the verdict was computed on). */
    draw(model, warnings) {
      this.marks.replaceChildren();
      this.spots = [];
      this.issues = [];
      this.model = model;
      for (const warning of warnings) {
        const words = underlinedWords(model, warning.spans);
        let index = 0;
        for (const span of warning.spans || []) {
          const b = spanToBoundaries(model, span.start, span.end);
          if (!b || !b.startNode.isConnected || !b.endNode.isConnected) continue;
          this.issues.push({ warning, start: span.start, end: span.end, index });
          const range = document.createRange();
          range.setStart(b.startNode, b.startOffset);
          range.setEnd(b.endNode, b.endOffset);
          for (const rect of range.getClientRects()) {
            if (rect.width === 0) continue;
            const mark = document.createElement("div");
            // The severity is in the class and the attribute: colour and line style both follow it.
            mark.className = `mark mark-${warning.severity}`;
            mark.dataset.rule = warning.rule;
            mark.dataset.severity = warning.severity;
            Object.assign(mark.style, { left: `${rect.left}px`, top: `${rect.top}px`, width: `${rect.width}px`, height: `${rect.height}px` });
            this.marks.append(mark);
            this.spots.push({ rect, warning, words, index: index++ });
          }
        }
      }
      this.issues.sort((a, b) => a.start - b.start || a.end - b.end);
      if (!this.tipWarning) return;
      // Scroll, reflow or a new verdict: the open card follows its underline, or goes with it.
      const mine = this.spots.filter((s) => s.warning.rule === this.tipWarning.rule);
      if (!mine.length) this.hideTip();
      else this.showTip(mine.find((s) => s.index === this.tipIndex) || mine[0], { force: true });
    }

    clear() {
      this.marks.replaceChildren();
      this.spots = [];
      this.hideTip();
    }

    /** The pointer moved to (x, y): an underline there opens its card; leaving both closes it. */
    pointerAt(x, y) {
      const spot = this.spots.find((s) => inside(s.rect, x, y));
      if (spot) {
        this.cancelHide();
        this.showTip(spot);
      } else if (!this.tip.hidden && !this.pinned) {
        if (inside(this.tip.getBoundingClientRect(), x, y, GAP)) this.cancelHide();
        else if (!this.hideTimer) this.hideTimer = setTimeout(() => this.hideTip(), HOVER_GRACE_MS);
      }
    }

    /** A press anywhere: on an underline it opens (and pins) the card; off the card it closes it. */
    pointerDown(event) {
      const spot = this.spots.find((s) => inside(s.rect, event.clientX, event.clientY));
      if (spot) {
        this.cancelHide();
        this.showTip(spot);
        this.pinned = true;
      } else if (!this.tip.hidden && !inside(this.tip.getBoundingClientRect(), event.clientX, event.clientY, 0)) {
        this.hideTip();
      }
    }

    keyDown(event) {
      const path = event.composedPath();
      const ours = path.includes(this.composer) || path.includes(this.host);
      if (ours && event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey
          && (event.key === NEXT_KEY || event.key === "ArrowUp") && this.issues.length) {
        event.preventDefault();
        event.stopPropagation();
        this.moveToIssue(event.key === NEXT_KEY ? 1 : -1);
        return;
      }
      if (event.key !== "Escape" || this.tip.hidden) return;
      this.hideTip();
      // Esc in the composer or the card closes the card and nothing else (X would close its
      // compose dialog); Esc anywhere else, in the warning dialog say, goes on to its owner.
      if (ours) {
        event.preventDefault();
        event.stopPropagation();
      }
    }

    /** Where the caret is, as an offset in the marks' text; -1 when it is not in the composer. */
    caretOffset() {
      const selection = getSelection();
      if (!this.model || !selection || !selection.rangeCount) return -1;
      const range = selection.getRangeAt(0);
      const piece = this.model.pieces.find((p) => p.node === range.startContainer);
      if (piece) return piece.start + range.startOffset;
      if (!this.composer.contains(range.startContainer)) return -1;
      // On an element (an empty line, say): the first text after it.
      const after = this.model.pieces.find((p) => range.startContainer.compareDocumentPosition(p.node) & Node.DOCUMENT_POSITION_FOLLOWING);
      return after ? after.start : this.model.text.length;
    }

    cardHasFocus() {
      const root = this.host.shadowRoot;
      return !!(root && root.activeElement && this.tip.contains(root.activeElement));
    }

    /** The keyboard's way to the next (step 1) or previous (-1) underlined words: opens their card
     *  with the focus on it (a screen reader reads its title and words); Esc then puts the caret
     *  after those words. No selection is made in the composer meanwhile: the editors drop it as
     *  they lose the focus (Draft.js does), so it would only flicker. */
    moveToIssue(step) {
      const n = this.issues.length;
      let i;
      if (this.navIndex !== null && this.navIndex < n && this.cardHasFocus()) {
        i = (this.navIndex + step + n) % n;
      } else {
        const at = this.caretOffset();
        if (step > 0) {
          i = this.issues.findIndex((x) => x.start >= at);
          if (i === -1) i = 0;
        } else {
          i = -1;
          this.issues.forEach((x, k) => { if (x.end < at) i = k; });
          if (i === -1) i = n - 1;
        }
      }
      const issue = this.issues[i];
      const spot = this.spots.find((s) => s.warning === issue.warning && s.index === issue.index);
      if (!spot) return;
      this.cancelHide();
      this.showTip(spot, { force: true });
      this.navIndex = i; // after showTip, which starts a card afresh
      this.pinned = true;
      this.tip.focus({ preventScroll: true });
    }

    /** Esc or a dismissal with the focus in the card: back to the composer, the caret after the
     *  words the card was about, not wherever the editor last had it. */
    returnFocus() {
      const tipSpan = this.tipSpan;
      this.composer.focus({ preventScroll: true });
      const end = tipSpan ? tipSpan.end : null;
      if (end === null || !this.model) return;
      const put = () => this.selectCaretAt(end);
      put();
      // Draft.js puts back its own idea of the selection as it takes the focus; ours comes after.
      setTimeout(put, 0);
    }

    selectCaretAt(offset) {
      const b = spanToBoundaries(this.model, Math.max(0, offset - 1), offset);
      if (!b || !b.endNode.isConnected) return;
      const range = document.createRange();
      range.setStart(b.endNode, b.endOffset);
      range.collapse(true);
      const selection = getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }

    showTip(spot, { force = false } = {}) {
      const { rect, warning, words, index } = spot;
      // The span this rect belongs to: the last of the warning's spans starting at or before it.
      const issue = this.issues.filter((x) => x.warning === warning && x.index <= index).sort((a, b) => b.index - a.index)[0];
      this.tipSpan = issue ? { start: issue.start, end: issue.end } : null;
      const same = this.tipWarning === warning && this.tipIndex === index && !this.tip.hidden;
      if (this.tipWarning !== warning) {
        this.tipWarning = warning;
        this.tipTitle.textContent = globalThis.postcheck.typographic(warning.title);
        this.tipWords.textContent = words.length ? t("cardUnderlined", [words.map((w) => `\u201c${w}\u201d`).join(", ")]) : "";
        this.tipWords.hidden = words.length === 0;
        this.tipAdvice.textContent = globalThis.postcheck.typographic(warning.advice);
        this.tipWrong.textContent = t("warningIsWrong");
        this.tip.dataset.severity = warning.severity;
      }
      this.tipIndex = index;
      if (same && !force) return; // the pointer moved within the same underline
      this.tip.hidden = false;
      const size = { width: this.tip.offsetWidth, height: this.tip.offsetHeight };
      const submit = this.submit();
      const zone = this.composer && submit ? toolbarZone(this.composer.getBoundingClientRect(), submit.getBoundingClientRect()) : null;
      const at = placeCard(rect, size, { width: innerWidth, height: innerHeight }, zone);
      this.tip.style.left = `${at.left}px`;
      this.tip.style.top = `${at.top}px`;
    }

    cancelHide() {
      clearTimeout(this.hideTimer);
      this.hideTimer = null;
    }

    hideTip() {
      this.cancelHide();
      const hadFocus = !this.tip.hidden && this.cardHasFocus();
      this.tip.hidden = true;
      if (hadFocus) this.returnFocus(); // never leave the focus on a hidden card, or on the page's body
      this.tipWarning = null;
      this.navIndex = null;
      this.pinned = false;
    }

    /** Closes the card: the warning dialog is opening, say. */
    close() {
      this.hideTip();
    }

    remove() {
      this.cancelHide();
      window.removeEventListener("pointerdown", this.onPointerDown, true);
      window.removeEventListener("keydown", this.onKeyDown, true);
      this.host.remove();
    }
  }

  globalThis.postcheck.UnderlineLayer = UnderlineLayer;
})();
