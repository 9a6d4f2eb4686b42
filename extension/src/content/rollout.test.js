"use strict";
// The rollout modes IT sets by policy: what a composer session does in each, with the page's DOM,
// the badge and the underline layer replaced by recorders.
const test = require("node:test");
const assert = require("node:assert/strict");
const settings = require("../shared/settings.js");
const { composerSession } = require("./session.test-helper.js");

function session(mode, warnings) {
  const { s, drawn, sent, event } = composerSession({ mode, text: "What a pr!ck" });
  s.checker.known = { status: "ok", warnings };
  s.interceptSubmit(event);
  return { drawn, sent, event };
}

const WARNING = { rule: "offensive.strong-language", category: "offensive", severity: "high", title: "t", spans: [], source: "both" };

test("warn mode draws the badge and underlines and holds a post with warnings for the dialog", () => {
  const { drawn, event, sent } = session("warn", [WARNING]);
  assert.deepEqual(drawn, ["badge", "underlines", "dialog"]);
  assert.equal(event.prevented, true);
  assert.deepEqual(sent.map((m) => m.reports[0].outcome), ["shown"]);
});

test("silent mode shows nothing, never holds a post, and counts what it would have shown", () => {
  const { drawn, event, sent } = session("silent", [WARNING]);
  assert.deepEqual(drawn, [], "no badge, no underlines, no dialog");
  assert.equal(event.prevented, false, "the post goes ahead");
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].reports, [{ warning: { rule: WARNING.rule, category: WARNING.category, source: WARNING.source }, outcome: "silent",
    comment: undefined, platform: "twitter", accountType: null }]);
});

test("silent mode reports nothing for a clean draft", () => {
  const { event, sent } = session("silent", []);
  assert.equal(event.prevented, false);
  assert.deepEqual(sent, []);
});

test("the modes: warn shows and holds, silent only checks, off does nothing", () => {
  assert.deepEqual(settings.rolloutBehaviour("warn"), { check: true, show: true, intercept: true });
  assert.deepEqual(settings.rolloutBehaviour("silent"), { check: true, show: false, intercept: false });
  assert.deepEqual(settings.rolloutBehaviour("off"), { check: false, show: false, intercept: false });
});

test("only IT sets the rollout mode: a person's own value is ignored and never saved", () => {
  assert.equal(settings.mergeSettings({}, { rolloutMode: "off" }).values.rolloutMode, "warn");
  const { values, locked } = settings.mergeSettings({ rolloutMode: "silent" }, { rolloutMode: "warn" });
  assert.equal(values.rolloutMode, "silent");
  assert.deepEqual(locked, ["rolloutMode"]);
  assert.deepEqual(settings.localChanges({ rolloutMode: "off", liveUnderlining: false }, []), { liveUnderlining: false });
});

test("a mistyped rollout mode in a policy is ignored, so it cannot switch the checks off", () => {
  assert.equal(settings.mergeSettings({ rolloutMode: "Off" }, {}).values.rolloutMode, "warn");
  assert.equal(settings.mergeSettings({ rolloutMode: true }, {}).values.rolloutMode, "warn");
});
