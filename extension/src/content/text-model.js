// The draft's text read from a rich editor's DOM, with a map from text offsets back to DOM text
// nodes, so the API's UTF-16 spans become DOM Ranges for the underline layer. The text sent to the
// server and the map come from one walk, so a span always lands on the words it was computed from.
(function () {
  "use strict";

  const TEXT_NODE = 3;
  const ELEMENT_NODE = 1;
  const BLOCKS = new Set(["DIV", "P", "LI", "UL", "OL", "H1", "H2", "H3", "H4", "H5", "H6", "BLOCKQUOTE", "PRE"]);

  /**
   * Walks `root` in document order. Block elements separate lines with "\n"; a <br> is a line
   * break unless it only props open an empty block (Draft.js and Lexical both put one there).
   * Returns {text, pieces: [{node, start, end}]} where start/end are offsets in `text`.
   */
  function buildTextModel(root) {
    let text = "";
    let pendingBreak = false;
    const pieces = [];

    function flushBreak() {
      if (pendingBreak) {
        text += "\n";
        pendingBreak = false;
      }
    }

    function walk(node) {
      for (let child = node.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === TEXT_NODE) {
          const data = child.data.replace(/\u200b|\ufeff/g, "") === "" ? "" : child.data;
          if (data === "") continue; // zero-width placeholders editors use for empty lines
          flushBreak();
          pieces.push({ node: child, start: text.length, end: text.length + data.length });
          text += data;
        } else if (child.nodeType === ELEMENT_NODE) {
          if (child.nodeName === "BR") {
            flushBreak();
            if (!isPlaceholderBreak(child)) text += "\n";
            continue;
          }
          const block = BLOCKS.has(child.nodeName);
          if (block && text.length > 0) pendingBreak = true;
          walk(child);
          if (block && text.length > 0) pendingBreak = true;
        }
      }
    }

    walk(root);
    return { text, pieces };
  }

  function isPlaceholderBreak(br) {
    for (let sib = br.previousSibling; sib; sib = sib.previousSibling) if (hasText(sib)) return false;
    for (let sib = br.nextSibling; sib; sib = sib.nextSibling) if (hasText(sib)) return false;
    return true;
  }

  function hasText(node) {
    if (node.nodeType === TEXT_NODE) return node.data.replace(/\u200b|\ufeff/g, "") !== "";
    if (node.nodeName === "BR") return true;
    for (let c = node.firstChild; c; c = c.nextSibling) if (hasText(c)) return true;
    return false;
  }

  /** The DOM position of a text offset; at a boundary between pieces, `preferEnd` picks the earlier one. */
  function locate(model, offset, preferEnd) {
    const { pieces } = model;
    for (let i = 0; i < pieces.length; i += 1) {
      const piece = pieces[i];
      const inside = preferEnd ? offset > piece.start && offset <= piece.end : offset >= piece.start && offset < piece.end;
      if (inside) return { node: piece.node, offset: offset - piece.start };
    }
    // An offset on a line break between pieces: snap forward (start) or back (end) to text.
    if (preferEnd) {
      for (let i = pieces.length - 1; i >= 0; i -= 1) if (pieces[i].end <= offset) return { node: pieces[i].node, offset: pieces[i].end - pieces[i].start };
    } else {
      for (const piece of pieces) if (piece.start >= offset) return { node: piece.node, offset: 0 };
    }
    return null;
  }

  /** DOM boundary points for the span [start, end) of the model's text, or null if it is out of range. */
  function spanToBoundaries(model, start, end) {
    if (!(start >= 0 && end > start && end <= model.text.length)) return null;
    const from = locate(model, start, false);
    const to = locate(model, end, true);
    if (!from || !to) return null;
    return { startNode: from.node, startOffset: from.offset, endNode: to.node, endOffset: to.offset };
  }

  const api = { buildTextModel, spanToBoundaries };
  if (typeof module === "object" && module.exports) module.exports = api;
  else globalThis.postcheck = Object.assign(globalThis.postcheck || {}, api);
})();
