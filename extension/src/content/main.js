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

  function send(message) {
    return new Promise((resolve) => {
      try {
        chrome.runtime.sendMessage(message, (answer) => {
          // No answer (worker gone, extension reloaded) is "unavailable": checks fail open.
          resolve(chrome.runtime.lastError || !answer ? { status: "unavailable" } : answer);
        });
      } catch (_) {
        resolve({ status: "unavailable" });
      }
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
    if (settings.rolloutMode !== before) {
      // IT changed the rollout mode (or the first answer arrived): every session starts again in the new one.
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

  function sessionFor(node) {
    const el = node && node.nodeType === 1 ? node : node && node.parentElement;
    const composer = el && el.closest(adapter.composerSelector);
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

  function onClick(event) {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const composer = adapter.composerForControl(target);
    if (!composer) return;
    if (!sessions.has(composer)) scan();
    const session = sessions.get(composer);
    if (session) session.interceptSubmit(event);
  }

  function onKey(event) {
    // An IME uses Enter to confirm a word: never treat that as a submit.
    if (event.isComposing || event.keyCode === 229) return;
    const session = sessionFor(event.target);
    if (session && adapter.isKeyboardSubmit(event, session.composer)) session.interceptSubmit(event);
  }

  function onComposition(event) {
    const session = sessionFor(event.target);
    if (!session) return;
    session.composing = event.type === "compositionstart";
    if (!session.composing) session.changed();
  }

  function onSelectionChange() {
    const selection = getSelection();
    if (!selection || selection.rangeCount === 0) return;
    const session = sessionFor(selection.anchorNode);
    if (!session) return;
    const rect = selection.getRangeAt(0).getBoundingClientRect();
    if (rect.height > 0) session.layer.caretAt(rect);
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
  document.addEventListener("selectionchange", onSelectionChange);

  new MutationObserver(() => {
    queueScan();
    queuePlace();
  }).observe(document.documentElement, { childList: true, subtree: true });

  chrome.storage.onChanged.addListener(() => loadSettings());
  loadSettings();
  queueScan();
})();
