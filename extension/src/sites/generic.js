// Any other page IT adds: a <textarea> or contenteditable composer in a form with a submit button.
(function () {
  "use strict";

  const { SELECTORS } = globalThis.postcheck;
  const S = SELECTORS.generic;

  function submitOf(composer) {
    const form = composer.closest("form");
    return form ? form.querySelector(S.submit.css) : null;
  }

  const adapter = {
    name: "generic",
    platform: "other",
    hosts: [],
    composerSelector: S.composer.css,

    submitFor: submitOf,

    composerForControl(control) {
      const button = control.closest(S.submit.css);
      const form = button && button.closest("form");
      const composer = form && form.querySelector(S.composer.css);
      return composer && submitOf(composer) === button ? composer : null;
    },

    isKeyboardSubmit(event) {
      return event.type === "keydown" && event.key === "Enter" && (event.ctrlKey || event.metaKey);
    },

    isReply() {
      return false;
    },

    accountHandle() {
      return null;
    },

    resubmit(composer) {
      const button = submitOf(composer);
      if (button) button.click();
    },
  };

  globalThis.postcheck.adapters = Object.assign(globalThis.postcheck.adapters || {}, { generic: adapter });
})();
