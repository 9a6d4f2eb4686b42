// One composer on the page: reads its draft, keeps it checked, shows the badge and underlines, and
// stands in front of its submit when the verdict has warnings.
(function () {
  "use strict";

  const P = globalThis.postcheck;
  const SUBMIT_WAIT_MS = 1500;
  // Stands in for the badge and the underline layer when the rollout mode shows nothing.
  const QUIET = { set() {}, place() {}, setTheme() {}, remove() {}, clear() {}, draw() {}, pointerAt() {}, close() {} };

  class ComposerSession {
    constructor(composer, adapter, env) {
      this.composer = composer;
      this.adapter = adapter;
      this.env = env; // {send, settings(), }
      this.verdict = null; // {text, model, result}
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
      if (this.verdict && this.verdict.text !== text) this.layer.clear();
      if (!this.checker.verdictIfKnown(text)) this.badge.set({ state: "checking" });
      this.checker.update(text);
      this.place();
    }

    showVerdict(text, result) {
      const draft = this.readDraft();
      if (draft.text !== text) return; // the DOM moved on; the next change brings the right verdict
      this.verdict = { text, model: draft.model, result };
      if (result.status !== "ok") {
        this.badge.set({ state: "unavailable" });
        this.layer.clear();
        return;
      }
      this.badge.set({ state: result.warnings.length ? "warnings" : "clean", warnings: result.warnings,
        incomplete: result.incomplete === true });
      this.drawUnderlines();
      this.place();
    }

    drawUnderlines() {
      const v = this.verdict;
      if (!v || !v.model || v.result.status !== "ok" || !this.env.settings().liveUnderlining) {
        this.layer.clear();
        return;
      }
      // Editors replace their text nodes freely, so the map is rebuilt from the DOM as it is now.
      const { model } = this.readDraft();
      if (model.text !== v.text) {
        this.layer.clear();
        return;
      }
      this.layer.draw(model, v.result.warnings);
    }

    /** Scroll, resize or reflow: the badge and underlines follow the composer. */
    place() {
      this.badge.place(this.composer.getBoundingClientRect());
      if (this.verdict && this.verdict.result.status === "ok") this.drawUnderlines();
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
      this.checker.verdictFor(text, waitMs).then((result) => {
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

    openDialog(warnings) {
      this.layer.close(); // the card would sit under the dialog, and take the Esc meant for it
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
        onWrong: (warning, comment) => this.report([warning], "reported_wrong", comment),
        onClose: (outcome, fix) => {
          this.holding = false;
          if (outcome === "post") {
            this.report(warnings, "posted_anyway");
            this.resubmit();
          } else {
            this.report(warnings, "edited");
            if (outcome === "fix") P.appendText(this.composer, fix.append);
            else this.composer.focus();
          }
        },
      });
    }

    openReview() {
      const v = this.verdict;
      if (!v || v.result.status !== "ok" || !v.result.warnings.length || this.holding) return;
      this.layer.close();
      P.showWarningDialog({
        warnings: v.result.warnings,
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
