// Applies a fix (e.g. the disclaimer) the way typing would: the caret goes to the end and the text
// is inserted through the browser's editing commands, so Draft.js and Lexical update their own
// state. The extension never rewrites the editor's DOM itself.
(function () {
  "use strict";

  function appendText(composer, addition) {
    composer.focus();
    if (composer.tagName === "TEXTAREA") {
      const joiner = /\s$/.test(composer.value) || !composer.value ? "" : " ";
      composer.setRangeText(joiner + addition, composer.value.length, composer.value.length, "end");
      composer.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }
    const selection = getSelection();
    const range = document.createRange();
    range.selectNodeContents(composer);
    range.collapse(false);
    selection.removeAllRanges();
    selection.addRange(range);
    const current = composer.textContent || "";
    const joiner = /\s$/.test(current) || !current ? "" : " ";
    document.execCommand("insertText", false, joiner + addition);
  }

  globalThis.postcheck = Object.assign(globalThis.postcheck || {}, { appendText });
})();
