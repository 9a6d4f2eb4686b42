"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const {
  UNSENT_STORAGE_KEY, UNSENT_MAX_ENTRIES, UNSENT_MAX_COUNT, DEFAULT_WAIT_MS, MAX_WAIT_MS, shouldKeep, waitAfter,
  createUnsentOutcomes,
} = require("./unsent-outcomes.js");
const { sendFeedback } = require("./api-client.js");

const SERVER = "http://127.0.0.1:1";
const SHOWN = { rule: "offensive.strong-language", category: "offensive", outcome: "shown", platform: "twitter", account_type: "personal", extension_version: "0.1.0", source: "rules" };

/** chrome.storage.local as far as the queue uses it, keeping every value written as JSON (as Chromium does). */
function fakeArea() {
  const data = {};
  const writes = [];
  return {
    data, writes,
    async get(key) { return key in data ? { [key]: JSON.parse(data[key]) } : {}; },
    async set(values) {
      for (const [key, value] of Object.entries(values)) {
        data[key] = JSON.stringify(value);
        writes.push(data[key]);
      }
    },
    async remove(key) { delete data[key]; },
  };
}

// The queue's clock, moved by the tests.
let at = 0;
function clock(start = 1_000_000) {
  at = start;
  return () => at;
}

/** A server stand-in: answers each report with `answer(report)` and records what it was sent. */
function fakeServer(answer = () => ({ sent: true, status: 202, retryAfter: null, reason: null })) {
  const sent = [];
  const send = async (report) => {
    sent.push(report);
    return answer(report);
  };
  return { sent, send };
}

const busy = (retryAfter = null) => ({ sent: false, status: 503, retryAfter, reason: null });

test("reports that could not be sent are kept as one count per distinct report", async () => {
  const area = fakeArea();
  const queue = createUnsentOutcomes(area, clock());
  await queue.keep([SHOWN, SHOWN, { ...SHOWN, outcome: "edited" }], SERVER);
  await queue.keep([SHOWN, { ...SHOWN, platform: "facebook" }, { outcome: "unchecked", platform: "twitter", extension_version: "0.1.0" }], SERVER);
  await queue.keep([{ outcome: "unchecked", platform: "twitter", extension_version: "0.1.0" }], SERVER);
  const counts = (await queue.entries()).map((e) => [e.report.outcome, e.report.platform, e.count]);
  assert.deepEqual(counts, [["shown", "twitter", 3], ["edited", "twitter", 1], ["shown", "facebook", 1], ["unchecked", "twitter", 2]]);
  const [unchecked] = (await queue.entries()).filter((e) => e.report.outcome === "unchecked");
  assert.deepEqual(unchecked.report, { outcome: "unchecked", platform: "twitter", extension_version: "0.1.0" });
});

test("reports kept at the same moment all count (the writes are made one at a time)", async () => {
  const queue = createUnsentOutcomes(fakeArea(), clock());
  await Promise.all(Array.from({ length: 25 }, () => queue.keep([SHOWN], SERVER)));
  assert.deepEqual((await queue.entries()).map((e) => e.count), [25]);
});

test("no text is kept: a 'wrong' report's comment is dropped, and so is any field that is not a count's key", async () => {
  const area = fakeArea();
  const queue = createUnsentOutcomes(area, clock());
  const marker = "DRAFT-MARKER-0420";
  await queue.keep([{ ...SHOWN, outcome: "reported_wrong", comment: `it is a band ${marker}`, text: marker, handle: `@${marker}` }], SERVER);
  const [entry] = await queue.entries();
  assert.deepEqual(entry.report, { ...SHOWN, outcome: "reported_wrong" });
  assert.ok(area.writes.length > 0);
  for (const written of area.writes) assert.ok(!written.includes(marker), written);

  // Sent later, it goes without the comment too: the server counts it as reported wrong, with no words.
  const server = fakeServer();
  await queue.flush(SERVER, server.send);
  assert.deepEqual(server.sent, [{ ...SHOWN, outcome: "reported_wrong" }]);
});

