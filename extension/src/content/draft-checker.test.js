"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { DraftChecker, editBetween, moveWarnings } = require("./draft-checker.js");
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

// A clock the tests move by hand: timers fire in order as time is advanced, and the promises a
// check settles run between them, so minutes of typing take milliseconds and no assertion is timed.
function fakeClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map();
  const flush = () => new Promise((r) => setImmediate(r));
  return {
    now: () => now,
    setTimeout(fn, ms) { const id = nextId++; timers.set(id, { at: now + Math.max(0, ms), fn }); return id; },
    clearTimeout(id) { timers.delete(id); },
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        await flush();
        let first = null;
        for (const [id, t] of timers) if (t.at <= until && (!first || t.at < first[1].at)) first = [id, t];
        if (!first) break;
        timers.delete(first[0]);
        now = first[1].at;
        first[1].fn();
      }
      now = until;
      await flush();
    },
  };
}

// A server that answers at once, recording when each check started.
function instantServer(clock) {
  const at = [];
  return { at, check: async (text) => { at.push(clock.now()); return { status: "ok", warnings: [], text }; } };
}

async function typeFor(checker, clock, { keys, gapMs, start = "" }) {
  let text = start;
  for (let i = 0; i < keys; i += 1) {
    text += String.fromCharCode(97 + (i % 26));
    checker.update(text);
    await clock.advance(gapMs);
  }
  return text;
}

test("typing without a pause is checked once every 1.5 s, not at every answer and not only at the end", async () => {
  const clock = fakeClock();
  const server = instantServer(clock);
  const checker = new DraftChecker({ check: server.check, clock });
  await typeFor(checker, clock, { keys: 300, gapMs: 35 }); // 10.5 s at 35 ms a key
  assert.ok(server.at.length >= 6 && server.at.length <= 7, `checks at ${server.at}`);
  for (let i = 1; i < server.at.length; i += 1) assert.ok(server.at[i] - server.at[i - 1] >= 1500, `checks at ${server.at}`);
});

test("the pause after typing is checked 400 ms after the last key, with no wait for the throttle", async () => {
  const clock = fakeClock();
  const server = instantServer(clock);
  const checker = new DraftChecker({ check: server.check, clock });
  await typeFor(checker, clock, { keys: 60, gapMs: 35 });
  const lastKey = clock.now() - 35;
  await clock.advance(2000);
  assert.equal(server.at[server.at.length - 1], lastKey + 400);
});

test("a slow typist who pauses after every key causes at most 43 checks a minute", async () => {
  const clock = fakeClock();
  const server = instantServer(clock);
  const checker = new DraftChecker({ check: server.check, clock });
  await typeFor(checker, clock, { keys: 133, gapMs: 450 }); // one key every 450 ms for a minute
  const inAnyMinute = Math.max(...server.at.map((t) => server.at.filter((u) => u >= t && u < t + 60000).length));
  assert.ok(inAnyMinute <= 43, `${inAnyMinute} checks in a minute`);
  assert.ok(inAnyMinute >= 40, "and still about one every 1.5 s");
});

test("no pattern of keys gets more than 43 checks a minute out of one composer", async () => {
  const clock = fakeClock();
  const server = instantServer(clock);
  const checker = new DraftChecker({ check: server.check, clock });
  let text = "";
  for (const gap of [401, 1, 410, 5, 399, 600, 402, 1500, 401, 3]) for (let i = 0; i < 20; i += 1) {
    text += "x";
    checker.update(text);
    await clock.advance(gap);
  }
  const inAnyMinute = Math.max(...server.at.map((t) => server.at.filter((u) => u >= t && u < t + 60000).length));
  assert.ok(inAnyMinute <= 43, `${inAnyMinute} checks in a minute`);
});

test("a check at Post is not held back by the throttle", async () => {
  const clock = fakeClock();
  const server = instantServer(clock);
  const checker = new DraftChecker({ check: server.check, clock, burst: 1 });
  const text = await typeFor(checker, clock, { keys: 50, gapMs: 35 });
  const before = server.at.length;
  const verdict = checker.verdictFor(text, 1500);
  await clock.advance(0);
  assert.equal((await verdict).status, "ok");
  assert.equal(server.at.length, before + 1, "asked at once");
});

test("marks move with an edit before them and stay put for one after them", () => {
  const warnings = [{ rule: "r", spans: [{ start: 6, end: 11 }] }, { rule: "whole", spans: [] }];
  const text = "Hello pr!ck there"; // "pr!ck" is 6..11
  assert.deepEqual(moveWarnings(warnings, text, `Oh, ${text}`)[0].spans, [{ start: 10, end: 15 }]);
  assert.deepEqual(moveWarnings(warnings, text, `${text} and more`)[0].spans, [{ start: 6, end: 11 }]);
  assert.deepEqual(moveWarnings(warnings, text, text.replace("Hello", "Hi"))[0].spans, [{ start: 3, end: 8 }]);
  assert.equal(moveWarnings(warnings, text, `Oh, ${text}`)[1].rule, "whole", "a warning about the whole draft stays");
});

test("an edit that touches the underlined words drops their mark until the next answer", () => {
  const warnings = [{ rule: "r", spans: [{ start: 6, end: 11 }] }, { rule: "s", spans: [{ start: 0, end: 5 }] }];
  const text = "Hello pr!ck there";
  const inside = moveWarnings(warnings, text, "Hello prick there");
  assert.deepEqual(inside.map((w) => w.rule), ["s"]);
  const joined = moveWarnings(warnings, text, "Hello pr!cks there"); // a letter against the word changes it
  assert.deepEqual(joined.map((w) => w.rule), ["s"]);
  const spaced = moveWarnings(warnings, "Hello pr!ck", "Hello pr!ck "); // a space after it does not
  assert.deepEqual(spaced.map((w) => w.rule), ["r", "s"]);
  assert.deepEqual(editBetween("abcdef", "abXYef"), { start: 2, oldEnd: 4, newEnd: 4 });
});
