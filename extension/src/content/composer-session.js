// One composer on the page: reads its draft, keeps it checked, shows the badge and underlines, and
// stands in front of its submit when the verdict has warnings.
(function () {
  "use strict";

  const P = globalThis.postcheck;
  const SUBMIT_WAIT_MS = 1500;
  // Stands in for the badge and the underline layer when the rollout mode shows nothing.
  const QUIET = { set() {}, place() {}, setTheme() {}, remove() {}, clear() {}, draw() {}, pointerAt() {}, close() {}, typing() {}, focus() {} };

  class ComposerSession {
    constructor(composer, adapter, env) {
      this.composer = composer;
      this.adapter = adapter;
      this.env = env; // {send, settings(), }
      this.verdict = null; // {text, model, result}: the last answer
      // The warnings underlined now and the text their spans are on: the last answer's, moved with
      // each edit since (issue 20, item 6), less those dismissed. Null when nothing is to be drawn.
      this.shown = null;
      this.lastBadge = null; // what the badge said at the last answer: kept while the next is awaited
      this.pending = false; // the draft changed since the last answer
      this.dismissed = []; // [{rule, words}] "Dismiss for this post"
      this.holding = false; // a submit is held: waiting for a verdict or the dialog is open
      this.resubmitting = false;
      this.composing = false;
      // The rollout mode is fixed for a session's life: main.js rebuilds every session when IT changes it.
      this.rollout = P.rolloutBehaviour(env.settings().rolloutMode);
      // In a silent pilot nothing may reach the page, not even an empty shadow host.
      this.badge = this.rollout.show ? new P.Badge(() => this.openReview()) : QUIET;
      // The card an underline opens keeps off this composer's submit control and its toolbar.
      this.layer = this.rollout.show ? new P.UnderlineLayer({
        onWrong: (warning) => this.report([warning], "reported_wrong"),
        onDismiss: (warning) => this.dismiss(warning),
        composer,
        submit: () => (adapter.submitFor ? adapter.submitFor(composer) : null),
      }) : QUIET;
      this.checker = new P.DraftChecker({
        check: (text) => this.env.send({ type: "check", draft: this.draftContext(text) }),
        onVerdict: (text, result) => this.showVerdict(text, result),
      });
      // Draft.js re-renders instead of letting native input events through, so the DOM is watched.
      this.observer = new MutationObserver(() => this.changed());
      this.observer.observe(composer, { childList: true, subtree: true, characterData: true });
      this.applyTheme();
      this.changed();
    }

    draftContext(text) {
      return { text, platform: this.adapter.platform, reply: this.adapter.isReply(this.composer), handle: this.adapter.accountHandle() };
    }

    readDraft() {
      if ("value" in this.composer && this.composer.tagName === "TEXTAREA") return { text: this.composer.value, model: null };
      const model = P.buildTextModel(this.composer);
      return { text: model.text, model };
    }

    changed() {
      if (this.composing) return; // an IME is mid-word: wait for compositionend
      const { text } = this.readDraft();
      this.endDismissals(text);
      // The marks move with the edit rather than vanish until the next answer; a mark whose words
      // the edit touched is dropped until then.
      if (this.shown && this.shown.text !== text) {
        this.shown = { text, warnings: P.moveWarnings(this.shown.warnings, this.shown.text, text) };
      }
      if (!this.checker.verdictIfKnown(text)) this.setPending();
      this.badge.typing(); // its result is said once typing settles, not at every key
      this.checker.update(text);
      this.place();
    }

    /** The draft changed and its check is on its way: the badge keeps the last count (with a quiet
     *  "pending" hint) rather than go back to "Checking…" at every key. */
    setPending() {
      if (this.pending) return;
      this.pending = true;
      this.badge.set(this.lastBadge ? { ...this.lastBadge, pending: true } : { state: "checking" });
    }

    showVerdict(text, result) {
      const draft = this.readDraft();
      if (draft.text !== text) return; // the DOM moved on; the next change brings the right verdict
      this.verdict = { text, model: draft.model, result };
      this.pending = false;
      if (result.status !== "ok") {
        this.shown = null;
        this.lastBadge = { state: "unavailable", reason: result.reason }; // the badge says why
        this.badge.set(this.lastBadge);
        this.layer.clear();
        return;
      }
      this.shown = { text, warnings: this.visible(result.warnings, text) };
      this.setBadge();
      this.place();
    }

    /** The badge as the last answer has it, less the warnings dismissed. */
    setBadge() {
      const v = this.verdict;
      if (!v || v.result.status !== "ok") return;
      const warnings = this.visible(v.result.warnings, v.text);
      this.lastBadge = { state: warnings.length ? "warnings" : "clean", warnings, incomplete: v.result.incomplete === true };
      // An empty draft's "No issues" is no count to keep while the first words are checked (and the
      // badge is hidden on an empty composer anyway).
      if (!v.text.trim()) this.lastBadge = null;
      this.badge.set(this.lastBadge ? (this.pending ? { ...this.lastBadge, pending: true } : this.lastBadge) : { state: "checking" });
    }

    drawUnderlines() {
      const shown = this.shown;
      if (!shown || !this.env.settings().liveUnderlining) {
        this.layer.clear();
        return;
      }
      // Editors replace their text nodes freely, so the map is rebuilt from the DOM as it is now.
      const { model } = this.readDraft();
      if (!model || model.text !== shown.text) {
        this.layer.clear();
        return;
      }
      this.layer.draw(model, shown.warnings);
    }

    /** Scroll, resize or reflow: the badge and underlines follow the composer. */
    place() {
      // Beside this composer's Post button where it has one (issue 20, item 5).
      this.badge.place(this.composer, this.adapter.submitFor ? this.adapter.submitFor(this.composer) : null);
      if (this.shown) this.drawUnderlines();
    }

    /** The words a warning underlines in `text`. */
    static wordsOf(warning, text) {
      return (warning.spans || []).map((s) => text.slice(s.start, s.end)).filter((w) => w.trim());
    }

    /** `warnings` less those dismissed for this post. A dismissal lasts while the draft still holds
     *  the words it was for; an emptied composer (the post went, or was cleared) ends them all. */
    visible(warnings, text) {
      this.endDismissals(text);
      if (!this.dismissed.length) return warnings;
      return warnings.filter((w) => {
        const words = ComposerSession.wordsOf(w, text);
        return !this.dismissed.some((d) => d.rule === w.rule && words.some((x) => d.words.includes(x)));
      });
    }

    /** Ends the dismissals whose words `text` no longer holds: at every edit, not only when an answer
     *  comes, since typing over the words and back (select all, a new post with the same word) may
     *  never be checked in between. */
    endDismissals(text) {
      if (!text.trim()) this.dismissed = [];
      else if (this.dismissed.length) this.dismissed = this.dismissed.filter((d) => d.words.some((w) => text.includes(w)));
    }

    /** "Dismiss for this post" in an underline's card: gone from the marks, the badge and the
     *  dialog at Post, and counted as outcome "dismissed". */
    dismiss(warning) {
      const text = this.shown ? this.shown.text : this.readDraft().text;
      const words = ComposerSession.wordsOf(warning, text);
      if (!words.length) return;
      this.dismissed.push({ rule: warning.rule, words });
      this.report([warning], "dismissed");
      if (this.shown) this.shown = { text: this.shown.text, warnings: this.visible(this.shown.warnings, this.shown.text) };
      this.setBadge();
      this.place();
    }

    applyTheme() {
      const theme = P.themeBehind(this.composer);
      this.theme = theme;
      this.badge.setTheme(theme);
      this.layer.setTheme(theme);
    }

    /** A submit (click, shortcut, Enter) of this composer. Returns nothing; may cancel `event`.
     *  `waitMs`: how long the verdict may still take (less when main.js held the submit first). */
    interceptSubmit(event, waitMs = SUBMIT_WAIT_MS) {
      if (this.resubmitting) return; // our own Post anyway
      const { text } = this.readDraft();
      if (!text.trim()) return;
      let known = this.checker.verdictIfKnown(text);
      if (!this.rollout.intercept) {
        // Silent pilot: the post goes ahead untouched; what would have been shown is counted.
        if (known && known.status === "ok" && known.warnings.length) this.report(known.warnings, "silent");
        return;
      }
      // The service worker could not be reached for this text: it is asked again within the wait.
      if (known && known.reason === "no-worker") known = undefined;
      if (known && known.status === "ok") known = { ...known, warnings: this.stopping(known.warnings, text) };
      if (known && known.status === "ok" && known.warnings.length === 0) return; // clean
      if (known && known.status !== "ok") { // the server could not check it: fail open, counted as unchecked
        this.reportUnchecked();
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      if (this.holding) return;
      this.holding = true;
      if (known) {
        this.openDialog(known.warnings);
        return;
      }
      this.checker.verdictFor(text, waitMs).then((found) => {
        const result = found.status === "ok" ? { ...found, warnings: this.stopping(found.warnings, text) } : found;
        if (result.status === "ok" && result.warnings.length) {
          this.openDialog(result.warnings);
        } else {
          this.holding = false;
          this.resubmit(); // clean, unavailable or too slow: posting is never blocked
          if (result.status !== "ok") this.reportUnchecked();
        }
      });
    }

    /** A submit main.js held while the settings were on their way: decided as any other, in what is
     *  left of the wait, and posted by us when nothing holds it. */
    submitHeld(waitMs) {
      const standIn = { held: false, preventDefault() { this.held = true; }, stopImmediatePropagation() {} };
      this.interceptSubmit(standIn, Math.max(0, waitMs));
      if (!standIn.held) this.resubmit();
    }

    /** The warnings that stop Post: not dismissed, and shown as a "dialog" by IT's `presentation`
     *  (by default medium and high); the rest stay tips in place (issue 20, item 8). */
    stopping(warnings, text) {
      return P.dialogWarnings(this.visible(warnings, text), this.env.settings());
    }

    openDialog(warnings) {
      this.layer.close(); // the card would sit under the dialog, and take the Esc meant for it
      const caret = P.saveCaret(this.composer); // given back exactly on Edit post or Esc
      const settings = this.env.settings();
      const mode = P.postAnywayMode(warnings, settings);
      this.report(warnings, "shown");
      P.showWarningDialog({
        warnings,
        // The dialog quotes the words at fault back to their author; the text goes nowhere else.
        text: this.readDraft().text,
        organisation: settings.organisationName,
        mode,
        theme: this.theme,
        // Edit post and Esc go back to the draft with the caret where it was; Post anyway and the
        // fix leave focus to what they do next.
        restoreFocus: (outcome) => (outcome === "edit" ? P.restoreCaret(this.composer, caret) : false),
        onWrong: (warning, comment) => this.report([warning], "reported_wrong", comment),
        onClose: (outcome, fix) => {
          this.holding = false;
          if (outcome === "post") {
            this.report(warnings, "posted_anyway");
            this.resubmit();
          } else {
            this.report(warnings, "edited");
            if (outcome === "fix") P.appendText(this.composer, fix.append);
          }
        },
      });
    }

    openReview() {
      const v = this.verdict;
      const warnings = v ? this.visible(v.result.warnings || [], v.text) : [];
      if (!v || v.result.status !== "ok" || !warnings.length || this.holding) return;
      this.layer.close();
      P.showWarningDialog({
        warnings,
        text: v.text,
        organisation: this.env.settings().organisationName,
        mode: "review",
        theme: this.theme,
        onWrong: (warning, comment) => this.report([warning], "reported_wrong", comment),
        onClose: (outcome, fix) => {
          if (outcome === "fix") P.appendText(this.composer, fix.append);
        },
      });
    }

    resubmit() {
      this.resubmitting = true;
      try {
        this.adapter.resubmit(this.composer);
      } finally {
        this.resubmitting = false;
      }
    }

    report(warnings, outcome, comment) {
      const result = this.verdict && this.verdict.result;
      const accountType = (result && result.accountType) || null;
      const reports = warnings.map((w) => ({ warning: { rule: w.rule, category: w.category, source: w.source }, outcome, comment, platform: this.adapter.platform, accountType }));
      this.env.send({ type: "feedback", reports }).catch(() => {});
    }

    /** The post went out with no verdict (server down or slow, worker unreachable): counted, with no
     *  rule and no text, as outcome "unchecked". */
    reportUnchecked() {
      this.env.send({ type: "feedback", reports: [{ outcome: "unchecked", platform: this.adapter.platform }] }).catch(() => {});
    }

    dispose() {
      this.observer.disconnect();
      this.checker.dispose();
      this.badge.remove();
      this.layer.remove();
    }
  }

  P.ComposerSession = ComposerSession;
  P.SUBMIT_WAIT_MS = SUBMIT_WAIT_MS;
})();
