// Fills extension pages' text from _locales: every element with data-i18n="key" gets that message.
(function () {
  "use strict";

  function localise(root = document) {
    for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = chrome.i18n.getMessage(node.dataset.i18n) || node.dataset.i18n;
  }

  globalThis.postcheck = Object.assign(globalThis.postcheck || {}, { localise });
})();
