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

  // The caret as offsets in the draft's text (issue 20, item 7): the dialog takes focus, and giving it
  // back with a bare focus() puts the caret at the draft's start in Draft.js, so the next letter
  // landed before the first word. Offsets, not a saved Range, because an editor may re-render its
  // text nodes while the dialog is open.

  /** {start, end} of the selection in `composer`'s text, or null when the selection is elsewhere. */
  function saveCaret(composer) {
    if (composer.tagName === "TEXTAREA") return { start: composer.selectionStart, end: composer.selectionEnd };
    const selection = getSelection();
    if (!selection || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!composer.contains(range.startContainer) || !composer.contains(range.endContainer)) return null;
    const model = globalThis.postcheck.buildTextModel(composer);
    return { start: offsetOf(model, range.startContainer, range.startOffset), end: offsetOf(model, range.endContainer, range.endOffset) };
  }

  function offsetOf(model, node, offset) {
    const piece = model.pieces.find((p) => p.node === node);
    if (piece) return piece.start + Math.min(offset, piece.end - piece.start);
    // A point between elements: after every piece that lies before it.
    const point = document.createRange();
    point.setStart(node, offset);
    let at = 0;
    for (const p of model.pieces) if (point.comparePoint(p.node, p.node.length) <= 0) at = p.end;
    return at;
  }

  function pointAt(model, offset) {
    for (const p of model.pieces) if (offset >= p.start && offset <= p.end) return { node: p.node, offset: offset - p.start };
    const last = model.pieces[model.pieces.length - 1];
    return last ? { node: last.node, offset: last.end - last.start } : null;
  }

  /** Focuses `composer` with the caret (or selection) at `saved`; at the end of the draft if unknown. */
  function restoreCaret(composer, saved) {
    if (composer.tagName === "TEXTAREA") {
      composer.focus({ preventScroll: true });
      const end = composer.value.length;
      composer.setSelectionRange(saved ? saved.start : end, saved ? saved.end : end);
      return;
    }
    const apply = () => {
      const model = globalThis.postcheck.buildTextModel(composer);
      const end = model.text.length;
      const from = pointAt(model, saved ? Math.min(saved.start, end) : end);
      const to = pointAt(model, saved ? Math.min(saved.end, end) : end);
      const selection = getSelection();
      if (!from || !to) return;
      const now = selection.rangeCount ? selection.getRangeAt(0) : null;
      if (now && now.startContainer === from.node && now.startOffset === from.offset
          && now.endContainer === to.node && now.endOffset === to.offset) return;
      selection.setBaseAndExtent(from.node, from.offset, to.node, to.offset);
    };
    // Set before and after focus: Draft.js reads the DOM selection on focus, and its re-render
    // after the focus event may set its own; the second pass (next frame) puts ours back.
    apply();
    composer.focus({ preventScroll: true });
    apply();
    const before = globalThis.postcheck.buildTextModel(composer).text;
    // Not once the person has pressed a key or the mouse (Ctrl+A, an arrow, a click): the caret and
    // selection are theirs again, even where the text is unchanged.
    let acted = false;
    const act = () => { acted = true; };
    window.addEventListener("keydown", act, true);
    window.addEventListener("mousedown", act, true);
    requestAnimationFrame(() => {
      window.removeEventListener("keydown", act, true);
      window.removeEventListener("mousedown", act, true);
      const focused = document.activeElement === composer || composer.contains(document.activeElement);
      if (!acted && focused && globalThis.postcheck.buildTextModel(composer).text === before) apply();
    });
  }

  globalThis.postcheck = Object.assign(globalThis.postcheck || {}, { appendText, saveCaret, restoreCaret });
})();
