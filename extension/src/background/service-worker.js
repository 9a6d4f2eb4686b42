// The service worker: the only part of the extension that talks HTTP. It may be stopped at any
// moment, so every message reads the settings afresh and nothing is kept in globals (the outcome counts
// kept for later are in chrome.storage.local; unsentOutcomes holds only the order of its own writes).
// Firefox runs MV3 backgrounds as event pages, where the manifest lists these files and there is no
// importScripts.
if (typeof importScripts === "function") {
  importScripts("/src/shared/settings.js", "/src/shared/feedback.js", "/src/background/api-client.js",
    "/src/background/unsent-outcomes.js");
}

const { readSettings, buildFeedback, checkDraft, sendFeedback, rolloutBehaviour, createUnsentOutcomes, shouldKeep,
  waitAfter } = globalThis.postcheck;
// Outcome reports the server could not take, kept as counts in chrome.storage.local (never text).
const unsentOutcomes = createUnsentOutcomes(chrome.storage.local);

// Firefox asks the person's consent for outcome reports: Mozilla counts them as technical and interaction
// data, which may only be optional there (the Firefox manifest declares it; tools/package_extension.py).
// Chromium has no such consent, and its permissions.getAll() answer has no data_collection list.
async function outcomeReportsConsented() {
  if (!chrome.permissions || typeof chrome.permissions.getAll !== "function") return true;
  const granted = await chrome.permissions.getAll();
  return !Array.isArray(granted.data_collection) || granted.data_collection.includes("technicalAndInteraction");
}

async function reportsAllowed(values) {
  return Boolean(values.reportOutcomes) && rolloutBehaviour(values.rolloutMode).check && (await outcomeReportsConsented());
}

// Sends the kept counts, if any and if the server's Retry-After has passed. Reports turned off by IT, or
// the person's consent withdrawn: the kept counts are dropped, not sent later.
async function sendUnsentOutcomes(values) {
  if (!values.reportOutcomes || !(await outcomeReportsConsented())) return unsentOutcomes.clear();
  if (!rolloutBehaviour(values.rolloutMode).check) return null;
  return unsentOutcomes.flush(values.serverUrl, (report) => sendFeedback(report, values));
}

async function sendReports(reports, values) {
  const results = await Promise.all(reports.map((report) => sendFeedback(report, values)));
  const failed = results.filter(shouldKeep);
  if (failed.length) {
    const wait = Math.max(...failed.map((result) => waitAfter(result, Date.now())));
    await unsentOutcomes.keep(reports.filter((_, i) => shouldKeep(results[i])), values.serverUrl, wait);
  }
  // The server took a report: it may take the kept ones too.
  if (results.some((result) => result.sent)) sendUnsentOutcomes(values).catch(() => {});
  return results.filter((result) => result.sent).length;
}

async function handle(message, sender) {
  const settings = await readSettings(chrome.storage);
  const { values } = settings;
  switch (message && message.type) {
    case "check": {
      // Also enforced here, so a content script from before a policy change cannot send a draft.
      if (!rolloutBehaviour(values.rolloutMode).check) return { status: "unavailable", reason: "off" };
      const verdict = await checkDraft(message.draft, values);
      // The server answers again: a chance to send the outcomes it could not take before (not awaited:
      // the check's answer must not wait for them).
      if (verdict.status === "ok") sendUnsentOutcomes(values).catch(() => {});
      return verdict;
    }
    case "settings":
      return settings;
    case "feedback": {
      if (!(await reportsAllowed(values))) return { sent: 0 };
      const version = chrome.runtime.getManifest().version;
      const reports = (message.reports || []).map((r) => buildFeedback({ ...r, version }));
      return { sent: await sendReports(reports, values) };
    }
    case "open-options":
      await chrome.runtime.openOptionsPage();
      return { opened: true };
    default:
      return { error: "unknown message" };
  }
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return false;
  handle(message, sender).then(sendResponse, () => sendResponse({ status: "unavailable", reason: "internal" }));
  return true; // the answer is sent asynchronously
});

// Started with the browser, so the first page need not wait for the worker to start, and the
// settings read begun (Chromium takes seconds over the first read of IT's policy after it starts).
chrome.runtime.onStartup.addListener(() => readSettings(chrome.storage));

// The worker starts (with the browser, or for a message after Chromium stopped it when idle): outcomes
// kept from before go out if the server takes them.
readSettings(chrome.storage).then(({ values }) => sendUnsentOutcomes(values)).catch(() => {});

chrome.runtime.onInstalled.addListener((details) => {
  if (details.reason === "install") chrome.tabs.create({ url: chrome.runtime.getURL("src/welcome/welcome.html") });
});
