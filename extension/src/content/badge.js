// The small badge at the composer's corner: checking, clean, N warnings (worst severity), or
// checks unavailable. A button: it opens the list of warnings.
(function () {
  "use strict";

  const { STYLES, createShadowHost, t, worstSeverity } = globalThis.postcheck;

  class Badge {
    constructor(onOpen) {
      const { host, root } = createShadowHost("badge", STYLES.BADGE);
      this.host = host;
      this.button = document.createElement("button");
      this.button.type = "button";
      this.button.className = "badge light";
      this.button.setAttribute("aria-live", "polite");
      this.dot = document.createElement("span");
      this.dot.className = "dot";
      this.dot.setAttribute("aria-hidden", "true");
      this.label = document.createElement("span");
      this.button.append(this.dot, this.label);
      this.button.addEventListener("click", () => onOpen());
      root.append(this.button);
      this.set({ state: "checking" });
    }

    set({ state, warnings = [], incomplete = false }) {
      const severity = state === "warnings" ? worstSeverity(warnings) : "";
      this.button.dataset.state = state;
      this.button.dataset.severity = severity || "";
      // The server ran out of time before every check read the draft: never say "No issues" then.
      this.button.dataset.incomplete = incomplete ? "true" : "false";
      this.button.disabled = state !== "warnings";
      let text;
      if (state === "warnings") {
        text = t(warnings.length === 1 ? "badgeOneWarning" : "badgeWarnings", [String(warnings.length), t(`severity_${severity}`)]);
        if (incomplete) text = t("badgeWarningsPartly", [text]);
      } else {
        text = t(state === "clean" && incomplete ? "badge_partly" : `badge_${state}`);
      }
      this.button.title = incomplete ? t("badgePartlyWhy") : "";
      this.label.textContent = text;
      this.button.setAttribute("aria-label", `${t("extensionName")}: ${text}`);
    }

    setTheme(theme) {
      this.button.classList.toggle("dark", theme === "dark");
      this.button.classList.toggle("light", theme !== "dark");
    }

    /** Sits just inside the composer's bottom-right corner; hidden when the composer is off screen. */
    place(rect) {
      const visible = rect.width > 0 && rect.bottom > 0 && rect.top < innerHeight;
      this.button.style.display = visible ? "" : "none";
      if (!visible) return;
      const width = this.button.offsetWidth || 80;
      this.button.style.left = `${Math.max(0, rect.right - width - 4)}px`;
      this.button.style.top = `${Math.max(0, rect.bottom - 22)}px`;
    }

    remove() {
      this.host.remove();
    }
  }

  globalThis.postcheck.Badge = Badge;
})();
