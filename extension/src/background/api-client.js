// The HTTP calls to the postcheck server. Answers are plain objects the content script can act on;
// every failure becomes {status: "unavailable"} because checks fail open.
(function () {
  "use strict";

  const CHECK_TIMEOUT_MS = 4000;
  const PLATFORMS = ["twitter", "facebook", "other"];

  function checkBody(draft, settings) {
    const body = {
      text: String(draft.text),
      platform: PLATFORMS.includes(draft.platform) ? draft.platform : "other",
      reply: Boolean(draft.reply),
      profile_disclaimer: Boolean(settings.profileDisclaimer),
    };
    if (typeof draft.handle === "string" && /^@\w{1,50}$/.test(draft.handle)) body.account = { handle: draft.handle };
    return body;
  }

  function isWarning(w) {
    return w && typeof w.rule === "string" && typeof w.title === "string" && Array.isArray(w.spans);
  }

  async function postJson(fetchImpl, url, body, timeoutMs) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      return await fetchImpl(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal: controller.signal,
        credentials: "omit",
        cache: "no-store",
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async function checkDraft(draft, settings, fetchImpl = fetch, timeoutMs = CHECK_TIMEOUT_MS) {
    try {
      const response = await postJson(fetchImpl, `${settings.serverUrl}/api/v1/check`, checkBody(draft, settings), timeoutMs);
      if (!response.ok) return { status: "unavailable", reason: `http-${response.status}` };
      const answer = await response.json();
      if (!answer || !Array.isArray(answer.warnings) || !answer.warnings.every(isWarning)) {
        return { status: "unavailable", reason: "bad-answer" };
      }
      // Today's check API does not say which account type it judged; when it does, reports carry it.
      const accountType = answer.account && answer.account.type;
      // `incomplete`: the server's time budget ran out before every rule (or the model) read the draft.
      return { status: "ok", warnings: answer.warnings, accountType: accountType || null, incomplete: answer.incomplete === true };
    } catch (error) {
      return { status: "unavailable", reason: error && error.name === "AbortError" ? "timeout" : "network" };
    }
  }

  /** {sent, status, retryAfter, reason}: whether the server took the report, and if not, what it said
   *  (status and Retry-After) or why it said nothing (reason "network" or "timeout"), so that the caller
   *  can keep a report worth trying again (unsent-outcomes.js). Never throws: reports are best effort,
   *  and one that fails must never get in the person's way. */
  async function sendFeedback(report, settings, fetchImpl = fetch, timeoutMs = CHECK_TIMEOUT_MS) {
    try {
      const response = await postJson(fetchImpl, `${settings.serverUrl}/api/v1/feedback`, report, timeoutMs);
      const retryAfter = response.headers && typeof response.headers.get === "function" ? response.headers.get("Retry-After") || null : null;
      return { sent: response.ok, status: response.status, retryAfter, reason: null };
    } catch (error) {
      return { sent: false, status: null, retryAfter: null, reason: error && error.name === "AbortError" ? "timeout" : "network" };
    }
  }

  const api = { CHECK_TIMEOUT_MS, checkBody, checkDraft, sendFeedback };
  if (typeof module === "object" && module.exports) module.exports = api;
  else globalThis.postcheck = Object.assign(globalThis.postcheck || {}, api);
})();
