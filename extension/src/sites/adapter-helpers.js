// Small DOM helpers the site adapters share, so each adapter file holds only its site's quirks.
(function () {
  "use strict";

  /** The first element matching `selector` in the closest ancestor of `from` that has one. */
  function nearest(from, selector, maxDepth = 12) {
    let scope = from.parentElement;
    for (let depth = 0; scope && depth < maxDepth; depth += 1, scope = scope.parentElement) {
      const found = scope.querySelector(selector);
      if (found) return found;
    }
    return null;
  }

  /** The composer whose nearest submit control is `control`, searching outward from the control. */
  function composerForControl(control, composerSelector, submitSelector, maxDepth = 12) {
    let scope = control.parentElement;
    for (let depth = 0; scope && depth < maxDepth; depth += 1, scope = scope.parentElement) {
      for (const composer of scope.querySelectorAll(composerSelector)) {
        if (nearest(composer, submitSelector, maxDepth) === control) return composer;
      }
    }
    return null;
  }

  function pressEnter(target) {
    const init = { key: "Enter", code: "Enter", keyCode: 13, which: 13, bubbles: true, cancelable: true, composed: true };
    target.dispatchEvent(new KeyboardEvent("keydown", init));
  }

  const api = { nearest, composerForControl, pressEnter };
  if (typeof module === "object" && module.exports) module.exports = api;
  else globalThis.postcheck = Object.assign(globalThis.postcheck || {}, api);
})();
