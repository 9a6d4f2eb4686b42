"use strict";
// A post that goes out with no verdict is counted as "unchecked": the composer session's decisions at
// Post, with the page's DOM, the badge, the underlines and the dialog replaced by recorders.
const test = require("node:test");
const assert = require("node:assert/strict");
const { composerSession } = require("./session.test-helper.js");

const QUIET = new Proxy({}, { get: () => () => {} });

function session({ known, atPost, mode = "warn" }) {
  return composerSession({
    mode,
    onPosted: (drawn) => drawn.push("posted"),
    parts: (drawn) => ({
      // Whatever the session asks of the badge or the underlines does nothing here.
      Badge: function Badge() { return QUIET; },
      UnderlineLayer: function UnderlineLayer() { return QUIET; },
      DraftChecker: class {
        update() {}
        verdictIfKnown() { return known; }
        verdictFor(text, waitMs) { drawn.push(`wait ${waitMs}`); return Promise.resolve(atPost); }
        dispose() {}
      },
    }),
  });
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const UNCHECKED = { outcome: "unchecked", platform: "twitter" };

test("a post held for a verdict that does not come in time goes out and is counted as unchecked", async () => {
  const { s, drawn, event, reports } = session({ known: undefined, atPost: { status: "timeout" } });
  s.interceptSubmit(event);
  assert.equal(event.prevented, true, "held while the check may still come");
  await settle();
  assert.deepEqual(drawn, ["wait 1500", "posted"]);
  assert.deepEqual(reports(), [UNCHECKED], "one report, with no rule and no text");
});

test("a draft the server could not check posts at once and is counted as unchecked", () => {
  const { s, drawn, event, reports } = session({ known: { status: "unavailable", reason: "http-503" } });
  s.interceptSubmit(event);
  assert.equal(event.prevented, false, "fail open: the page's own Post goes ahead");
  assert.deepEqual(drawn, []);
  assert.deepEqual(reports(), [UNCHECKED]);
});

test("a draft the worker could not be reached for is checked again at Post, not let through", async () => {
  const warning = { rule: "violent.threat", category: "violent" };
  const { s, drawn, event, reports } = session({ known: { status: "unavailable", reason: "no-worker" }, atPost: { status: "ok", warnings: [warning] } });
  s.interceptSubmit(event);
  assert.equal(event.prevented, true);
  await settle();
  assert.deepEqual(drawn, ["wait 1500", "dialog"]);
  assert.deepEqual(reports().map((r) => r.outcome), ["shown"]);
});

test("clean drafts and posts with a verdict are not counted as unchecked", async () => {
  const clean = session({ known: { status: "ok", warnings: [] } });
  clean.s.interceptSubmit(clean.event);
  const late = session({ known: undefined, atPost: { status: "ok", warnings: [] } });
  late.s.interceptSubmit(late.event);
  await settle();
  assert.equal(clean.event.prevented, false);
  assert.deepEqual(late.drawn, ["wait 1500", "posted"]);
  assert.deepEqual([...clean.reports(), ...late.reports()], []);
});

test("a submit main.js held for the settings is checked in what is left of the wait", async () => {
  const { s, drawn, reports } = session({ known: undefined, atPost: { status: "timeout" } });
  s.submitHeld(400);
  await settle();
  assert.deepEqual(drawn, ["wait 400", "posted"], "the wait is what was left of the 1.5 s, and the post is sent by the session");
  assert.deepEqual(reports(), [UNCHECKED]);
  const clean = session({ known: { status: "ok", warnings: [] } });
  clean.s.submitHeld(-20);
  assert.deepEqual(clean.drawn, ["posted"], "a clean draft the session lets through is posted for main.js");
  assert.equal(clean.P.SUBMIT_WAIT_MS, 1500);
});

test("a silent pilot never holds a post, so nothing is counted as unchecked", () => {
  const { s, event, reports } = session({ known: undefined, mode: "silent" });
  s.interceptSubmit(event);
  assert.equal(event.prevented, false);
  assert.deepEqual(reports(), []);
});
