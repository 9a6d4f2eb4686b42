// Verdicts by exact draft text, in this tab's memory only (never in extension storage: drafts are
// personal data). Least recently used entries go first.
(function () {
  "use strict";

  class VerdictCache {
    constructor(limit = 50) {
      this.limit = limit;
      this.entries = new Map();
    }

    get(text) {
      if (!this.entries.has(text)) return undefined;
      const verdict = this.entries.get(text);
      this.entries.delete(text); // re-insert so Map order tracks recency
      this.entries.set(text, verdict);
      return verdict;
    }

    set(text, verdict) {
      this.entries.delete(text);
      this.entries.set(text, verdict);
      while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value);
    }

    clear() {
      this.entries.clear();
    }

    get size() {
      return this.entries.size;
    }
  }

  const api = { VerdictCache };
  if (typeof module === "object" && module.exports) module.exports = api;
  else globalThis.postcheck = Object.assign(globalThis.postcheck || {}, api);
})();
