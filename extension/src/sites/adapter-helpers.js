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

  function typedIn(editable) {
    return Boolean(editable && (editable.tagName === "TEXTAREA" ? editable.value : editable.textContent).trim());
  }

  /** Whether `target` is plainly the site's post button, by `spec` ({css, labels}): it matches the
   *  site's broad selector, or is a button whose own words are one of the labels beside an editable
   *  with words in it. Only for noticing a submit the extension missed (the site changed). */
  function looksLikePostButton(target, spec, editableCss) {
    if (target.closest(spec.css)) return true;
    const button = target.closest('button, [role="button"]');
    if (!button || !spec.labels.includes(button.textContent.trim())) return false;
    return typedIn(nearest(button, editableCss, 6));
  }

  /** Whether `target` is an editable with words in it and the site's post button near it. */
  function looksLikeComposer(target, spec, editableCss) {
    const editable = target.closest(editableCss);
    if (!typedIn(editable)) return false;
    let scope = editable.parentElement;
    for (let depth = 0; scope && depth < 6; depth += 1, scope = scope.parentElement) {
      const buttons = scope.querySelectorAll(`${spec.css}, button, [role="button"]`);
      if ([...buttons].some((button) => looksLikePostButton(button, spec, editableCss))) return true;
    }
    return false;
  }

  function pressEnter(target) {
    const init = { key: "Enter", code: "Enter", keyCode: 13, which: 13, bubbles: true, cancelable: true, composed: true };
    target.dispatchEvent(new KeyboardEvent("keydown", init));
  }

  const api = { nearest, composerForControl, pressEnter, looksLikePostButton, looksLikeComposer };
  if (typeof module === "object" && module.exports) module.exports = api;
  else globalThis.postcheck = Object.assign(globalThis.postcheck || {}, api);
})();
