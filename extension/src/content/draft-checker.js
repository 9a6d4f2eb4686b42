// Checks one composer's draft as it changes: debounced, one request in flight, answers for text that
// is no longer current dropped, and a way to wait briefly for the verdict on the text being posted.
(function () {
  "use strict";

  const { VerdictCache } = typeof require === "function" ? require("./verdict-cache.js") : globalThis.postcheck;

  class DraftChecker {
    /**
     * @param check   async (text) => {status: "ok", warnings} | {status: "unavailable"}
     * @param onVerdict (text, verdict) called only for the current text
     */
    constructor({ check, onVerdict = () => {}, delayMs = 400, cache = new VerdictCache() }) {
      this.check = check;
      this.onVerdict = onVerdict;
      this.delayMs = delayMs;
      this.cache = cache;
      this.current = null;
      this.timer = null;
      this.inFlight = null; // the text being checked right now
      this.waiters = [];
      // {text, reason} of the last check that failed: posting that text again need not wait. Not so
      // when the service worker could not be reached (reason "no-worker"): it may be up by the time
      // of Post, so verdictFor asks again within its wait rather than let the post go out unchecked.
      this.lastUnavailable = null;
    }

    /** The person changed the draft. */
    update(text) {
      if (text === this.current) return;
      this.current = text;
      clearTimeout(this.timer);
      const known = this.known(text);
      if (known) {
        this.deliver(text, known);
        return;
      }
      this.timer = setTimeout(() => this.run(), this.delayMs);
    }

    known(text) {
      if (!text.trim()) return { status: "ok", warnings: [] };
      return this.cache.get(text);
    }

    /** A verdict for `text` if one is already known (a clean empty draft included). */
    verdictIfKnown(text) {
      const known = this.known(text);
      if (known) return known;
      const failed = this.lastUnavailable;
      if (failed && failed.text === text) return failed.reason ? { status: "unavailable", reason: failed.reason } : { status: "unavailable" };
      return undefined;
    }

    /** The verdict for `text`, waiting at most `waitMs`; {status: "timeout"} if it is not back by then. */
    verdictFor(text, waitMs) {
      const known = this.verdictIfKnown(text);
      if (known && known.reason !== "no-worker") return Promise.resolve(known);
      if (text !== this.current) this.current = text;
      clearTimeout(this.timer);
      this.run();
      return new Promise((resolve) => {
        const waiter = { text, resolve };
        waiter.timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve({ status: "timeout" });
        }, waitMs);
        this.waiters.push(waiter);
      });
    }

    async run() {
      const text = this.current;
      if (text === null || this.inFlight !== null) return; // the answer in flight triggers the next run
      if (this.known(text)) return;
      this.inFlight = text;
      let verdict;
      try {
        verdict = await this.check(text);
      } catch (_) {
        verdict = { status: "unavailable" };
      }
      this.inFlight = null;
      if (verdict && verdict.status === "ok") {
        this.cache.set(text, verdict);
        if (this.lastUnavailable && this.lastUnavailable.text === text) this.lastUnavailable = null;
      } else {
        const reason = verdict && typeof verdict.reason === "string" ? verdict.reason : undefined;
        verdict = reason ? { status: "unavailable", reason } : { status: "unavailable" };
        this.lastUnavailable = { text, reason };
      }
      this.resolveWaiters(text, verdict);
      if (text === this.current) {
        this.deliver(text, verdict);
      } else if (this.current !== null && !this.known(this.current)) {
        // Stale: the draft moved on while this was in flight; its answer is dropped and the
        // current text is checked now rather than after another debounce.
        clearTimeout(this.timer);
        this.run();
      }
    }

    resolveWaiters(text, verdict) {
      const ready = this.waiters.filter((w) => w.text === text);
      this.waiters = this.waiters.filter((w) => w.text !== text);
      for (const waiter of ready) {
        clearTimeout(waiter.timer);
        waiter.resolve(verdict);
      }
    }

    deliver(text, verdict) {
      this.onVerdict(text, verdict);
    }

    dispose() {
      clearTimeout(this.timer);
      for (const waiter of this.waiters) {
        clearTimeout(waiter.timer);
        waiter.resolve({ status: "timeout" });
      }
      this.waiters = [];
      this.cache.clear();
    }
  }

  const api = { DraftChecker };
  if (typeof module === "object" && module.exports) module.exports = api;
  else globalThis.postcheck = Object.assign(globalThis.postcheck || {}, api);
})();
