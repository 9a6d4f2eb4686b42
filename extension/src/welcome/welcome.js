// The first-run page: what postcheck does and the employee checklist of the policy. The
// organisation's name comes from settings (IT's managed config) so no council is hard-coded.
(function () {
  "use strict";

  const { readSettings, localise } = globalThis.postcheck;
  const msg = (key, subs) => chrome.i18n.getMessage(key, subs);
  const CHECKLIST_ITEMS = 12;

  async function show() {
    localise();
    const { values } = await readSettings(chrome.storage);
    const organisation = values.organisationName || msg("welcomeYourOrganisation");
    document.getElementById("intro").textContent = msg("welcomeIntro", [organisation]);
    const list = document.getElementById("checklist");
    for (let i = 1; i <= CHECKLIST_ITEMS; i += 1) {
      const item = document.createElement("li");
      item.textContent = msg(`checklist${i}`);
      list.append(item);
    }
  }

  show();
})();
