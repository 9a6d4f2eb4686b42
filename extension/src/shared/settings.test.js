"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { mergeSettings, localChanges, readSettings, DEFAULTS, presentationOf, dialogWarnings } = require("./settings.js");

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

test("by default a low warning is a tip, medium and high stop Post with the dialog", () => {
  const { values } = mergeSettings({}, {});
  assert.deepEqual(values.presentation, { low: "tip", medium: "dialog", high: "dialog" });
  const warnings = [{ rule: "a", severity: "low" }, { rule: "b", severity: "medium" }, { rule: "c", severity: "high" }, { rule: "d", severity: "odd" }];
  assert.deepEqual(dialogWarnings(warnings, values).map((w) => w.rule), ["b", "c", "d"]);
  assert.equal(presentationOf({ severity: "low" }, values), "tip");
});

test("IT sets presentation, partly or wholly; a bad value is ignored and a person cannot set it", () => {
  let { values, locked } = mergeSettings({ presentation: { low: "dialog", high: "tip" } }, {});
  assert.deepEqual(values.presentation, { low: "dialog", medium: "dialog", high: "tip" });
  assert.deepEqual(locked, ["presentation"]);
  ({ values, locked } = mergeSettings({ presentation: { low: "banner" } }, { presentation: { high: "tip" } }));
  assert.deepEqual(values.presentation, DEFAULTS.presentation);
  assert.deepEqual(locked, []);
  assert.deepEqual(localChanges({ presentation: { high: "tip" } }, []), {});
  assert.deepEqual(dialogWarnings([{ rule: "x", severity: "high" }], { presentation: { low: "dialog", medium: "dialog", high: "tip" } }), []);
});
