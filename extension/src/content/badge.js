// The badge: what the check found, in plain words ("3 problems, 1 serious", "No issues", "Checks
// unavailable: why, and what to do"). A button: with warnings it opens the list of them.
//
// Where it sits (issue 20, item 5): never over the draft. Beside the composer's Post button, on its
// row, as X puts its character counter; failing that (a comment with no button, a button as wide as
// the composer, no room at the window's edge) just outside the composer's box. Nothing at all while
// the composer is empty.
//
// Reading order (item 9): the badge's host element is put in the page right after the composer, so
// a screen reader or Tab meets it straight after the draft and before Post, not at the end of the
// page. It is still drawn with position: fixed, so it takes no room in the page's layout. (aria-owns
// was the alternative, but it would have to be set on the page's own elements and cannot reach into
// a shadow root; a DOM position needs neither.)
//
// Announcements: the button itself is not a live region (it would say "Checking…" at every key). A
// separate polite status says the result once, when typing has settled and the result changed.
(function () {
  "use strict";

  const { STYLES, createShadowHost, t } = globalThis.postcheck;
  const GAP = 8; // between the badge and the button or box it sits beside
  const EDGE = 4; // kept clear at the window's edges
  const ANNOUNCE_AFTER_MS = 900; // quiet time after a result before it is said

  // "high" counts as serious; an unknown severity is treated as the worst, as severity.js ranks it.
  const isSerious = (warning) => warning.severity !== "low" && warning.severity !== "medium";

  /** "1 problem", "1 serious problem", "3 problems", "3 problems, 1 serious", "2 serious problems".
   *  Serious = high severity (the dialog and the badge count the same way). */
  function summarise(warnings) {
    const count = warnings.length;
    const serious = warnings.filter(isSerious).length;
    if (count === 1) return t(serious ? "dialogSummaryOneSerious" : "dialogSummaryOne");
    if (serious === 0) return t("dialogSummaryMany", [String(count)]);
    if (serious === count) return t("dialogSummaryAllSerious", [String(count)]);
    return t("dialogSummarySomeSerious", [String(count), String(serious)]);
  }

  // The worker's reason for an unavailable check, as a sentence that says why and what to do.
  function unavailableText(reason) {
    if (reason === "no-worker") return t("badgeUnavailableRestarting");
    if (reason === "timeout") return t("badgeUnavailableSlow");
    if (typeof reason === "string" && (reason.startsWith("http-") || reason === "bad-answer" || reason === "internal")) {
      return t("badgeUnavailableServerError");
    }
    return t("badgeUnavailableUnreachable"); // "network", or no reason given
  }

  function worst(warnings) {
    const order = ["low", "medium", "high"];
    let rank = -1;
    for (const w of warnings) rank = Math.max(rank, order.includes(w.severity) ? order.indexOf(w.severity) : 2);
    return rank < 0 ? "" : order[rank];
  }

  function isEmpty(composer) {
    const text = composer.tagName === "TEXTAREA" ? composer.value : composer.textContent;
    return !String(text || "").replace(/[\u200b\ufeff]/g, "").trim();
  }

  const intersects = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

  class Badge {
    constructor(onOpen) {
      const { host, root } = createShadowHost("badge", STYLES.BADGE);
      this.host = host;
      this.button = document.createElement("button");
      this.button.type = "button";
      this.button.className = "badge light";
      this.dot = document.createElement("span");
      this.dot.className = "dot";
      this.dot.setAttribute("aria-hidden", "true");
      this.label = document.createElement("span");
      this.label.className = "label";
      this.button.append(this.dot, this.label);
      this.button.addEventListener("click", () => onOpen());
      // Said once per settled result; visually hidden.
      this.live = document.createElement("span");
      this.live.className = "announce";
      this.live.setAttribute("role", "status");
      this.live.setAttribute("aria-live", "polite");
      this.live.dataset.part = "announce";
      this.spoken = "";
      this.announceTimer = null;
      root.append(this.button, this.live);
      // The host now sits inside the page's own markup: its clicks and keys are the badge's alone.
      for (const type of ["click", "mousedown", "pointerdown", "keydown", "keyup", "keypress"]) {
        host.addEventListener(type, (event) => event.stopPropagation());
      }
      this.set({ state: "checking" });
    }

    set({ state, warnings = [], incomplete = false, pending = false, reason }) {
      const severity = state === "warnings" ? worst(warnings) : "";
      this.button.dataset.state = state;
      this.button.dataset.severity = severity;
      // The server ran out of time before every check read the draft: never say "No issues" then.
      this.button.dataset.incomplete = incomplete ? "true" : "false";
      // The draft changed since this answer; the next is on its way (the count is kept meanwhile).
      this.button.dataset.pending = pending ? "true" : "false";
      this.button.disabled = state !== "warnings";
      let text;
      if (state === "warnings") {
        text = summarise(warnings);
        if (incomplete) text = t("badgeWarningsPartly", [text]);
      } else if (state === "unavailable") {
        text = unavailableText(reason);
      } else {
        text = t(state === "clean" && incomplete ? "badge_partly" : `badge_${state}`);
      }
      this.button.title = incomplete ? t("badgePartlyWhy") : "";
      this.label.textContent = text;
      this.button.setAttribute("aria-label", `${t("extensionName")}: ${text}`);
      this.scheduleAnnouncement(state === "checking" || pending ? null : `${t("extensionName")}: ${text}`);
    }

    /** A settled result is said after a quiet moment; any change before then (a key, "checking")
     *  cancels it, and a result already said is not said again. */
    scheduleAnnouncement(message) {
      clearTimeout(this.announceTimer);
      this.announceTimer = null;
      if (!message || message === this.spoken) return;
      this.announceTimer = setTimeout(() => {
        this.announceTimer = null;
        if (!this.host.isConnected || this.button.style.display === "none") return;
        this.spoken = message;
        this.live.textContent = message;
      }, ANNOUNCE_AFTER_MS);
    }

    /** The person is typing: nothing is said until they stop. */
    typing() {
      if (this.announceTimer) this.scheduleAnnouncement(null);
    }

    setTheme(theme) {
      this.button.classList.toggle("dark", theme === "dark");
      this.button.classList.toggle("light", theme !== "dark");
    }

    focus() {
      if (this.button.style.display !== "none" && !this.button.disabled) this.button.focus();
    }

    /** Puts the badge beside `submit` (the composer's Post button, or null), or just outside
     *  `composer`'s box; hidden when the composer is empty or off screen. */
    place(composer, submit) {
      if (!composer || typeof composer.getBoundingClientRect !== "function") return;
      // Reading order: right after the composer (re-inserted if the page's editor re-rendered).
      if (composer.isConnected && this.host.previousSibling !== composer) composer.after(this.host);
      const box = composer.getBoundingClientRect();
      const visible = box.width > 0 && box.bottom > 0 && box.top < innerHeight && !isEmpty(composer);
      this.button.style.display = visible ? "" : "none";
      if (!visible) {
        this.scheduleAnnouncement(null);
        return;
      }
      const width = this.button.offsetWidth;
      const height = this.button.offsetHeight;
      const viewWidth = document.documentElement.clientWidth || innerWidth;
      const viewHeight = innerHeight;
      const button = submit && submit.isConnected ? submit.getBoundingClientRect() : null;
      const hasButton = button && button.width > 0 && button.height > 0;
      const at = (left, top) => ({ left, top, right: left + width, bottom: top + height });
      const candidates = [];
      if (hasButton) {
        const middle = button.top + (button.height - height) / 2;
        const left = at(button.left - GAP - width, middle);
        const right = at(button.right + GAP, middle);
        // The side with more of the composer's column free: left of a Post button at the column's
        // right (X, like its counter), right of one at its left.
        const buttonIsRight = button.left + button.width / 2 > box.left + box.width / 2;
        candidates.push(...(buttonIsRight ? [left, right] : [right, left]));
      }
      const rightAligned = Math.min(box.right, viewWidth - EDGE) - width;
      candidates.push(at(rightAligned, box.bottom + GAP / 2)); // under the composer's box
      if (hasButton) candidates.push(at(rightAligned, button.bottom + GAP / 2)); // under the button's row
      candidates.push(at(rightAligned, box.top - height - GAP / 2)); // above the composer's box
      const fits = (c) => c.left >= EDGE && c.right <= viewWidth - EDGE && c.top >= 0 && c.bottom <= viewHeight
        && !intersects(c, box) && !(hasButton && intersects(c, button));
      const chosen = candidates.find(fits) || candidates[candidates.length - 1];
      const left = Math.max(EDGE, Math.min(chosen.left, viewWidth - EDGE - width));
      const top = Math.max(0, Math.min(chosen.top, viewHeight - height));
      this.button.style.left = `${left}px`;
      this.button.style.top = `${top}px`;
      // An ancestor with a transform makes position: fixed relative to it: measure and correct.
      const drawn = this.button.getBoundingClientRect();
      if (Math.abs(drawn.left - left) > 0.5 || Math.abs(drawn.top - top) > 0.5) {
        this.button.style.left = `${left + (left - drawn.left)}px`;
        this.button.style.top = `${top + (top - drawn.top)}px`;
      }
    }

    remove() {
      clearTimeout(this.announceTimer);
      this.host.remove();
    }
  }

  globalThis.postcheck.Badge = Badge;
  globalThis.postcheck.summariseWarnings = summarise;
})();
