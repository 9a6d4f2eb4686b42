// The extension's settings: defaults, validation, and how IT's managed values override the person's own.
(function () {
  "use strict";

  const POST_ANYWAY_MODES = ["plain", "tick", "off"];
  // How far IT has rolled the checks out: warn (normal), silent (checks run and outcomes are counted,
  // nothing is shown: a pilot to measure first), off (no checks at all).
  const ROLLOUT_MODES = ["warn", "silent", "off"];
  // Keys only IT may set: a person could otherwise switch a silent pilot on, or checks off, for themselves.
  const MANAGED_ONLY = ["rolloutMode"];

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
  };

  const KEYS = Object.keys(DEFAULTS);

  function normalise(key, value) {
    if (key === "serverUrl") return value.trim().replace(/\/+$/, "");
    if (key === "organisationName") return value.trim();
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

  const api = { DEFAULTS, KEYS, POST_ANYWAY_MODES, ROLLOUT_MODES, MANAGED_ONLY, rolloutBehaviour, mergeSettings, localChanges, readSettings };
  if (typeof module === "object" && module.exports) module.exports = api;
  else globalThis.postcheck = Object.assign(globalThis.postcheck || {}, api);
})();