test("the kept counts are bounded: past the cap a new kind is not kept, the kept kinds still add up to the server's maximum", async () => {
  const queue = createUnsentOutcomes(fakeArea(), clock());
  const kinds = Array.from({ length: UNSENT_MAX_ENTRIES }, (_, i) => ({ ...SHOWN, extension_version: `0.${i}.0` }));
  await queue.keep(kinds, SERVER);
  await queue.keep([{ ...SHOWN, outcome: "edited" }, kinds[0]], SERVER);
  const entries = await queue.entries();
  assert.equal(entries.length, UNSENT_MAX_ENTRIES);
  assert.ok(!entries.some((e) => e.report.outcome === "edited"), "a new kind past the cap is not kept");
  assert.equal(entries[0].count, 2, "a kind already kept still counts");

  await queue.keep(Array.from({ length: UNSENT_MAX_COUNT + 50 }, () => kinds[1]), SERVER);
  assert.equal((await queue.entries())[1].count, UNSENT_MAX_COUNT, "one request per entry: never more than the server takes");
});

test("what is kept: 503, 429, 502, 504 and 408 answers, network errors and timeouts; not a report the server refuses", async () => {
  for (const status of [408, 429, 502, 503, 504]) assert.equal(shouldKeep({ sent: false, status }), true, status);
  for (const status of [400, 401, 403, 404, 413, 415, 422, 500]) assert.equal(shouldKeep({ sent: false, status }), false, status);
  assert.equal(shouldKeep({ sent: false, status: null, reason: "network" }), true);
  assert.equal(shouldKeep({ sent: false, status: null, reason: "timeout" }), true);
  assert.equal(shouldKeep({ sent: true, status: 202 }), false);

  // Through the real client, as the service worker calls it.
  const answer = (status, headers = {}) => async () => ({ ok: status < 300, status, headers: new Map(Object.entries(headers)) });
  assert.equal(shouldKeep(await sendFeedback(SHOWN, { serverUrl: SERVER }, answer(503, { "Retry-After": "30" }))), true);
  assert.equal(shouldKeep(await sendFeedback(SHOWN, { serverUrl: SERVER }, answer(422))), false);
  assert.equal(shouldKeep(await sendFeedback(SHOWN, { serverUrl: SERVER }, async () => { throw new TypeError("Failed to fetch"); })), true);
});

test("the wait before the next try follows Retry-After, in seconds or as a date, within bounds", () => {
  const now = Date.parse("2026-12-06T20:00:00Z");
  assert.equal(waitAfter(busy("30"), now), 30_000);
  assert.equal(waitAfter(busy("0"), now), 0);
  assert.equal(waitAfter(busy("Sun, 06 Dec 2026 20:02:00 GMT"), now), 120_000);
  assert.equal(waitAfter(busy("Sun, 06 Dec 2026 19:00:00 GMT"), now), 0, "a date gone by: no wait");
  assert.equal(waitAfter(busy(), now), DEFAULT_WAIT_MS, "a 503 without Retry-After waits the default");
  assert.equal(waitAfter(busy("soon"), now), DEFAULT_WAIT_MS);
  assert.equal(waitAfter(busy("864000"), now), MAX_WAIT_MS, "ten days is read as the most");
  assert.equal(waitAfter({ sent: false, status: null, reason: "network" }, now), 0, "no answer, no Retry-After to honour");
});

test("kept counts are sent one request per entry with their count, and each entry leaves only after its 2xx", async () => {
  const area = fakeArea();
  const queue = createUnsentOutcomes(area, clock());
  await queue.keep([SHOWN, SHOWN, SHOWN, { ...SHOWN, outcome: "edited" }], SERVER);
  const server = fakeServer();
  assert.equal(await queue.flush(SERVER, server.send), 4);
  assert.deepEqual(server.sent, [{ ...SHOWN, count: 3 }, { ...SHOWN, outcome: "edited" }], "a count of 1 is sent as a plain report");
  assert.deepEqual(await queue.entries(), []);
  assert.equal(UNSENT_STORAGE_KEY in area.data, false, "nothing is left in storage");

  await queue.flush(SERVER, server.send);
  assert.equal(server.sent.length, 2, "not sent twice");
});

