// Outcome reports for comms: which rule, what the person did. Built from an allow-list of fields so
// the draft's text or the person's handle can never slip into one.
(function () {
  "use strict";

  // "silent": found at Post in a silent pilot (rollout mode silent), so not shown.
  // "dismissed": the person chose "Dismiss for this post" in the underline card.
  // "unchecked": a post that went out with no verdict (the server or the service worker did not answer
  // within the wait). It belongs to no warning, so its report names no rule.
  // "no_composer" and "submit_missed": the site changed under the extension (no composer where one was
  // expected; a submit no composer session could intercept). They name no rule either, and carry no
  // address, selector or words: only that it happened, where and in which version.
  const NO_RULE = ["unchecked", "no_composer", "submit_missed"];
  const OUTCOMES = ["shown", "edited", "posted_anyway", "reported_wrong", "silent", "dismissed", ...NO_RULE];
  const PLATFORMS = ["twitter", "facebook", "other"];
  const ACCOUNT_TYPES = ["personal", "council"];
  // Who gave the warning: a rule, the learned model, or a rule the model agreed with.
  const SOURCES = ["rules", "model", "both"];
  const MAX_COMMENT = 280;

  function buildFeedback({ warning, outcome, platform, accountType, version, comment }) {
    if (!OUTCOMES.includes(outcome)) throw new Error(`unknown outcome ${outcome}`);
    if (NO_RULE.includes(outcome)) {
      // Counts only: what happened, where, and which version. No rule, no account type, no words.
      return { outcome, platform: PLATFORMS.includes(platform) ? platform : "other", extension_version: String(version) };
    }
    const report = {
      rule: String(warning.rule),
      category: String(warning.category),
      outcome,
      platform: PLATFORMS.includes(platform) ? platform : "other",
      extension_version: String(version),
      source: SOURCES.includes(warning.source) ? warning.source : "rules",
    };
    // Sent only when the check answer said which kind of account it judged; otherwise the server decides.
    if (ACCOUNT_TYPES.includes(accountType)) report.account_type = accountType;
    // Only a "this warning is wrong" report carries words, and only the person's own comment on it. They
    // go with the report when it is sent, or nowhere: a report the server cannot take at the time is kept
    // for later as a count without them (background/unsent-outcomes.js), so no words wait in storage.
    if (outcome === "reported_wrong" && typeof comment === "string" && comment.trim()) {
      report.comment = comment.trim().slice(0, MAX_COMMENT);
    }
    return report;
  }

  const api = { OUTCOMES, NO_RULE, MAX_COMMENT, buildFeedback };
  if (typeof module === "object" && module.exports) module.exports = api;
  else globalThis.postcheck = Object.assign(globalThis.postcheck || {}, api);
})();
