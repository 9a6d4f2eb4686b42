// X (x.com, twitter.com): Draft.js composer, Post/Reply button, Ctrl/Cmd+Enter submits.
(function () {
  "use strict";

  const { SELECTORS, nearest, composerForControl, looksLikePostButton, looksLikeComposer } = globalThis.postcheck;
  const S = SELECTORS.x;

  const adapter = {
    name: "x",
    platform: "twitter",
    hosts: ["x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"],
    composerSelector: S.composer.css,

    submitFor(composer) {
      return nearest(composer, S.submit.css);
    },

    composerForControl(control) {
      const button = control.closest(S.submit.css);
      return button ? composerForControl(button, S.composer.css, S.submit.css) : null;
    },

    isKeyboardSubmit(event) {
      return event.type === "keydown" && event.key === "Enter" && (event.ctrlKey || event.metaKey);
    },

    // A reply shows the post it answers inside its dialog, or sits on a post's own page.
    isReply(composer) {
      const modal = composer.closest(S.modal.css);
      if (modal) return Boolean(modal.querySelector(S.quotedPost.css));
      return /\/status\/\d+/.test(location.pathname);
    },

    accountHandle() {
      const button = document.querySelector(S.accountSwitcher.css);
      const match = button && button.textContent.match(/@\w{1,50}/);
      return match ? match[0] : null;
    },

    // Where X always draws a composer: the home timeline's and the compose dialog's. A page view there
    // with none, once the page has settled, means X changed its markup (counted as no_composer).
    composerExpected() {
      return /^\/(home|compose\/post)\/?$/.test(location.pathname);
    },

    looksLikePostButton(target) {
      return looksLikePostButton(target, S.postButtonLike, S.editable.css);
    },

    looksLikeComposer(target) {
      return looksLikeComposer(target, S.postButtonLike, S.editable.css);
    },

    // X's shortcut handler reads keyCode, which untrusted synthetic keys cannot set: click instead.
    resubmit(composer) {
      const button = this.submitFor(composer);
      if (button) button.click();
    },
  };

  globalThis.postcheck.adapters = Object.assign(globalThis.postcheck.adapters || {}, { x: adapter });
})();
