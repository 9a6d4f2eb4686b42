// Checks one composer's draft as it changes: at each pause (debounced), and while typing goes on at
// most once every 1.5 s (a max-wait throttle); one request in flight; answers for text that is no
// longer current dropped; and a way to wait briefly for the verdict on the text being posted.
//
// How many checks one person can cause matters to the server's per-address rate limit (an office
// behind one NAT address shares it; README, POSTCHECK_CHECK_RATE_LIMIT). Besides the debounce and
// the throttle, checks while typing draw on a bucket of BURST tokens refilled one per REFILL_MS, so
// even a slow typist who pauses 400 ms after every key (a check per key without it) causes at most
// BURST + 60000 / REFILL_MS = 43 checks in any minute. Continuous typing uses one token per 1.5 s, as
// fast as they come back, so the check at the pause never waits for one. A check at Post
// (verdictFor) is never held back by the bucket: posting must not wait for it.
(function () {
  "use strict";

  const { VerdictCache } = typeof require === "function" ? require("./verdict-cache.js") : globalThis.postcheck;

  const DELAY_MS = 400; // the pause after the last key that counts as a pause
  const MAX_WAIT_MS = 1500; // while typing goes on, a check at least this often, and no more often
  const BURST = 3;
  const REFILL_MS = 1500;

  const realClock = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (id) => clearTimeout(id),
  };

  const WORD_CHAR = /[\p{L}\p{N}_]/u;

  /** The one stretch that differs between `before` and `after` (common prefix and suffix removed):
   *  {start, oldEnd, newEnd}, offsets in UTF-16 code units as the API's spans are. */
  function editBetween(before, after) {
    const max = Math.min(before.length, after.length);
    let start = 0;
    while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start += 1;
    let tail = 0;
    while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail += 1;
    return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
  }

  /**
   * `warnings` computed on `before`, moved to `after`: each span after the edit shifts by its length,
   * a span the edit touches is dropped (until the next answer says what the new words are). Typing a
   * letter right against a word changes the word, so that touches it too; a space or a full stop
   * does not. A warning with spans, all of them dropped, is dropped; one without spans (about the
   * whole draft) stays.
   */
  function moveWarnings(warnings, before, after) {
    if (before === after) return warnings;
    const { start, oldEnd, newEnd } = editBetween(before, after);
    const delta = newEnd - oldEnd;
    const removed = before.slice(start, oldEnd);
    const inserted = after.slice(start, newEnd);
    const wordy = (ch) => ch !== undefined && WORD_CHAR.test(ch);
    const firstWordy = wordy(removed[0]) || wordy(inserted[0]);
    const lastWordy = wordy(removed[removed.length - 1]) || wordy(inserted[inserted.length - 1]);
    const out = [];
    for (const warning of warnings) {
      const spans = warning.spans || [];
      if (!spans.length) {
        out.push(warning);
        continue;
      }
      const moved = [];
      for (const span of spans) {
        if (span.end < start || (span.end === start && !firstWordy)) {
          moved.push(span); // wholly before the edit
        } else if (span.start > oldEnd || (span.start === oldEnd && !lastWordy)) {
          moved.push({ ...span, start: span.start + delta, end: span.end + delta }); // wholly after it
        }
      }
      if (moved.length) out.push({ ...warning, spans: moved });
    }
    return out;
  }

  class DraftChecker {
    /**
     * @param check   async (text) => {status: "ok", warnings} | {status: "unavailable"}
     * @param onVerdict (text, verdict) called only for the current text
     * @param clock   {now, setTimeout, clearTimeout}: the real ones but in tests
     */
    constructor({ check, onVerdict = () => {}, delayMs = DELAY_MS, maxWaitMs = MAX_WAIT_MS, burst = BURST,
      refillMs = REFILL_MS, cache = new VerdictCache(), clock = realClock }) {
      this.check = check;
      this.onVerdict = onVerdict;
      this.delayMs = delayMs;
      this.maxWaitMs = maxWaitMs;
      this.burst = burst;
      this.refillMs = refillMs;
      this.cache = cache;
      this.clock = clock;
      this.current = null;
      this.timer = null;
      this.dueAt = null; // when the timer fires
      this.waitingSince = null; // the first change not yet checked: the throttle counts from it
      this.wanted = false; // a check came due while one was in flight: run when it answers
      this.tokens = burst;
      this.refilledAt = clock.now();
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
      const known = this.known(text);
      if (known) {
        this.stopTimer();
        this.waitingSince = null;
        this.deliver(text, known);
        return;
      }
      const now = this.clock.now();
      if (this.waitingSince === null) this.waitingSince = now;
      // At the pause, or when typing has gone on for maxWaitMs since the first unchecked change.
      this.schedule(Math.min(now + this.delayMs, this.waitingSince + this.maxWaitMs));
    }

    schedule(at) {
      const due = Math.max(at, this.tokenAt());
      if (this.timer !== null && this.dueAt === due) return;
      this.stopTimer();
      this.dueAt = due;
      this.timer = this.clock.setTimeout(() => {
        this.timer = null;
        this.dueAt = null;
        this.due();
      }, Math.max(0, due - this.clock.now()));
    }

    stopTimer() {
      if (this.timer !== null) this.clock.clearTimeout(this.timer);
      this.timer = null;
      this.dueAt = null;
    }

    refill() {
      const now = this.clock.now();
      this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) / this.refillMs);
      this.refilledAt = now;
    }

    /** When the bucket next holds a whole token (now if it does). */
    tokenAt() {
      this.refill();
      return this.tokens >= 1 ? this.clock.now() : this.clock.now() + Math.ceil((1 - this.tokens) * this.refillMs);
    }

    /** The debounce or the throttle came due: check the current text if a token allows. */
    due() {
      if (this.current === null || this.known(this.current)) {
        this.waitingSince = null;
        return;
      }
      if (this.inFlight !== null) {
        this.wanted = true; // the answer in flight triggers the next run
        return;
      }
      this.refill();
      if (this.tokens < 1) {
        this.schedule(this.clock.now());
        return;
      }
      this.tokens -= 1;
      this.run();
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
      this.stopTimer();
      // Never held back by the bucket: a post may be waiting. If a check is in flight, its answer
      // starts this one at once.
      if (this.inFlight !== null) this.wanted = true;
      else this.run();
      return new Promise((resolve) => {
        const waiter = { text, resolve };
        waiter.timer = this.clock.setTimeout(() => {
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
      this.wanted = false;
      this.waitingSince = null;
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
        // Stale: the draft moved on while this was in flight; its answer is dropped. If the current
        // text came due meanwhile (or a post waits for it) it is checked now; otherwise its timer,
        // still running, says when. Never straight away merely because an answer came back, or
        // continuous typing would be checked as fast as the server answers.
        if (this.waiters.some((w) => w.text === this.current)) {
          this.run();
        } else if (this.wanted) {
          this.wanted = false;
          this.due();
        } else if (this.timer === null) {
          if (this.waitingSince === null) this.waitingSince = this.clock.now();
          this.schedule(Math.min(this.clock.now() + this.delayMs, this.waitingSince + this.maxWaitMs));
        }
      }
    }

    resolveWaiters(text, verdict) {
      const ready = this.waiters.filter((w) => w.text === text);
      this.waiters = this.waiters.filter((w) => w.text !== text);
      for (const waiter of ready) {
        this.clock.clearTimeout(waiter.timer);
        waiter.resolve(verdict);
      }
    }

    deliver(text, verdict) {
      this.onVerdict(text, verdict);
    }

    dispose() {
      this.stopTimer();
      for (const waiter of this.waiters) {
        this.clock.clearTimeout(waiter.timer);
        waiter.resolve({ status: "timeout" });
      }
      this.waiters = [];
      this.cache.clear();
    }
  }

  const api = { DraftChecker, editBetween, moveWarnings, CHECK_TIMING: { DELAY_MS, MAX_WAIT_MS, BURST, REFILL_MS } };
  if (typeof module === "object" && module.exports) module.exports = api;
  else globalThis.postcheck = Object.assign(globalThis.postcheck || {}, api);
})();
