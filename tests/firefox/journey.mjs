// The extension's core journey in a real Firefox (Debian's firefox-esr), driven by puppeteer-core over
// WebDriver BiDi: a warning at Post, Edit, Post anyway, and fail open with the server down. Run by
// tests/firefox/test_journey.py, which starts the postcheck server and asserts on the JSON this prints
// (one object: {steps: {...}} or {error: "..."}).
//
//   node journey.mjs CONFIG.json
//   CONFIG: {firefox, extensionDir, geckoId, pagesDir, distDir, serverUrl, deadServerUrl, profileDir?}
//
// Everything a person does here is real input: clicks by page.mouse.click at the element's coordinates,
// typing by page.keyboard.type. Pages are inspected with page.evaluate only to read what happened.
import { readFileSync } from "node:fs";
import path from "node:path";
import puppeteer from "puppeteer-core";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const DRAFT = "What a pr!ck that bloke was";
// The fixture pages, served by request interception at the addresses the content scripts match
// (as tests/browser/conftest.py does for Chromium).
const PAGE_FILES = { "x.com": "x.html" };
// tests/browser/pages.py's selectors, as functions over the page (the extension's UI is in open shadow roots).
const HOST = (name) => `postcheck-ui[data-postcheck="${name}"]`;
const COMPOSER = 'div[contenteditable="true"][data-testid^="tweetTextarea_"]';
const POST = 'button[data-testid="tweetButtonInline"]';
const DIALOG = '[role="alertdialog"]';

function serveFixture(request) {
  const url = new URL(request.url());
  const file = PAGE_FILES[url.hostname];
  if (!file) return request.continue();
  if (url.pathname.startsWith("/__fixture__/")) {
    const body = readFileSync(path.join(config.distDir, path.basename(url.pathname)), "utf8");
    return request.respond({ status: 200, contentType: "text/javascript", body });
  }
  if (url.pathname.startsWith("/favicon")) return request.respond({ status: 404, body: "" });
  return request.respond({ status: 200, contentType: "text/html",
                           body: readFileSync(path.join(config.pagesDir, file), "utf8") });
}

async function openFixture(browser, url) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  await page.setRequestInterception(true);
  page.on("request", (request) => { serveFixture(request).catch(() => {}); });
  await page.goto(url);
  return page;
}

// The extension's own page, where the test sets the server address in the extension's storage as the
// options page would. WebDriver BiDi may not navigate a tab to a moz-extension:// address, so this is the
// welcome page the extension opens itself when it is installed.
// (Firefox does not tell WebDriver BiDi that tab's address, so each tab is asked where it is.)
async function extensionPage(browser) {
  for (let tries = 0; tries < 50; tries++) {
    for (const page of await browser.pages()) {
      const href = await page.evaluate(() => location.href).catch(() => "");
      if (href.startsWith("moz-extension://")) return page;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the extension's welcome page did not open after install");
}

async function setServerUrl(page, serverUrl) {
  await page.evaluate(async (url) => {
    await browser.storage.local.clear();
    await browser.storage.local.set({ serverUrl: url });
  }, serverUrl);
}

// The centre of an element, in viewport coordinates; `inShadow` names the postcheck-ui host it lives in.
async function centre(page, selector, inShadow = null) {
  const handle = await page.waitForFunction((selector, host) => {
    const root = host ? document.querySelector(host)?.shadowRoot : document;
    const el = root && root.querySelector(selector);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return r.width && r.height ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : null;
  }, { timeout: 10000 }, selector, inShadow ? HOST(inShadow) : null);
  return handle.jsonValue();
}

async function click(page, selector, inShadow = null) {
  const { x, y } = await centre(page, selector, inShadow);
  await page.mouse.click(x, y);
}

async function waitForBadge(page, state) {
  await page.waitForFunction((host, state) => document.querySelector(host)?.shadowRoot
    ?.querySelector(`.badge[data-state="${state}"]`), { timeout: 10000 }, HOST("badge"), state);
  return page.evaluate((host) => document.querySelector(host).shadowRoot.querySelector(".badge").innerText, HOST("badge"));
}

const dialogOpen = (page) => page.evaluate((host, dialog) =>
  Boolean(document.querySelector(host)?.shadowRoot?.querySelector(dialog)), HOST("dialog"), DIALOG);
const dialogText = (page) => page.evaluate((host, dialog) =>
  document.querySelector(host).shadowRoot.querySelector(dialog).innerText, HOST("dialog"), DIALOG);
const waitForDialogGone = (page) => page.waitForFunction((host, dialog) =>
  !document.querySelector(host)?.shadowRoot?.querySelector(dialog), { timeout: 10000 }, HOST("dialog"), DIALOG);
const posted = (page) => page.evaluate(() => window.__posted || []);
const composerText = (page) => page.evaluate((s) => document.querySelector(s).innerText, COMPOSER);

async function typeDraft(page, text) {
  await click(page, COMPOSER);
  await page.keyboard.type(text);
}

async function main() {
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: config.firefox,
    headless: true,
    userDataDir: config.profileDir,
    extraPrefsFirefox: {
      // No first-run pages or updates in the way of the test.
      "browser.shell.checkDefaultBrowser": false,
      "app.update.enabled": false,
    },
  });
  const steps = {};
  try {
    const id = await browser.installExtension(config.extensionDir);
    steps.installed = { id };
    const settings = await extensionPage(browser);
    await setServerUrl(settings, config.serverUrl);

    // 1. A warning at Post: the dialog appears, nothing is posted.
    let page = await openFixture(browser, "https://x.com/home");
    await typeDraft(page, DRAFT);
    steps.badge = await waitForBadge(page, "warnings");
    await click(page, POST);
    await centre(page, DIALOG, "dialog");
    steps.warning = { dialog: await dialogOpen(page), text: await dialogText(page), posted: await posted(page) };

    // 2. Edit: back to the composer with the draft as it was, nothing posted.
    await click(page, `${DIALOG} [data-action="edit"]`, "dialog");
    await waitForDialogGone(page);
    steps.edit = { dialog: await dialogOpen(page), posted: await posted(page), composer: await composerText(page) };

    // 3. Post anyway (a high warning: the tick first, the default setting): the post goes through once.
    await click(page, POST);
    await centre(page, DIALOG, "dialog");
    await click(page, `${DIALOG} [data-action="tick"]`, "dialog");
    await click(page, `${DIALOG} [data-action="post-anyway"]`, "dialog");
    await waitForDialogGone(page);
    await page.waitForFunction(() => (window.__posted || []).length > 0, { timeout: 10000 });
    steps.postAnyway = { dialog: await dialogOpen(page), posted: await posted(page) };
    steps.dataCollection = await settings.evaluate(async () => (await browser.permissions.getAll()).data_collection);
    await page.close();

    // 4. Fail open: with the server down, the badge says so and Post goes straight through.
    await setServerUrl(settings, config.deadServerUrl);
    page = await openFixture(browser, "https://x.com/home");
    await typeDraft(page, DRAFT);
    steps.failOpenBadge = await waitForBadge(page, "unavailable");
    await click(page, POST);
    await page.waitForFunction(() => (window.__posted || []).length > 0, { timeout: 10000 });
    steps.failOpen = { dialog: await dialogOpen(page), posted: await posted(page) };
    await page.close();
    return { steps };
  } catch (error) {
    return { steps, error: String(error && error.stack || error) };
  } finally {
    await browser.close();
  }
}

const result = await main().catch((error) => ({ error: String(error && error.stack || error) }));
process.stdout.write(JSON.stringify(result) + "\n");
