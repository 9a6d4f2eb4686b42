// Strings come from _locales/*/messages.json; a missing one shows its key rather than nothing. Text
// from the rule pack is shown with typographic quotes.
(function () {
  "use strict";

  function t(key, substitutions) {
    try {
      return chrome.i18n.getMessage(key, substitutions) || key;
    } catch (_) {
      return key; // the extension was reloaded under this page: its APIs are gone
    }
  }

  // Rule files are written with straight quotes; what people read (card and dialog alike) gets
  // typographic ones. An opening quote follows the start, a space or an opening bracket; every other
  // one closes (or is an apostrophe).
  function typographic(text) {
    return String(text || "")
      .replace(/(^|[\s([{\u2014\u2013])"/g, "$1\u201c")
      .replace(/"/g, "\u201d")
      .replace(/(^|[\s([{\u2014\u2013])'/g, "$1\u2018")
      .replace(/'/g, "\u2019");
  }

  globalThis.postcheck = Object.assign(globalThis.postcheck || {}, { t, typographic });
})();
