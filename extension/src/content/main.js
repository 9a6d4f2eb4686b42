// The content script's entry: picks the site adapter, finds composers as the single-page app adds
// them, and listens in the capture phase on window (before the page's own handlers) for edits and
// submits. Runs at document_start.
(function () {
  "use strict";

  const P = globalThis.postcheck;
  if (P.started) return;
  P.started = true;

  const adapter = Object.values(P.adapters).find((a) => a.hosts.includes(location.hostname)) || P.adapters.generic;
  const sessions = new Map(); // composer element -> ComposerSession
  // Until the service worker answers, nothing is checked: a browser where IT set the rollout mode to
  // off or silent must never send a draft or draw a badge in its first moments on a page.
  let settings = { ...P.DEFAULTS, rolloutMode: "off" };
  let settingsKnown = false; // the worker has answered once
  let settingsWaiters = []; // resolved with true when it does

  // How long a message may keep trying to reach a worker that is starting or restarting. A check
  // gets the wait a post may be held for; a report is best effort and may wait longer.
  const BUDGET_MS = { check: P.SUBMIT_WAIT_MS, settings: P.SUBMIT_WAIT_MS, feedback: 10000 };

  function send(message) {
    // A worker that cannot be reached within the budget is "unavailable": checks fail open.
    return P.sendToWorker(message, { budgetMs: BUDGET_MS[message.type] || P.SUBMIT_WAIT_MS });
  }

  /** Resolves true when the settings are known, or false after `ms`. */
  function settingsArrive(ms) {
    if (settingsKnown) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = (arrived) => { clearTimeout(timer); resolve(arrived); };
      const timer = setTimeout(() => {
        settingsWaiters = settingsWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, ms);
      settingsWaiters.push(waiter);
    });
  }

  const env = { send, settings: () => settings };

  function disposeAll() {
    for (const session of sessions.values()) session.dispose();
    sessions.clear();
  }

  async function loadSettings(attempt = 0) {
    const answer = await send({ type: "settings" });
    if (!answer || !answer.values) {
      // The worker was starting or restarting: ask again rather than stay off for the page's life.
      if (attempt < 5) setTimeout(() => loadSettings(attempt + 1), 500 * (attempt + 1));
      return;
    }
    const before = settings.rolloutMode;
    settings = answer.values;
    if (!settingsKnown) {
      settingsKnown = true;
      const waiters = settingsWaiters;
      settingsWaiters = [];
      scan(); // before the waiters run, so a held submit finds its session
      for (const waiter of waiters) waiter(true);
      return;
    }
    if (settings.rolloutMode !== before) {
      // IT changed the rollout mode: every session starts again in the new one.
      disposeAll();
      scan();
      return;
    }
    for (const session of sessions.values()) session.drawUnderlines();
  }

  function scan() {
    for (const [composer, session] of sessions) {
      if (!composer.isConnected) {
        session.dispose();
        sessions.delete(composer);
      }
    }
    watchSiteHealth();
    if (!P.rolloutBehaviour(settings.rolloutMode).check) return; // rollout mode off: no sessions at all
    for (const composer of document.querySelectorAll(adapter.composerSelector)) {
      if (!sessions.has(composer)) sessions.set(composer, new P.ComposerSession(composer, adapter, env));
    }
  }

  let scanQueued = false;
  function queueScan() {
    if (scanQueued) return;
    scanQueued = true;
    setTimeout(() => {
      scanQueued = false;
      scan();
    }, 100);
  }

  function composerFor(node) {
    const el = node && node.nodeType === 1 ? node : node && node.parentElement;
    return (el && el.closest(adapter.composerSelector)) || null;
  }

  function sessionFor(node) {
    const composer = composerFor(node);
    return composer ? sessions.get(composer) || null : null;
  }

  let placeQueued = false;
  function queuePlace() {
    if (placeQueued) return;
    placeQueued = true;
    requestAnimationFrame(() => {
      placeQueued = false;
      for (const session of sessions.values()) session.place();
    });
  }

  // A submit before the worker's first answer (a worker still starting, or Chromium still reading IT's
  // policy just after the browser started) would find no session and go out unchecked. It is held
  // instead, for at most the wait a check may take, until the settings say what to do with it.
  const heldEarly = new Set(); // composers whose submit waits for the settings
  let replaying = false;

  function draftText(composer) {
    return composer.tagName === "TEXTAREA" ? composer.value : P.buildTextModel(composer).text;
  }

  function replay(composer) {
    replaying = true;
    try {
      adapter.resubmit(composer);
    } finally {
      replaying = false;
    }
  }

  function holdUntilSettings(event, composer) {
    if (replaying || settingsKnown || !draftText(composer).trim()) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (heldEarly.has(composer)) return;
    heldEarly.add(composer);
    const deadline = Date.now() + P.SUBMIT_WAIT_MS;
    settingsArrive(P.SUBMIT_WAIT_MS).then((arrived) => {
      heldEarly.delete(composer);
      const session = arrived ? sessions.get(composer) : null;
      if (session) {
        session.submitHeld(deadline - Date.now()); // checked in what is left of the wait
        return;
      }
      replay(composer); // rollout off, or no answer in time: posting is never blocked
      // Counted as unchecked; the worker drops the report if IT turned reports or checks off.
      if (!arrived) send({ type: "feedback", reports: [{ outcome: "unchecked", platform: adapter.platform }] });
    });
  }

  // Know when the sites change: when X or Facebook rename their markup the extension finds no
  // composer and fails open in silence. So it counts, with no text, no address and no selector, a page
  // view where the adapter expects a composer and none has appeared for SETTLE_MS (once per page view),
  // and a submit no session could intercept (once per page). The worker drops both if IT turned
  // reports (or checks) off, as it does "unchecked".
  const SETTLE_MS = 5000;
  let viewPath = location.pathname; // a single-page app's new path is a new page view
  let viewReported = false;
  let settleTimer = 0;
  let submitMissReported = false;

  function reportSiteChange(outcome) {
    send({ type: "feedback", reports: [{ outcome, platform: adapter.platform }] }).catch(() => {});
  }

  function composerMissing() {
    return !viewReported && Boolean(adapter.composerExpected && adapter.composerExpected())
      && !document.querySelector(adapter.composerSelector);
  }

  function watchSiteHealth() {
    if (location.pathname !== viewPath) {
      viewPath = location.pathname;
      viewReported = false;
    }
    if (!composerMissing()) {
      clearTimeout(settleTimer);
      settleTimer = 0;
      return;
    }
    if (settleTimer) return;
    settleTimer = setTimeout(() => {
      settleTimer = 0;
      // A tab in the background may not have drawn its page yet: the next change looks again.
      if (document.visibilityState !== "visible" || location.pathname !== viewPath || !composerMissing()) return;
      viewReported = true;
      reportSiteChange("no_composer");
    }, SETTLE_MS);
  }

  function noteMissedSubmit() {
    if (submitMissReported) return;
    submitMissReported = true;
    reportSiteChange("submit_missed");
  }

  function onClick(event) {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const composer = adapter.composerForControl(target);
    if (!composer) {
      if (adapter.looksLikePostButton && adapter.looksLikePostButton(target)) noteMissedSubmit();
      return;
    }
    if (!sessions.has(composer)) scan();
    const session = sessions.get(composer);
    if (session) session.interceptSubmit(event);
    else holdUntilSettings(event, composer);
  }

  function onKey(event) {
    // An IME uses Enter to confirm a word: never treat that as a submit.
    if (event.isComposing || event.keyCode === 229) return;
    const composer = composerFor(event.target);
    if (!composer) {
      // Ctrl/Cmd+Enter posts on X (and in Facebook's dialog) in an editable the extension cannot see.
      if (event.type === "keydown" && event.key === "Enter" && (event.ctrlKey || event.metaKey)
          && adapter.looksLikeComposer && event.target instanceof Element && adapter.looksLikeComposer(event.target)) {
        noteMissedSubmit();
      }
      return;
    }
    if (!adapter.isKeyboardSubmit(event, composer)) return;
    const session = sessions.get(composer);
    if (session) session.interceptSubmit(event);
    else holdUntilSettings(event, composer);
  }

  function onComposition(event) {
    const session = sessionFor(event.target);
    if (!session) return;
    session.composing = event.type === "compositionstart";
    if (!session.composing) session.changed();
  }

  function onPointerMove(event) {
    for (const session of sessions.values()) session.layer.pointerAt(event.clientX, event.clientY);
  }

  window.addEventListener("click", onClick, true);
  window.addEventListener("keydown", onKey, true);
  window.addEventListener("beforeinput", onKey, true);
  window.addEventListener("compositionstart", onComposition, true);
  window.addEventListener("compositionend", onComposition, true);
  window.addEventListener("input", (event) => { const s = sessionFor(event.target); if (s) s.changed(); }, true);
  window.addEventListener("scroll", queuePlace, { capture: true, passive: true });
  window.addEventListener("resize", queuePlace, { passive: true });
  window.addEventListener("mousemove", onPointerMove, { capture: true, passive: true });

  new MutationObserver(() => {
    queueScan();
    queuePlace();
  }).observe(document.documentElement, { childList: true, subtree: true });

  // Only a settings key: the service worker also keeps unsent outcome counts in storage, and each of its
  // writes would otherwise make every open tab ask for its settings again.
  chrome.storage.onChanged.addListener((changes) => {
    if (Object.keys(changes).some((key) => P.KEYS.includes(key))) loadSettings();
  });
  loadSettings();
  queueScan();
})();
