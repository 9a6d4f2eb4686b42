// Strings come from _locales/*/messages.json; a missing one shows its key rather than nothing.
(function () {
  "use strict";

  function t(key, substitutions) {
    try {
      return chrome.i18n.getMessage(key, substitutions) || key;
    } catch (_) {
      return key; // the extension was reloaded under this page: its APIs are gone
    }
  }

  globalThis.postcheck = Object.assign(globalThis.postcheck || {}, { t });
})();
