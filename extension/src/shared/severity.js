// Severity ranking, and what "Post anyway" requires for a set of warnings under IT's settings.
(function () {
  "use strict";

  const ORDER = ["low", "medium", "high"];
  const MODE_STRICTNESS = ["plain", "tick", "off"];
  const SETTING_FOR = { low: "postAnywayLow", medium: "postAnywayMedium", high: "postAnywayHigh" };

  function rank(severity) {
    const index = ORDER.indexOf(severity);
    return index === -1 ? ORDER.length - 1 : index; // an unknown severity is treated as the worst
  }

  function worstSeverity(warnings) {
    if (!warnings || warnings.length === 0) return null;
    return warnings.reduce((worst, w) => (rank(w.severity) > rank(worst) ? w.severity : worst), warnings[0].severity);
  }

  /** The strictest Post anyway mode any warning calls for: "plain", "tick" or "off". */
  function postAnywayMode(warnings, settings) {
    let strictest = 0;
    for (const w of warnings || []) {
      const key = SETTING_FOR[ORDER[rank(w.severity)]];
      const mode = settings[key];
      const strictness = MODE_STRICTNESS.indexOf(mode);
      strictest = Math.max(strictest, strictness === -1 ? 1 : strictness);
    }
    return MODE_STRICTNESS[strictest];
  }

  function sortBySeverity(warnings) {
    return [...(warnings || [])].sort((a, b) => rank(b.severity) - rank(a.severity));
  }

  const api = { SEVERITY_ORDER: ORDER, worstSeverity, postAnywayMode, sortBySeverity };
  if (typeof module === "object" && module.exports) module.exports = api;
  else globalThis.postcheck = Object.assign(globalThis.postcheck || {}, api);
})();
