// The service worker: the only part of the extension that talks HTTP. It may be stopped at any
// moment, so every message reads the settings afresh and nothing is kept in globals.
// Firefox runs MV3 backgrounds as event pages, where the manifest lists these files and there is no
// importScripts.
if (typeof importScripts === "function") {
  importScripts("/src/shared/settings.js", "/src/shared/feedback.js", "/src/background/api-client.js");
}

const { readSettings, buildFeedback, checkDraft, sendFeedback, rolloutBehaviour } = globalThis.postcheck;

// Firefox asks the person's consent for outcome reports: Mozilla counts them as technical and interaction
// data, which may only be optional there (the Firefox manifest declares it; tools/package_extension.py).
// Chromium has no such consent, and its permissions.getAll() answer has no data_collection list.
async function outcomeReportsConsented() {
  if (!chrome.permissions || typeof chrome.permissions.getAll !== "function") return true;
  const granted = await chrome.permissions.getAll();
  return !Array.isArray(granted.data_collection) || granted.data_collection.includes("technicalAndInteraction");
}

async function handle(message, sender) {
  const settings = await readSettings(chrome.storage);
  const { values } = settings;
  switch (message && message.type) {
    case "check":
      // Also enforced here, so a content script from before a policy change cannot send a draft.
      if (!rolloutBehaviour(values.rolloutMode).check) return { status: "unavailable", reason: "off" };
      return checkDraft(message.draft, values);
    case "settings":
      return settings;
    case "feedback": {
      if (!values.reportOutcomes || !rolloutBehaviour(values.rolloutMode).check) return { sent: 0 };
      if (!(await outcomeReportsConsented())) return { sent: 0 };
      const version = chrome.runtime.getManifest().version;
      const reports = (message.reports || []).map((r) => buildFeedback({ ...r, version }));
      const results = await Promise.all(reports.map((report) => sendFeedback(report, values)));
      return { sent: results.filter(Boolean).length };
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

chrome.runtime.onInstalled.addListener((details) => {
  if (details.reason === "install") chrome.tabs.create({ url: chrome.runtime.getURL("src/welcome/welcome.html") });
});
