// Every CSS selector the extension relies on, in one place, each paired with the fixture pages it
// must match and how many times (tests/browser/test_selectors.py checks them all in Chromium, as
// Refined GitHub does). When X or Facebook change their markup, this file and the fixtures change.
(function () {
  "use strict";

  const SELECTORS = {
    x: {
      composer: {
        css: 'div[contenteditable="true"][data-testid^="tweetTextarea_"]',
        fixtures: { "x-home": 1, "x-compose": 1, "x-status": 1 },
      },
      submit: {
        css: 'button[data-testid="tweetButton"], button[data-testid="tweetButtonInline"]',
        fixtures: { "x-home": 1, "x-compose": 1, "x-status": 1 },
      },
      modal: {
        css: 'div[role="dialog"]',
        fixtures: { "x-home": 0, "x-compose": 1, "x-status": 0 },
      },
      quotedPost: {
        css: 'article[data-testid="tweet"]',
        fixtures: { "x-home": 1, "x-compose": 1, "x-status": 1 },
      },
      accountSwitcher: {
        css: '[data-testid="SideNav_AccountSwitcher_Button"]',
        fixtures: { "x-home": 1, "x-compose": 1, "x-status": 1 },
      },
      // Broader than `submit`, to notice a submit the extension missed when X changes its markup (a
      // renamed composer, or a new Post button): any tweetButton*, or a button labelled just so
      // beside an editable with words in it.
      postButtonLike: {
        css: 'button[data-testid^="tweetButton"], [role="button"][data-testid^="tweetButton"]',
        labels: ["Post", "Post all", "Reply"],
        fixtures: { "x-home": 1, "x-compose": 1, "x-status": 1 },
      },
      // Anything a person can type a post into, whatever X calls it.
      editable: {
        css: '[contenteditable="true"], textarea',
        fixtures: { "x-home": 1, "x-compose": 1, "x-status": 1 },
      },
    },
    facebook: {
      composer: {
        css: 'div[contenteditable="true"][role="textbox"][data-lexical-editor="true"]',
        fixtures: { "facebook-feed": 2 },
      },
      postDialog: {
        css: 'div[role="dialog"]',
        fixtures: { "facebook-feed": 1 },
      },
      postButton: {
        css: 'div[aria-label="Post"][role="button"]',
        fixtures: { "facebook-feed": 1 },
      },
      // Broader than `postButton`, to notice a submit the extension missed when Facebook changes its
      // markup: any element or button labelled Post, or a button whose words are just "Post" beside an
      // editable with words in it.
      postButtonLike: {
        css: '[role="button"][aria-label="Post"], button[aria-label="Post"]',
        labels: ["Post"],
        fixtures: { "facebook-feed": 1 },
      },
      editable: {
        css: '[contenteditable="true"], textarea',
        fixtures: { "facebook-feed": 2 },
      },
    },
    generic: {
      composer: {
        css: 'textarea, [contenteditable="true"], [contenteditable=""]',
        fixtures: { "generic-form": 1 },
      },
      submit: {
        css: 'button[type="submit"], input[type="submit"], button:not([type])',
        fixtures: { "generic-form": 1 },
      },
    },
  };

  const api = { SELECTORS };
  if (typeof module === "object" && module.exports) module.exports = api;
  else globalThis.postcheck = Object.assign(globalThis.postcheck || {}, api);
})();
