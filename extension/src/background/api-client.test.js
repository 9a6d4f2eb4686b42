"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { checkBody, checkDraft, sendFeedback } = require("./api-client.js");

const settings = { serverUrl: "http://127.0.0.1:1", profileDisclaimer: true };

function fakeFetch(respond) {
  const calls = [];
  const impl = async (url, init) => {
    calls.push({ url, body: JSON.parse(init.body), init });
    return respond(url, init);
  };
  return { calls, impl };
}

const json = (status, body) => ({ ok: status < 400, status, json: async () => body });

test("the check body carries the context the server needs and the handle only when well-formed", () => {
  assert.deepEqual(checkBody({ text: "hi", platform: "twitter", reply: true, handle: "@jo_bloggs" }, settings), {
    text: "hi", platform: "twitter", reply: true, profile_disclaimer: true, account: { handle: "@jo_bloggs" },
  });
  const odd = checkBody({ text: "hi", platform: "myspace", handle: "Jo Bloggs" }, { profileDisclaimer: false });
  assert.equal(odd.platform, "other");
  assert.equal("account" in odd, false);
});

test("a good answer is passed on with its warnings", async () => {
  const warning = { rule: "r", category: "offensive", severity: "high", title: "t", spans: [{ start: 0, end: 1 }] };
  const fetch = fakeFetch(() => json(200, { warnings: [warning], election: {}, rules_version: "v" }));
  const verdict = await checkDraft({ text: "x", platform: "twitter" }, settings, fetch.impl);
  assert.equal(verdict.status, "ok");
  assert.deepEqual(verdict.warnings, [warning]);
  assert.equal(fetch.calls[0].url, "http://127.0.0.1:1/api/v1/check");
  assert.equal(fetch.calls[0].init.credentials, "omit");
});

test("an answer the server's time budget cut short is passed on as incomplete, and only then", async () => {
  const cut = await checkDraft({ text: "x" }, settings, fakeFetch(() => json(200, { warnings: [], incomplete: true, not_checked: ["model"] })).impl);
  assert.equal(cut.status, "ok");
  assert.equal(cut.incomplete, true);
  const whole = await checkDraft({ text: "x" }, settings, fakeFetch(() => json(200, { warnings: [], incomplete: false })).impl);
  assert.equal(whole.incomplete, false);
});

test("server errors, bad answers, network failures and timeouts all mean unavailable", async () => {
  assert.equal((await checkDraft({ text: "x" }, settings, fakeFetch(() => json(500, {})).impl)).status, "unavailable");
  assert.equal((await checkDraft({ text: "x" }, settings, fakeFetch(() => json(200, { nope: 1 })).impl)).status, "unavailable");
  const down = await checkDraft({ text: "x" }, settings, async () => { throw new TypeError("Failed to fetch"); });
  assert.deepEqual(down, { status: "unavailable", reason: "network" });
  const hang = (url, init) => new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" }))));
  assert.deepEqual(await checkDraft({ text: "x" }, settings, hang, 20), { status: "unavailable", reason: "timeout" });
});

test("feedback is posted as given and a failure is swallowed", async () => {
  const fetch = fakeFetch(() => json(202, {}));
  assert.equal((await sendFeedback({ rule: "r", outcome: "shown" }, settings, fetch.impl)).sent, true);
  assert.equal(fetch.calls[0].url, "http://127.0.0.1:1/api/v1/feedback");
  assert.deepEqual(fetch.calls[0].body, { rule: "r", outcome: "shown" });
  assert.deepEqual(await sendFeedback({}, settings, async () => { throw new TypeError("Failed to fetch"); }),
    { sent: false, status: null, retryAfter: null, reason: "network" });
});

test("a refused report says the status and Retry-After, and a report with no answer says why", async () => {
  const busy = async () => ({ ok: false, status: 503, headers: new Map([["Retry-After", "30"]]) });
  assert.deepEqual(await sendFeedback({}, settings, busy), { sent: false, status: 503, retryAfter: "30", reason: null });
  const wrong = async () => ({ ok: false, status: 422, headers: new Map() });
  assert.deepEqual(await sendFeedback({}, settings, wrong), { sent: false, status: 422, retryAfter: null, reason: null });
  const hang = (url, init) => new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" }))));
  assert.equal((await sendFeedback({}, settings, hang, 20)).reason, "timeout");
});