test("a flush asked for while one is running does not send the same entry again", async () => {
  const queue = createUnsentOutcomes(fakeArea(), clock());
  await queue.keep([SHOWN, SHOWN], SERVER);
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  const server = fakeServer();
  const slow = async (report) => { await gate; return server.send(report); };
  const first = queue.flush(SERVER, slow);
  const second = queue.flush(SERVER, slow);
  release();
  await Promise.all([first, second]);
  assert.deepEqual(server.sent, [{ ...SHOWN, count: 2 }]);
});

test("outcomes kept while an entry's request is out stay to be sent: only what was sent is taken off", async () => {
  const queue = createUnsentOutcomes(fakeArea(), clock());
  await queue.keep([SHOWN, SHOWN], SERVER);
  const server = fakeServer();
  await queue.flush(SERVER, async (report) => {
    await queue.keep([SHOWN], SERVER); // another report of the same kind failed meanwhile
    return server.send(report);
  });
  assert.deepEqual((await queue.entries()).map((e) => e.count), [1]);
});

test("a 503 stops the flush: nothing is removed, and nothing is tried again before its Retry-After", async () => {
  const now = clock();
  const queue = createUnsentOutcomes(fakeArea(), now);
  await queue.keep([SHOWN, { ...SHOWN, outcome: "edited" }], SERVER);
  const down = fakeServer(() => busy("20"));
  assert.equal(await queue.flush(SERVER, down.send), 0);
  assert.equal(down.sent.length, 1, "one request tells the server is still down; the rest wait");
  assert.equal((await queue.entries()).length, 2);

  const up = fakeServer();
  at += 19_000;
  await queue.flush(SERVER, up.send);
  assert.equal(up.sent.length, 0, "not before Retry-After");
  at += 1_000;
  await queue.flush(SERVER, up.send);
  assert.equal(up.sent.length, 2);
  assert.deepEqual(await queue.entries(), []);
});

test("reports kept after a 429 wait for its Retry-After before they are sent", async () => {
  const queue = createUnsentOutcomes(fakeArea(), clock());
  await queue.keep([SHOWN], SERVER, waitAfter({ sent: false, status: 429, retryAfter: "60" }, at));
  const server = fakeServer();
  await queue.flush(SERVER, server.send);
  assert.equal(server.sent.length, 0);
  at += 60_000;
  await queue.flush(SERVER, server.send);
  assert.equal(server.sent.length, 1);
});

test("a timeout or network error keeps the entry; a report the server refuses as wrong is dropped", async () => {
  const queue = createUnsentOutcomes(fakeArea(), clock());
  await queue.keep([SHOWN, { ...SHOWN, rule: "retired.rule" }], SERVER);
  await queue.flush(SERVER, async () => ({ sent: false, status: null, retryAfter: null, reason: "timeout" }));
  assert.equal((await queue.entries()).length, 2, "no 2xx, no removal");
  const server = fakeServer((report) => (report.rule === "retired.rule" ? { sent: false, status: 422 } : { sent: true, status: 202 }));
  await queue.flush(SERVER, server.send);
  assert.equal(server.sent.length, 2);
  assert.deepEqual(await queue.entries(), []);
});

test("counts kept for another server are dropped, not sent to the one configured now", async () => {
  const queue = createUnsentOutcomes(fakeArea(), clock());
  await queue.keep([SHOWN], "http://old.example");
  const server = fakeServer();
  await queue.flush(SERVER, server.send);
  assert.equal(server.sent.length, 0);
  assert.deepEqual(await queue.entries(), []);
  await queue.keep([SHOWN], "http://old.example");
  await queue.keep([{ ...SHOWN, outcome: "edited" }], SERVER);
  assert.deepEqual((await queue.entries()).map((e) => e.report.outcome), ["edited"]);
});

test("clear drops every kept count (reports turned off, or consent withdrawn)", async () => {
  const area = fakeArea();
  const queue = createUnsentOutcomes(area, clock());
  await queue.keep([SHOWN], SERVER);
  await queue.clear();
  assert.deepEqual(await queue.entries(), []);
  assert.equal(UNSENT_STORAGE_KEY in area.data, false);
});

test("nothing kept: a flush sends nothing and writes nothing", async () => {
  const area = fakeArea();
  const queue = createUnsentOutcomes(area, clock());
  const server = fakeServer();
  assert.equal(await queue.flush(SERVER, server.send), 0);
  assert.equal(server.sent.length, 0);
  assert.equal(area.writes.length, 0);
});
