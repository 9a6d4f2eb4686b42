// Messages from the content script to the service worker. The worker may be stopped, starting or
// stopping when a message is sent: Chromium wakes a stopped worker for it, but a message that meets a
// worker starting or stopping can fail ("Could not establish connection. Receiving end does not
// exist.", or "…the message channel closed before a response was received" when the worker is stopped
// while it works). Such a failure is tried again after a short pause, which gives the worker time to
// start, until the message's time budget is spent; only then is the answer "unavailable".
(function () {
  "use strict";

  // Short first: a worker that is starting is usually up within tens of milliseconds.
  const RETRY_DELAYS_MS = [50, 100, 200, 300];
  // An extension that was reloaded or removed under the page never answers again: no retry.
  const GONE = /context invalidated/i;

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** One attempt: {answer} or {error} (the message the failure gave). */
  function attempt(runtime, message) {
    return new Promise((resolve) => {
      try {
        runtime.sendMessage(message, (answer) => {
          const failure = runtime.lastError; // read here, or Chromium logs it as unchecked
          if (failure) resolve({ error: String(failure.message || failure) });
          else if (answer === undefined) resolve({ error: "no answer" }); // the worker closed without one
          else resolve({ answer });
        });
      } catch (error) {
        resolve({ error: String((error && error.message) || error), final: true });
      }
    });
  }

  /**
   * Sends `message` to the service worker and resolves with its answer. A send that fails is tried
   * again until `budgetMs` from the first try is spent; then it resolves with
   * {status: "unavailable", reason: "no-worker"}, so checks fail open. A try that is under way is
   * never cut short: a worker that answers late still answers.
   */
  async function sendToWorker(message, { runtime = globalThis.chrome && globalThis.chrome.runtime, budgetMs = 1500,
    delays = RETRY_DELAYS_MS, now = () => Date.now(), wait = sleep } = {}) {
    const deadline = now() + budgetMs;
    for (let tries = 0; ; tries += 1) {
      const result = runtime ? await attempt(runtime, message) : { error: "no runtime", final: true };
      if (!("error" in result)) return result.answer;
      const pause = delays[Math.min(tries, delays.length - 1)];
      if (result.final || GONE.test(result.error) || now() + pause >= deadline) {
        return { status: "unavailable", reason: "no-worker" };
      }
      await wait(pause);
    }
  }

  const api = { RETRY_DELAYS_MS, sendToWorker };
  if (typeof module === "object" && module.exports) module.exports = api;
  else globalThis.postcheck = Object.assign(globalThis.postcheck || {}, api);
})();
