"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { parseColour, isDarkColour, themeBehind, platformLook } = require("./page-theme.js");

test("colours as getComputedStyle writes them", () => {
  assert.deepEqual(parseColour("rgb(21, 32, 43)"), { r: 21, g: 32, b: 43, a: 1 });
  assert.deepEqual(parseColour("rgba(0, 0, 0, 0)"), { r: 0, g: 0, b: 0, a: 0 });
  assert.equal(parseColour("transparent"), null);
});

test("X's and Facebook's dark backgrounds are dark, their light ones are not", () => {
  assert.equal(isDarkColour("rgb(0, 0, 0)"), true); // X "lights out"
  assert.equal(isDarkColour("rgb(21, 32, 43)"), true); // X "dim"
  assert.equal(isDarkColour("rgb(24, 25, 26)"), true); // Facebook dark
  assert.equal(isDarkColour("rgb(255, 255, 255)"), false);
  assert.equal(isDarkColour("rgb(240, 242, 245)"), false);
});

test("the theme comes from the first opaque background up the tree", () => {
  const body = { nodeType: 1, parentElement: null, bg: "rgb(0, 0, 0)" };
  const box = { nodeType: 1, parentElement: body, bg: "rgba(0, 0, 0, 0)" };
  const editor = { nodeType: 1, parentElement: box, bg: "rgba(0, 0, 0, 0)" };
  assert.equal(themeBehind(editor, (el) => ({ backgroundColor: el.bg })), "dark");
  box.bg = "rgb(255, 255, 255)";
  assert.equal(themeBehind(editor, (el) => ({ backgroundColor: el.bg })), "light");
});

test("Facebook gets its own look; X and every other site get X's", () => {
  assert.equal(platformLook("www.facebook.com"), "facebook");
  assert.equal(platformLook("web.facebook.com"), "facebook");
  assert.equal(platformLook("x.com"), "x");
  assert.equal(platformLook("notfacebook.com"), "x");
  assert.equal(platformLook("forms.example.test"), "x");
});
