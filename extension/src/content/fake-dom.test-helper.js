// A few DOM nodes, just enough for the text model's walk, so its tests run under plain Node.
"use strict";

function link(parent, children) {
  parent.childNodes = children;
  parent.firstChild = children[0] || null;
  children.forEach((child, i) => {
    child.parentNode = parent;
    child.previousSibling = children[i - 1] || null;
    child.nextSibling = children[i + 1] || null;
  });
  return parent;
}

function el(name, ...children) {
  return link({ nodeType: 1, nodeName: name.toUpperCase() }, children.map((c) => (typeof c === "string" ? txt(c) : c)));
}

function txt(data) {
  return { nodeType: 3, nodeName: "#text", data, firstChild: null };
}

module.exports = { el, txt };
