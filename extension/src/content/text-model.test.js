"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { buildTextModel, spanToBoundaries } = require("./text-model.js");
const { el } = require("./fake-dom.test-helper.js");

// The DOM Draft.js renders: block > styled div > span[data-offset-key] > span[data-text] > text.
function draftBlock(...texts) {
  return el("div", el("div", ...texts.map((t) => el("span", el("span", t)))));
}

function textAt(model, start, end) {
  const b = spanToBoundaries(model, start, end);
  if (b.startNode === b.endNode) return b.startNode.data.slice(b.startOffset, b.endOffset);
  const first = model.pieces.findIndex((p) => p.node === b.startNode);
  const last = model.pieces.findIndex((p) => p.node === b.endNode);
  let out = b.startNode.data.slice(b.startOffset);
  for (let i = first + 1; i < last; i += 1) out += model.pieces[i].node.data;
  return out + b.endNode.data.slice(0, b.endOffset);
}

test("a single Draft.js block reads as its text", () => {
  const model = buildTextModel(el("div", draftBlock("What a pr!ck that bloke was")));
  assert.equal(model.text, "What a pr!ck that bloke was");
});

test("blocks are separated by one newline, an empty block by an extra one", () => {
  const emptyBlock = el("div", el("div", el("span", el("br"))));
  const model = buildTextModel(el("div", draftBlock("first"), emptyBlock, draftBlock("second")));
  assert.equal(model.text, "first\n\nsecond");
});

test("Lexical paragraphs with a placeholder <br> in an empty one", () => {
  const model = buildTextModel(el("div", el("p", el("span", "a")), el("p", el("br")), el("p", el("span", "b"))));
  assert.equal(model.text, "a\n\nb");
});

test("a <br> between words inside one paragraph is a line break", () => {
  const model = buildTextModel(el("div", el("p", el("span", "one"), el("br"), el("span", "two"))));
  assert.equal(model.text, "one\ntwo");
});

test("zero-width placeholders do not count as text", () => {
  const model = buildTextModel(el("div", el("p", "\u200b"), el("p", "hi")));
  assert.equal(model.text, "hi");
});

test("spans count UTF-16 code units, so an emoji before the words shifts them by two", () => {
  const text = "😀😀 What a pr!ck";
  const model = buildTextModel(el("div", draftBlock(text)));
  const start = text.indexOf("pr!ck");
  assert.equal(start, 12); // 10 code points, but each emoji is two UTF-16 units
  assert.equal(textAt(model, start, start + 5), "pr!ck");
});

test("a span across styled pieces and lines maps to both ends", () => {
  const model = buildTextModel(el("div", draftBlock("Tottenham ", "needs"), draftBlock("napalm now")));
  assert.equal(model.text, "Tottenham needs\nnapalm now");
  assert.equal(textAt(model, 0, 9), "Tottenham");
  const b = spanToBoundaries(model, 10, 22);
  assert.equal(b.startNode.data, "needs");
  assert.equal(b.startOffset, 0);
  assert.equal(b.endNode.data, "napalm now");
  assert.equal(b.endOffset, 6);
});

test("a span ending exactly at a piece boundary stays in the earlier piece", () => {
  const model = buildTextModel(el("div", draftBlock("abc", "def")));
  const b = spanToBoundaries(model, 0, 3);
  assert.equal(b.endNode.data, "abc");
  assert.equal(b.endOffset, 3);
});

test("spans outside the text give no boundaries", () => {
  const model = buildTextModel(el("div", draftBlock("short")));
  assert.equal(spanToBoundaries(model, 2, 40), null);
  assert.equal(spanToBoundaries(model, 3, 3), null);
  assert.equal(spanToBoundaries(model, -1, 2), null);
});
