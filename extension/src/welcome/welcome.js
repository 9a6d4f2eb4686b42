// The first-run page: what postcheck does, in pictures (the badge, an underline and its card, the
// dialog: real screenshots made by tools/welcome_pictures.py), what it sends and to whom, and the
// employee checklist of the policy. The organisation's name comes from settings (IT's managed
// organisationName) so no council is hard-coded.
(function () {
  "use strict";

  const { readSettings, localise } = globalThis.postcheck;
  const msg = (key, subs) => chrome.i18n.getMessage(key, subs);
  const CHECKLIST_ITEMS = 12;

  async function show() {
    localise();
    for (const img of document.querySelectorAll("img[data-i18n-alt]")) img.alt = msg(img.dataset.i18nAlt);
    const { values } = await readSettings(chrome.storage);
    const named = values.organisationName;
    const organisation = named || msg("welcomeYourOrganisation");
    // Whose tool this is, said first: staff should know their employer set it up, and for what.
    document.getElementById("organisation").textContent = named ? msg("welcomeFromOrganisation", [named]) : "";
    document.getElementById("intro").textContent = msg("welcomeIntro", [organisation]);
    document.getElementById("dialog-caption").textContent = msg("welcomeDialogCaption", [organisation]);
    document.getElementById("wrong-report").textContent = msg("welcomeWrongReport", [organisation]);
    const list = document.getElementById("checklist");
    for (let i = 1; i <= CHECKLIST_ITEMS; i += 1) {
      const item = document.createElement("li");
      item.textContent = msg(`checklist${i}`);
      list.append(item);
    }
  }

  show();
})();
