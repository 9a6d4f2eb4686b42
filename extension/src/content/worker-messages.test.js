"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { sendToWorker } = require("./worker-messages.js");

const NO_RECEIVER = "Could not establish connection. Receiving end does not exist.";
const CLOSED = "A listener indicated an asynchronous response by returning true, but the message channel closed before a response was received";

// A fake chrome.runtime: each call to sendMessage takes the next scripted outcome, as Chromium gives
// it: the callback runs with runtime.lastError set during the call, or with an answer.
function fakeRuntime(script) {
  const runtime = { lastError: undefined, sent: [] };
  runtime.sendMessage = (message, callback) => {
    runtime.sent.push(message);
    const step = script[Math.min(runtime.sent.length - 1, script.length - 1)];
    if (step.throws) throw new Error(step.throws);
    setTimeout(() => {
      runtime.lastError = step.error ? { message: step.error } : undefined;
      callback(step.answer);
      runtime.lastError = undefined;
    }, 1);
  };
  return runtime;
}

// A clock the test moves: each pause between tries adds its length, so budgets are spent without waiting.
function fakeClock() {
  const clock = { t: 0, pauses: [] };
  clock.now = () => clock.t;
  clock.wait = async (ms) => { clock.pauses.push(ms); clock.t += ms; };
  return clock;
}

test("a worker that fails twice while it starts is asked again and its answer comes back", async () => {
  const runtime = fakeRuntime([{ error: NO_RECEIVER }, { error: CLOSED }, { answer: { status: "ok", warnings: [] } }]);
  const clock = fakeClock();
  const answer = await sendToWorker({ type: "check", draft: { text: "hi" } }, { runtime, budgetMs: 1500, now: clock.now, wait: clock.wait });
  assert.deepEqual(answer, { status: "ok", warnings: [] });
  assert.equal(runtime.sent.length, 3, "sent three times: two failures, then the answer");
  assert.deepEqual(runtime.sent[2], { type: "check", draft: { text: "hi" } }, "the same message each time");
  assert.deepEqual(clock.pauses, [50, 100], "a short pause, growing, before each new try");
});

test("a worker that never comes up is unavailable once the budget is spent, and no later", async () => {
  const runtime = fakeRuntime([{ error: NO_RECEIVER }]);
  const clock = fakeClock();
  const answer = await sendToWorker({ type: "check" }, { runtime, budgetMs: 1500, now: clock.now, wait: clock.wait });
  assert.deepEqual(answer, { status: "unavailable", reason: "no-worker" });
  const waited = clock.pauses.reduce((a, b) => a + b, 0);
  assert.ok(waited < 1500, `the pauses (${waited} ms) stay inside the budget`);
  assert.ok(waited >= 1500 - 300, `and use most of it (${waited} ms)`);
  assert.equal(runtime.sent.length, clock.pauses.length + 1);
});

test("an extension reloaded under the page is not asked again", async () => {
  const invalidated = fakeRuntime([{ throws: "Extension context invalidated." }]);
  const clock = fakeClock();
  assert.deepEqual(await sendToWorker({ type: "check" }, { runtime: invalidated, now: clock.now, wait: clock.wait }),
    { status: "unavailable", reason: "no-worker" });
  assert.equal(invalidated.sent.length, 1);
  assert.deepEqual(clock.pauses, []);
});

test("an answer the worker gives as unavailable is passed on as it is, not retried", async () => {
  const runtime = fakeRuntime([{ answer: { status: "unavailable", reason: "http-500" } }]);
  const answer = await sendToWorker({ type: "check" }, { runtime, now: () => 0, wait: async () => {} });
  assert.deepEqual(answer, { status: "unavailable", reason: "http-500" });
  assert.equal(runtime.sent.length, 1);
});

test("with real timers, a worker that answers on the third try is heard", async () => {
  const runtime = fakeRuntime([{ error: NO_RECEIVER }, { error: NO_RECEIVER }, { answer: { values: { rolloutMode: "warn" } } }]);
  const answer = await sendToWorker({ type: "settings" }, { runtime, budgetMs: 1000 });
  assert.deepEqual(answer, { values: { rolloutMode: "warn" } });
  assert.equal(runtime.sent.length, 3);
});
