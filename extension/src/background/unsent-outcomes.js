// Outcome reports the server could not take (it answered 503 or 429, or did not answer), kept in
// chrome.storage.local as counts and sent later. Counts only: one entry per distinct report (its rule,
// category, outcome, platform, account type, source and extension version) and how many times it
// happened. Never text: the comment of a "this warning is wrong" report is dropped when it is kept, so
// nothing a person typed waits in the browser's storage; the count still says the warning was reported.
//
// Sent later, one request per entry with its `count`, when a report is next sent and accepted, when the
// next check is answered, or when the service worker starts; never before the server's Retry-After. An
// entry is removed (its count taken off) only after the server's 2xx for it, so a count is not sent twice
// by this code. (A request the server counted but whose answer never came back, a timeout, is kept and
// sent again: the server cannot tell it apart from one it never saw. Losing a count is the other choice.)
(function () {
  "use strict";

  const STORAGE_KEY = "unsentOutcomes";
  // The fields of a report that are kept, and make it distinct. Anything else (a comment) is never kept.
  const KEY_FIELDS = ["rule", "category", "outcome", "platform", "account_type", "source", "extension_version"];
  // Past this many distinct reports, a report of a new kind is not kept (lost), while the kinds already kept
  // go on adding up: the outcomes a person can meet in one outage fit many times over, and the bound keeps a
  // broken server from growing the storage without end.
  const MAX_ENTRIES = 200;
  // The most the server takes in one report (POST /api/v1/feedback `count`); past it, more of that kind are
  // not counted, so that every entry goes in one request.
  const MAX_COUNT = 1000;
  // A 503 or 429 without Retry-After: wait this long (what the server's own 503 asks for).
  const DEFAULT_WAIT_MS = 30 * 1000;
  // A Retry-After longer than this is read as this: a wrong clock or header must not park the counts for days.
  const MAX_WAIT_MS = 60 * 60 * 1000;
  // Answers that say "not now", not "this report is wrong": 408 and 429 (too soon), and the 502, 503 and 504
  // a server or its proxy gives while it (or its database) is down. Another 4xx refuses the report itself,
  // and a 500 would come back for the same report every time: those are not kept.
  const KEEP_STATUSES = [408, 429, 502, 503, 504];

  /** Whether a failed send (api-client's sendFeedback answer) is kept to be sent later. */
  function shouldKeep(result) {
    if (!result || result.sent) return false;
    if (result.status == null) return result.reason === "network" || result.reason === "timeout";
    return KEEP_STATUSES.includes(result.status);
  }

  /** Milliseconds to wait before the next try after this failure, from its Retry-After (seconds or an
   *  HTTP date) or, for a 503 or 429 without one, the default; 0 when the server was not reached. */
  function waitAfter(result, now) {
    if (!result || result.status == null) return 0;
    const header = result.retryAfter == null ? "" : String(result.retryAfter).trim();
    let wait = null;
    if (/^\d+$/.test(header)) wait = Number(header) * 1000;
    else if (header) {
      const at = Date.parse(header);
      if (!Number.isNaN(at)) wait = Math.max(0, at - now);
    }
    if (wait == null) wait = DEFAULT_WAIT_MS;
    return Math.min(wait, MAX_WAIT_MS);
  }

  /** The report's kept fields (and only those), so no comment, no text and no stray field is stored. */
  function countsOnly(report) {
    const kept = {};
    for (const field of KEY_FIELDS) {
      if (typeof report[field] === "string") kept[field] = report[field];
    }
    return kept;
  }

  function keyOf(report) {
    return JSON.stringify(KEY_FIELDS.map((field) => (typeof report[field] === "string" ? report[field] : null)));
  }

  function emptyState(server) {
    return { server, entries: [], notBefore: 0 };
  }

  function validState(state) {
    return state && typeof state.server === "string" && Array.isArray(state.entries) ? state : null;
  }

  /** The state with these reports counted in: merged per distinct report, within the bounds. Counts
   *  kept for another server are dropped: they are about that server's rules, and it is no longer asked. */
  function merge(state, reports, server, notBefore = 0) {
    const next = state && state.server === server
      ? { server, entries: state.entries.map((e) => ({ report: e.report, count: e.count })), notBefore: state.notBefore || 0 }
      : emptyState(server);
    for (const report of reports) {
      const kept = countsOnly(report);
      if (!kept.outcome) continue;
      const key = keyOf(kept);
      const entry = next.entries.find((e) => keyOf(e.report) === key);
      if (entry) entry.count = Math.min(MAX_COUNT, entry.count + 1);
      else if (next.entries.length < MAX_ENTRIES) next.entries.push({ report: kept, count: 1 });
    }
    next.notBefore = Math.max(next.notBefore, notBefore);
    return next;
  }

  /** The state with `count` of this report taken off (it was sent and accepted); an entry at 0 goes. The
   *  entry may have grown while its request was out: what was added meanwhile stays to be sent. */
  function takeOff(state, report, count) {
    if (!state) return state;
    const key = keyOf(report);
    const entries = [];
    for (const entry of state.entries) {
      if (keyOf(entry.report) !== key) entries.push(entry);
      else if (entry.count > count) entries.push({ report: entry.report, count: entry.count - count });
    }
    return { ...state, entries };
  }

  /**
   * The kept counts in `area` (chrome.storage.local, or a stand-in with get and set), with `now` for the
   * clock. Every change to the stored state is a read and a write; they are made one at a time, in
   * order, so that two reports failing at once both count. The order lives only while the worker runs,
   * which is all it has to: the state itself is in storage.
   */
  function createUnsentOutcomes(area, now = () => Date.now()) {
    let tail = Promise.resolve();
    let flushing = null;

    async function read() {
      try {
        const stored = await area.get(STORAGE_KEY);
        return validState(stored && stored[STORAGE_KEY]);
      } catch (_) {
        return null;
      }
    }

    function change(update) {
      const run = tail.then(async () => {
        const before = await read();
        const after = update(before);
        if (after !== before) {
          if (after && after.entries.length) await area.set({ [STORAGE_KEY]: after });
          else if (before) await area.remove(STORAGE_KEY);
        }
        return after;
      });
      tail = run.catch(() => {});
      return run;
    }

    /** Keeps these reports (already failed) for `server`; `wait` ms from now before the next try. */
    function keep(reports, server, wait = 0) {
      if (!reports.length) return Promise.resolve(null);
      return change((state) => merge(state, reports, server, wait > 0 ? now() + wait : 0));
    }

    /** Drops every kept count (reports turned off, or consent withdrawn). */
    function clear() {
      return change((state) => (state ? null : state));
    }

    async function entries() {
      const state = await read();
      return state ? state.entries : [];
    }

    /**
     * Sends the kept counts to `server` with `send(report)` (sendFeedback's answer), one entry at a time,
     * and stops at the first failure that says "later". Only one flush runs at a time, so no entry is
     * out in two requests at once. Resolves to the number of outcomes the server accepted.
     */
    function flush(server, send) {
      if (flushing) return flushing;
      flushing = (async () => {
        let state = await read();
        if (!state || !state.entries.length) return 0;
        if (state.server !== server) {
          await change((current) => (current && current.server !== server ? null : current));
          return 0;
        }
        if (now() < (state.notBefore || 0)) return 0;
        let accepted = 0;
        for (const { report, count } of state.entries) {
          // `count` only when there is more than one, so a single report reads as every report did before.
          const result = await send(count > 1 ? { ...report, count } : { ...report });
          if (result && result.sent) {
            accepted += count;
            await change((current) => takeOff(current, report, count));
          } else if (shouldKeep(result)) {
            const wait = waitAfter(result, now());
            await change((current) => (current ? { ...current, notBefore: wait > 0 ? now() + wait : 0 } : current));
            break;
          } else {
            // Refused as wrong (a rule no longer in force, say): it would be refused every time.
            await change((current) => takeOff(current, report, count));
          }
        }
        return accepted;
      })().finally(() => {
        flushing = null;
      });
      return flushing;
    }

    return { keep, flush, clear, entries };
  }

  const api = {
    UNSENT_STORAGE_KEY: STORAGE_KEY, UNSENT_MAX_ENTRIES: MAX_ENTRIES, UNSENT_MAX_COUNT: MAX_COUNT, DEFAULT_WAIT_MS,
    MAX_WAIT_MS, shouldKeep, waitAfter, countsOnly, merge, takeOff, createUnsentOutcomes,
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  else globalThis.postcheck = Object.assign(globalThis.postcheck || {}, api);
})();
