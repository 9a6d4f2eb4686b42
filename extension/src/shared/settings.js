// The extension's settings: defaults, validation, and how IT's managed values override the person's own.
(function () {
  "use strict";

  const POST_ANYWAY_MODES = ["plain", "tick", "off"];
  // How far IT has rolled the checks out: warn (normal), silent (checks run and outcomes are counted,
  // nothing is shown: a pilot to measure first), off (no checks at all).
  const ROLLOUT_MODES = ["warn", "silent", "off"];
  // How a warning of each severity is shown: "tip" (underline, card and badge; Post is not stopped) or
  // "dialog" (also stops Post with the warning dialog), after Purview's policy tips: in place for low
  // risk, blocking for high.
  const PRESENTATIONS = ["tip", "dialog"];
  const SEVERITIES = ["low", "medium", "high"];
  // Keys only IT may set: a person could otherwise switch a silent pilot on, checks off, or every
  // serious warning down to a tip, for themselves.
  const MANAGED_ONLY = ["rolloutMode", "presentation"];

  const DEFAULTS = Object.freeze({
    serverUrl: "http://127.0.0.1:8080",
    profileDisclaimer: false,
    liveUnderlining: true,
    organisationName: "",
    postAnywayLow: "plain",
    postAnywayMedium: "plain",
    postAnywayHigh: "tick",
    reportOutcomes: true,
    rolloutMode: "warn",
    presentation: Object.freeze({ low: "tip", medium: "dialog", high: "dialog" }),
  });

  // A value of the wrong shape (a typo in an IT policy file, an old stored value) is ignored rather
  // than trusted, so one bad key can never switch the checks off.
  const VALIDATORS = {
    serverUrl: (v) => typeof v === "string" && /^https?:\/\/[^\s/]+/i.test(v.trim()),
    profileDisclaimer: (v) => typeof v === "boolean",
    liveUnderlining: (v) => typeof v === "boolean",
    organisationName: (v) => typeof v === "string" && v.length <= 120,
    postAnywayLow: (v) => POST_ANYWAY_MODES.includes(v),
    postAnywayMedium: (v) => POST_ANYWAY_MODES.includes(v),
    postAnywayHigh: (v) => POST_ANYWAY_MODES.includes(v),
    reportOutcomes: (v) => typeof v === "boolean",
    rolloutMode: (v) => ROLLOUT_MODES.includes(v),
    // Any of the three severities; one left out keeps its default. Anything else voids the whole key.
    presentation: (v) => v !== null && typeof v === "object" && !Array.isArray(v)
      && Object.entries(v).every(([severity, how]) => SEVERITIES.includes(severity) && PRESENTATIONS.includes(how)),
  };

  const KEYS = Object.keys(DEFAULTS);

  function normalise(key, value) {
    if (key === "serverUrl") return value.trim().replace(/\/+$/, "");
    if (key === "organisationName") return value.trim();
    if (key === "presentation") return { ...DEFAULTS.presentation, ...value };
    return value;
  }

  /** Managed (IT) values win over local (the person's) values, which win over defaults. */
  function mergeSettings(managed, local) {
    const values = { ...DEFAULTS };
    const locked = [];
    for (const key of KEYS) {
      const personal = !MANAGED_ONLY.includes(key);
      if (personal && local && key in local && VALIDATORS[key](local[key])) values[key] = normalise(key, local[key]);
      if (managed && key in managed && VALIDATORS[key](managed[key])) {
        values[key] = normalise(key, managed[key]);
        locked.push(key);
      }
    }
    return { values, locked };
  }

  /** Only known keys with valid values may be saved locally; a locked key is never saved. */
  function localChanges(changes, locked) {
    const out = {};
    for (const [key, value] of Object.entries(changes || {})) {
      if (KEYS.includes(key) && !MANAGED_ONLY.includes(key) && !locked.includes(key) && VALIDATORS[key](value)) out[key] = normalise(key, value);
    }
    return out;
  }

  /** "tip" or "dialog" for a warning; an unknown severity is treated as the worst (high), as severity.js ranks it. */
  function presentationOf(warning, settings) {
    const severity = SEVERITIES.includes(warning && warning.severity) ? warning.severity : "high";
    const chosen = settings && settings.presentation && settings.presentation[severity];
    return PRESENTATIONS.includes(chosen) ? chosen : DEFAULTS.presentation[severity];
  }

  /** The warnings that stop Post and reach the dialog; the rest stay tips in place. */
  function dialogWarnings(warnings, settings) {
    return (warnings || []).filter((w) => presentationOf(w, settings) === "dialog");
  }

  /** What the content script does in a rollout mode: run checks, show anything, hold a submit. */
  function rolloutBehaviour(mode) {
    if (mode === "off") return { check: false, show: false, intercept: false };
    if (mode === "silent") return { check: true, show: false, intercept: false };
    return { check: true, show: true, intercept: true };
  }

  // chrome.storage.managed rejects where no policy schema applies (Firefox without policies);
  // that means "IT set nothing", not an error.
  async function readSettings(storage) {
    const [managed, local] = await Promise.all([
      storage.managed ? storage.managed.get(KEYS).catch(() => ({})) : {},
      storage.local.get(KEYS).catch(() => ({})),
    ]);
    return mergeSettings(managed, local);
  }

  const api = { DEFAULTS, KEYS, POST_ANYWAY_MODES, ROLLOUT_MODES, PRESENTATIONS, MANAGED_ONLY, rolloutBehaviour, presentationOf, dialogWarnings, mergeSettings, localChanges, readSettings };
  if (typeof module === "object" && module.exports) module.exports = api;
  else globalThis.postcheck = Object.assign(globalThis.postcheck || {}, api);
})();
