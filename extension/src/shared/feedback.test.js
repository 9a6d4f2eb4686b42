"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { buildFeedback } = require("./feedback.js");

test("feedback carries only the allowed fields, never text or handle", () => {
  const warning = { rule: "offensive.strong-language", category: "offensive", title: "t", spans: [{ start: 0, end: 5 }], text: "What a pr!ck" };
  const report = buildFeedback({ warning, outcome: "posted_anyway", platform: "twitter", accountType: "personal", version: "0.1.0", comment: "ignored", handle: "@jo" });
  assert.deepEqual(report, {
    rule: "offensive.strong-language", category: "offensive", outcome: "posted_anyway",
    platform: "twitter", account_type: "personal", extension_version: "0.1.0", source: "rules",
  });
});

test("feedback says whether the rules, the learned model or both gave the warning", () => {
  const learned = { rule: "model.violent", category: "violent", source: "model", confidence: 0.91 };
  const report = buildFeedback({ warning: learned, outcome: "edited", platform: "twitter", version: "1" });
  assert.equal(report.source, "model");
  assert.equal("confidence" in report, false, "only the allowed fields are sent");
  assert.equal(buildFeedback({ warning: { ...learned, source: "both" }, outcome: "shown", version: "1" }).source, "both");
  assert.equal(buildFeedback({ warning: { ...learned, source: "<script>" }, outcome: "shown", version: "1" }).source, "rules");
});

test("a 'wrong' report keeps the person's short comment, cut to 280 characters", () => {
  const report = buildFeedback({ warning: { rule: "r", category: "c" }, outcome: "reported_wrong", platform: "facebook", accountType: "x", version: "1", comment: ` ${"a".repeat(300)} ` });
  assert.equal(report.comment.length, 280);
  assert.equal("account_type" in report, false, "an account type the extension does not know is left out");
  assert.throws(() => buildFeedback({ warning: { rule: "r", category: "c" }, outcome: "deleted", version: "1" }));
});

test("a silent pilot's report says the warning was found but not shown", () => {
  const report = buildFeedback({ warning: { rule: "r", category: "c" }, outcome: "silent", platform: "twitter", version: "1", comment: "x" });
  assert.equal(report.outcome, "silent");
  assert.equal("comment" in report, false, "only reported_wrong carries a comment");
});

test("a post that went out unchecked is reported with counts only: no rule, no account type, no words", () => {
  const report = buildFeedback({ outcome: "unchecked", platform: "facebook", accountType: "council", version: "0.1.0", comment: "x" });
  assert.deepEqual(report, { outcome: "unchecked", platform: "facebook", extension_version: "0.1.0" });
  const stray = buildFeedback({ warning: { rule: "r", category: "c", text: "What a pr!ck" }, outcome: "unchecked", platform: "myspace", version: "1" });
  assert.deepEqual(stray, { outcome: "unchecked", platform: "other", extension_version: "1" }, "a warning given with it is not sent");
});

test("a dismissed warning is reported like the other outcomes of a warning, with its rule and no words", () => {
  const warning = { rule: "election.party-promotion", category: "election", source: "rules", text: "Vote for them" };
  const report = buildFeedback({ warning, outcome: "dismissed", platform: "twitter", accountType: "council", version: "1", comment: "x" });
  assert.deepEqual(report, { rule: "election.party-promotion", category: "election", outcome: "dismissed", platform: "twitter",
    account_type: "council", extension_version: "1", source: "rules" });
});

test("a site that changed is reported with counts only: no rule, no address, no words", () => {
  for (const outcome of ["no_composer", "submit_missed"]) {
    const report = buildFeedback({ outcome, platform: "twitter", accountType: "personal", version: "0.2.0", url: "https://x.com/home", comment: "x" });
    assert.deepEqual(report, { outcome, platform: "twitter", extension_version: "0.2.0" });
  }
});
