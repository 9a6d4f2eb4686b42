"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { worstSeverity, postAnywayMode, sortBySeverity } = require("./severity.js");
const { DEFAULTS } = require("./settings.js");

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
