// The warning before posting: a real modal dialog (focus trapped, Esc = Edit post) listing each
// warning with its policy clause, a one-click fix where the API offers one, and "This warning is
// wrong". Edit post is the default; Post anyway may need a tick, or be withheld, by IT's setting.
(function () {
  "use strict";

  const { STYLES, createShadowHost, t, sortBySeverity } = globalThis.postcheck;

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    node.append(...children.filter(Boolean));
    return node;
  }

  let open = null; // one dialog at a time per page

  /**
   * @param options.warnings  the verdict's warnings
   * @param options.mode      "plain" | "tick" | "off" for Post anyway; "review" shows no Post anyway
   * @param options.onClose   (outcome: "edit" | "post" | "fix", fix?) called once
   * @param options.onWrong   (warning, comment) for "This warning is wrong"
   */
  function showWarningDialog({ warnings, mode, theme, onClose, onWrong }) {
    if (open) open.close("edit");
    const { host, root } = createShadowHost("dialog", STYLES.DIALOG);
    const returnFocus = document.activeElement;
    let closed = false;

    const close = (outcome, fix) => {
      if (closed) return;
      closed = true;
      host.remove();
      open = null;
      document.removeEventListener("focusin", keepFocus, true);
      if (returnFocus && returnFocus.isConnected && typeof returnFocus.focus === "function") returnFocus.focus();
      onClose(outcome, fix);
    };

    const list = el("ul", {}, ...sortBySeverity(warnings).map((w, i) => warningItem(w, i, close, onWrong)));
    const edit = el("button", { type: "button", class: "primary", "data-action": "edit", text: t(mode === "review" ? "close" : "editPost"), onclick: () => close("edit") });
    const actions = el("div", { class: "actions" });
    let tickRow = null;
    let note = null;
    if (mode === "plain" || mode === "tick") {
      const anyway = el("button", { type: "button", class: "secondary", "data-action": "post-anyway", text: t("postAnyway") });
      anyway.addEventListener("click", () => {
        if (!anyway.disabled) close("post");
      });
      if (mode === "tick") {
        anyway.disabled = true;
        const box = el("input", { type: "checkbox", id: "tick", "data-action": "tick" });
        box.addEventListener("change", () => { anyway.disabled = !box.checked; });
        tickRow = el("div", { class: "tick" }, box, el("label", { for: "tick", text: t("tickLabel") }));
      }
      actions.append(anyway, edit);
    } else {
      if (mode === "off") note = el("p", { class: "note", text: t("postAnywayNotOffered") });
      actions.append(edit);
    }

    const titleText = mode === "review" ? t("reviewTitle") : t("dialogTitle");
    const dialog = el("div", { class: "dialog", role: "dialog", "aria-modal": "true", "aria-labelledby": "pc-title", "aria-describedby": "pc-intro" },
      el("h2", { id: "pc-title", text: titleText }),
      el("p", { id: "pc-intro", class: "intro", text: t("dialogIntro") }),
      list, tickRow, note, actions);
    const frame = el("div", { class: `backdrop ${theme === "dark" ? "dark" : "light"}` }, dialog);
    root.append(frame);

    // Focus stays inside: Tab wraps, and focus that escapes to the page is pulled back.
    const focusables = () => [...root.querySelectorAll("button:not([disabled]), input, textarea")].filter((n) => n.offsetParent !== null);
    function keepFocus(event) {
      if (!host.contains(event.target) && event.target !== host) edit.focus();
    }
    document.addEventListener("focusin", keepFocus, true);
    frame.addEventListener("keydown", (event) => {
      event.stopPropagation(); // the page's shortcuts must not act while the dialog is open
      if (event.key === "Escape") {
        event.preventDefault();
        close("edit");
      } else if (event.key === "Tab") {
        const items = focusables();
        const index = items.indexOf(root.activeElement);
        const next = event.shiftKey ? (index <= 0 ? items.length - 1 : index - 1) : (index + 1) % items.length;
        event.preventDefault();
        items[next].focus();
      }
    });
    edit.focus();
    open = { close, host };
    return open;
  }

  function warningItem(warning, index, close, onWrong) {
    const id = `pc-w${index}`;
    const policy = warning.policy || {};
    const where = [policy.section, policy.clause].filter(Boolean).join(", ");
    const row = el("div", { class: "row" });
    if (warning.fix && typeof warning.fix.append === "string") {
      row.append(el("button", { type: "button", class: "fix", "data-action": "fix", "aria-describedby": `${id}-t`, text: t("fixAppend"), onclick: () => close("fix", warning.fix) }));
    }
    const wrongArea = el("div", { hidden: "" });
    const wrong = el("button", { type: "button", class: "link", "data-action": "wrong", "aria-expanded": "false", text: t("warningIsWrong") });
    wrong.addEventListener("click", () => {
      wrongArea.hidden = false;
      wrong.setAttribute("aria-expanded", "true");
      comment.focus();
    });
    const comment = el("textarea", { id: `${id}-c`, maxlength: "280", "data-action": "wrong-comment" });
    const send = el("button", { type: "button", class: "fix", "data-action": "wrong-send", text: t("sendReport") });
    send.addEventListener("click", () => {
      onWrong(warning, comment.value);
      wrongArea.replaceChildren(el("p", { role: "status", text: t("thanksReported") }));
      wrong.remove();
    });
    wrongArea.append(el("label", { for: `${id}-c`, text: t("wrongCommentLabel") }), comment, send);
    row.append(wrong);
    return el("li", { "data-rule": warning.rule },
      el("h3", { id: `${id}-t` }, el("span", { class: "sev", "data-severity": warning.severity, text: t(`severity_${warning.severity}`) }), warning.title),
      el("p", { text: warning.message }),
      el("p", {}, el("strong", { text: `${t("whatToDo")} ` }), warning.advice),
      policy.quote ? el("blockquote", {}, el("span", { text: policy.quote }), where ? el("cite", { text: where }) : null) : null,
      row, wrongArea);
  }

  globalThis.postcheck.showWarningDialog = showWarningDialog;
})();
