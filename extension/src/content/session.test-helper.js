"use strict";
// composer-session.js loaded for Node's test runner, with the page's DOM, the badge, the underlines,
// the checker and the dialog replaced by recorders (the rollout and unchecked tests share it).
const path = require("node:path");
const settings = require("../shared/settings.js");

/**
 * A composer session on a stand-in composer. `parts(drawn)` may replace any of the stand-ins; the
 * defaults record "badge", "underlines" and "dialog" in `drawn` when they are made or shown.
 */
function composerSession({ mode = "warn", text = "Tottenham needs napalm", parts = () => ({}), onPosted } = {}) {
  const drawn = [];
  const P = {
    rolloutBehaviour: settings.rolloutBehaviour,
    Badge: class { constructor() { drawn.push("badge"); } set() {} place() {} setTheme() {} remove() {} typing() {} focus() {} },
    UnderlineLayer: class {
      constructor() { drawn.push("underlines"); }
      clear() {} draw() {} setTheme() {} remove() {} close() {} pointerAt() {}
    },
    DraftChecker: class {
      constructor() { this.known = null; }
      update() {}
      verdictIfKnown() { return this.known; }
      verdictFor() { return Promise.resolve(this.known); }
      dispose() {}
    },
    buildTextModel: (el) => ({ text: el.text }),
    themeBehind: () => "light",
    postAnywayMode: () => "plain",
    dialogWarnings: settings.dialogWarnings,
    saveCaret: () => null,
    restoreCaret: () => {},
    showWarningDialog: () => drawn.push("dialog"),
    ...parts(drawn),
  };
  globalThis.postcheck = P;
  globalThis.MutationObserver = class { observe() {} disconnect() {} };
  const file = path.join(__dirname, "composer-session.js");
  delete require.cache[file];
  require(file);
  const sent = [];
  const composer = { text, focus() {}, getBoundingClientRect: () => ({}) };
  const adapter = { platform: "twitter", isReply: () => false, accountHandle: () => null,
    resubmit: () => (onPosted ? onPosted(drawn) : undefined) };
  const env = { settings: () => ({ ...settings.DEFAULTS, rolloutMode: mode }), send: (m) => { sent.push(m); return Promise.resolve({}); } };
  const s = new P.ComposerSession(composer, adapter, env);
  const event = { prevented: false, preventDefault() { this.prevented = true; }, stopImmediatePropagation() {} };
  const reports = () => sent.filter((m) => m.type === "feedback").flatMap((m) => m.reports);
  return { s, P, drawn, sent, event, reports };
}

module.exports = { composerSession };
