"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { mergeSettings, localChanges, readSettings, DEFAULTS } = require("./settings.js");
const { worstSeverity, postAnywayMode, sortBySeverity } = require("./severity.js");
const { buildFeedback } = require("./feedback.js");

test("defaults apply when nothing is set", () => {
  const { values, locked } = mergeSettings({}, {});
  assert.deepEqual(values, { ...DEFAULTS });
  assert.deepEqual(locked, []);
});

test("managed values win over local ones and are reported as locked", () => {
  const { values, locked } = mergeSettings(
    { serverUrl: "https://postcheck.example.gov.uk/", postAnywayHigh: "off" },
    { serverUrl: "http://127.0.0.1:9999", liveUnderlining: false },
  );
  assert.equal(values.serverUrl, "https://postcheck.example.gov.uk");
  assert.equal(values.postAnywayHigh, "off");
  assert.equal(values.liveUnderlining, false);
  assert.deepEqual(locked.sort(), ["postAnywayHigh", "serverUrl"]);
});

test("invalid values are ignored, not trusted", () => {
  const { values, locked } = mergeSettings({ postAnywayHigh: "sometimes", serverUrl: "ftp://x" }, { liveUnderlining: "no" });
  assert.equal(values.postAnywayHigh, "tick");
  assert.equal(values.serverUrl, DEFAULTS.serverUrl);
  assert.equal(values.liveUnderlining, true);
  assert.deepEqual(locked, []);
});

test("a locked or unknown key is never saved locally", () => {
  assert.deepEqual(localChanges({ serverUrl: "http://a.test", liveUnderlining: false, draft: "x" }, ["serverUrl"]), { liveUnderlining: false });
});

test("settings are read from managed and local storage; a missing managed area means none", async () => {
  const storage = {
    managed: { get: async () => { throw new Error("no policy"); } },
    local: { get: async () => ({ profileDisclaimer: true }) },
  };
  const { values, locked } = await readSettings(storage);
  assert.equal(values.profileDisclaimer, true);
  assert.deepEqual(locked, []);
});

test("worst severity", () => {
  assert.equal(worstSeverity([{ severity: "low" }, { severity: "high" }, { severity: "medium" }]), "high");
  assert.equal(worstSeverity([{ severity: "low" }]), "low");
  assert.equal(worstSeverity([]), null);
});

test("Post anyway takes the strictest mode the warnings' severities call for", () => {
  const settings = { postAnywayLow: "plain", postAnywayMedium: "tick", postAnywayHigh: "off" };
  assert.equal(postAnywayMode([{ severity: "low" }], settings), "plain");
  assert.equal(postAnywayMode([{ severity: "low" }, { severity: "medium" }], settings), "tick");
  assert.equal(postAnywayMode([{ severity: "medium" }, { severity: "high" }], settings), "off");
  assert.equal(postAnywayMode([{ severity: "high" }], DEFAULTS), "tick");
});

test("warnings are listed worst first", () => {
  const sorted = sortBySeverity([{ rule: "a", severity: "low" }, { rule: "b", severity: "high" }]);
  assert.deepEqual(sorted.map((w) => w.rule), ["b", "a"]);
});

test("feedback carries only the allowed fields, never text or handle", () => {
  const warning = { rule: "offensive.strong-language", category: "offensive", title: "t", spans: [{ start: 0, end: 5 }], text: "What a pr!ck" };
  const report = buildFeedback({ warning, outcome: "posted_anyway", platform: "twitter", accountType: "personal", version: "0.1.0", comment: "ignored", handle: "@jo" });
  assert.deepEqual(report, {
    rule: "offensive.strong-language", category: "offensive", outcome: "posted_anyway",
    platform: "twitter", account_type: "personal", extension_version: "0.1.0",
  });
});

test("a 'wrong' report keeps the person's short comment, cut to 280 characters", () => {
  const report = buildFeedback({ warning: { rule: "r", category: "c" }, outcome: "reported_wrong", platform: "facebook", accountType: "x", version: "1", comment: ` ${"a".repeat(300)} ` });
  assert.equal(report.comment.length, 280);
  assert.equal(report.account_type, "unknown");
  assert.throws(() => buildFeedback({ warning: { rule: "r", category: "c" }, outcome: "deleted", version: "1" }));
});
