// Facebook (www.facebook.com): Lexical composers; a new post in a dialog with a Post button, a
// comment sent by Enter.
(function () {
  "use strict";

  const { SELECTORS, nearest, composerForControl, pressEnter, looksLikePostButton, looksLikeComposer } = globalThis.postcheck;
  const S = SELECTORS.facebook;

  function postButtonOf(composer) {
    const dialog = composer.closest(S.postDialog.css);
    return dialog ? dialog.querySelector(S.postButton.css) : null;
  }

  const adapter = {
    name: "facebook",
    platform: "facebook",
    hosts: ["www.facebook.com", "web.facebook.com", "m.facebook.com"],
    composerSelector: S.composer.css,

    submitFor(composer) {
      return postButtonOf(composer);
    },

    composerForControl(control) {
      const button = control.closest(S.postButton.css);
      return button ? composerForControl(button, S.composer.css, S.postButton.css) : null;
    },

    // Only comments (composers without a Post button) are sent by a plain Enter.
    isKeyboardSubmit(event, composer) {
      if (postButtonOf(composer)) return false;
      if (event.type === "beforeinput") return event.inputType === "insertParagraph";
      return event.type === "keydown" && event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey;
    },

    isReply(composer) {
      return !postButtonOf(composer);
    },

    accountHandle() {
      return null; // Facebook shows a name, not a handle
    },

    // Facebook draws its post composer only when the person opens "Create post": a dialog with a Post
    // button in it and no composer, once the page has settled, means Facebook changed its markup.
    composerExpected() {
      return [...document.querySelectorAll(S.postDialog.css)].some((dialog) => dialog.querySelector(S.postButtonLike.css));
    },

    looksLikePostButton(target) {
      return looksLikePostButton(target, S.postButtonLike, S.editable.css);
    },

    looksLikeComposer(target) {
      return looksLikeComposer(target, S.postButtonLike, S.editable.css);
    },

    // Lexical reads event.key, so a synthetic Enter sends a comment just as the person's did.
    resubmit(composer) {
      const button = postButtonOf(composer);
      if (button) button.click();
      else pressEnter(composer);
    },
  };

  globalThis.postcheck.adapters = Object.assign(globalThis.postcheck.adapters || {}, { facebook: adapter });
})();
