// The options page: the person's own settings, with any set by IT shown locked.
(function () {
  "use strict";

  const { readSettings, localChanges, POST_ANYWAY_MODES, localise } = globalThis.postcheck;
  const msg = (key, subs) => chrome.i18n.getMessage(key, subs) || key;
  const form = document.getElementById("settings");
  const status = document.getElementById("status");
  const MODE_LABEL = { plain: "modePlain", tick: "modeTick", off: "modeOff" };

  function buildPostAnywayFields() {
    const holder = document.getElementById("post-anyway");
    for (const severity of ["Low", "Medium", "High"]) {
      const key = `postAnyway${severity}`;
      const field = document.createElement("div");
      field.className = "field";
      const label = document.createElement("label");
      label.htmlFor = key;
      label.textContent = msg("optionPostAnyway", [msg(`severity_${severity.toLowerCase()}`)]);
      const select = document.createElement("select");
      select.id = key;
      select.name = key;
      for (const mode of POST_ANYWAY_MODES) select.append(new Option(msg(MODE_LABEL[mode]), mode));
      field.append(label, select);
      holder.append(field);
    }
  }

  function lock(input) {
    input.disabled = true;
    const note = document.createElement("span");
    note.className = "locked";
    note.textContent = ` ${msg("lockedByOrganisation")}`;
    input.closest(".field").append(note);
  }

  async function show() {
    const { values, locked } = await readSettings(chrome.storage);
    for (const [key, value] of Object.entries(values)) {
      const input = form.elements[key];
      if (!input) continue;
      if (input.type === "checkbox") input.checked = value;
      else input.value = value;
      if (locked.includes(key)) lock(input);
    }
    form.dataset.locked = locked.join(" ");
  }

  // Reaching a server other than this machine needs the person's permission for that origin;
  // without it the service worker's requests would depend on the server's CORS settings. The
  // request must be the first thing the Save click does: an await before it loses the user gesture.
  function requestPermission(serverUrl) {
    return chrome.permissions.request({ origins: [`${new URL(serverUrl).origin}/*`] }).catch(() => false);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const locked = (form.dataset.locked || "").split(" ").filter(Boolean);
    const changes = {};
    for (const input of form.elements) {
      if (!input.name || input.disabled) continue;
      changes[input.name] = input.type === "checkbox" ? input.checked : input.value;
    }
    const valid = localChanges(changes, locked);
    const error = document.getElementById("serverUrl-error");
    error.textContent = "";
    if (!locked.includes("serverUrl") && !("serverUrl" in valid)) {
      error.textContent = msg("invalidServerUrl");
      form.elements.serverUrl.focus();
      return;
    }
    const permission = valid.serverUrl ? requestPermission(valid.serverUrl) : Promise.resolve(true);
    await chrome.storage.local.set(valid);
    status.textContent = (await permission) ? msg("saved") : msg("permissionRefused");
  });

  localise();
  buildPostAnywayFields();
  show();
})();
