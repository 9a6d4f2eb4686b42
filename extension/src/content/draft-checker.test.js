"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { DraftChecker } = require("./draft-checker.js");
const { VerdictCache } = require("./verdict-cache.js");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A fake server whose answers the test releases by hand, to control ordering.
function controllableServer() {
  const calls = [];
  const check = (text) => new Promise((resolve) => calls.push({ text, resolve }));
  const answer = (i, warnings = []) => calls[i].resolve({ status: "ok", warnings });
  return { calls, check, answer };
}

test("typing is debounced into one request for the last text", async () => {
  const server = controllableServer();
  const checker = new DraftChecker({ check: server.check, delayMs: 30 });
  checker.update("W");
  checker.update("Wh");
  checker.update("What");
  await sleep(60);
  assert.deepEqual(server.calls.map((c) => c.text), ["What"]);
});

test("only one request is in flight; a stale answer is dropped and the latest text checked next", async () => {
  const server = controllableServer();
  const seen = [];
  const checker = new DraftChecker({ check: server.check, delayMs: 5, onVerdict: (text, v) => seen.push([text, v.warnings.length]) });
  checker.update("first");
  await sleep(20);
  checker.update("second");
  await sleep(20);
  assert.equal(server.calls.length, 1, "no second request while the first is in flight");
  server.answer(0, [{ rule: "r" }]);
  await sleep(5);
  assert.deepEqual(server.calls.map((c) => c.text), ["first", "second"]);
  assert.deepEqual(seen, [], "the answer for 'first' is not shown: the draft is 'second' now");
  server.answer(1);
  await sleep(5);
  assert.deepEqual(seen, [["second", 0]]);
});

test("a text seen before is answered from the cache without a request", async () => {
  const server = controllableServer();
  const seen = [];
  const checker = new DraftChecker({ check: server.check, delayMs: 5, onVerdict: (t) => seen.push(t) });
  checker.update("hello");
  await sleep(15);
  server.answer(0);
  await sleep(5);
  checker.update("hello!");
  await sleep(15);
  server.answer(1);
  await sleep(5);
  checker.update("hello");
  assert.equal(server.calls.length, 2);
  assert.deepEqual(seen, ["hello", "hello!", "hello"]);
});

test("an empty draft is clean without asking the server", async () => {
  const server = controllableServer();
  const checker = new DraftChecker({ check: server.check, delayMs: 5 });
  const verdict = await checker.verdictFor("   ", 100);
  assert.deepEqual(verdict, { status: "ok", warnings: [] });
  assert.equal(server.calls.length, 0);
});

test("verdictFor skips the debounce and resolves when the answer arrives", async () => {
  const server = controllableServer();
  const checker = new DraftChecker({ check: server.check, delayMs: 10000 });
  checker.update("ring 07700 900123");
  const pending = checker.verdictFor("ring 07700 900123", 1500);
  assert.equal(server.calls.length, 1, "asked at once, not after the 10 s debounce");
  server.answer(0, [{ rule: "personal-data.phone-number" }]);
  const verdict = await pending;
  assert.equal(verdict.warnings[0].rule, "personal-data.phone-number");
});

test("verdictFor gives up after the wait so posting is never blocked", async () => {
  const server = controllableServer();
  const checker = new DraftChecker({ check: server.check, delayMs: 5 });
  const started = Date.now();
  const verdict = await checker.verdictFor("slow server", 40);
  assert.deepEqual(verdict, { status: "timeout" });
  assert.ok(Date.now() - started < 500);
});

test("a failed check is reported as unavailable and remembered for that text only", async () => {
  const seen = [];
  const checker = new DraftChecker({ check: async () => { throw new Error("down"); }, delayMs: 5, onVerdict: (t, v) => seen.push(v.status) });
  checker.update("anything");
  await sleep(20);
  assert.deepEqual(seen, ["unavailable"]);
  assert.deepEqual(checker.verdictIfKnown("anything"), { status: "unavailable" });
  assert.equal(checker.verdictIfKnown("something else"), undefined);
});

test("a check the service worker could not be reached for is asked again at Post, within the wait", async () => {
  const answers = [{ status: "unavailable", reason: "no-worker" }, { status: "ok", warnings: [{ rule: "violent.threat" }] }];
  const asked = [];
  const seen = [];
  const checker = new DraftChecker({ check: async (text) => { asked.push(text); return answers.shift(); }, delayMs: 5,
    onVerdict: (t, v) => seen.push(v.status) });
  checker.update("Tottenham needs napalm");
  await sleep(20);
  assert.deepEqual(seen, ["unavailable"], "the badge says so meanwhile");
  assert.equal(checker.verdictIfKnown("Tottenham needs napalm").reason, "no-worker");
  const verdict = await checker.verdictFor("Tottenham needs napalm", 500);
  assert.equal(verdict.status, "ok", "not the remembered failure: a new check");
  assert.equal(verdict.warnings[0].rule, "violent.threat");
  assert.equal(asked.length, 2);
});

test("a server that could not check a text is not asked again at Post: posting is never held for it", async () => {
  let asked = 0;
  const checker = new DraftChecker({ check: async () => { asked += 1; return { status: "unavailable", reason: "http-503" }; }, delayMs: 5 });
  checker.update("anything");
  await sleep(20);
  assert.deepEqual(await checker.verdictFor("anything", 500), { status: "unavailable", reason: "http-503" });
  assert.equal(asked, 1);
});

test("the verdict cache keeps the most recently used entries", () => {
  const cache = new VerdictCache(2);
  cache.set("a", 1);
  cache.set("b", 2);
  cache.get("a");
  cache.set("c", 3);
  assert.equal(cache.get("b"), undefined);
  assert.equal(cache.get("a"), 1);
  assert.equal(cache.get("c"), 3);
  assert.equal(cache.size, 2);
});
