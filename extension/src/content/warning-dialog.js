// The warning before posting: a modal alertdialog (focus trapped, Esc = Edit post). It opens at the
// top with its title focused and a one-line summary ("3 problems, 1 serious"), then lists the warnings
// worst first, each kept short (title, the words at fault, one line of advice); why it matters and the
// policy's own words wait behind "Why?". Edit post / Post anyway live in a footer that never scrolls
// away. Post anyway may need a tick, or be withheld, by IT's setting.
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

  const { typographic } = globalThis.postcheck;

  // "3 problems, 1 serious" (serious = high): the badge's words, from badge.js, so both count alike.
  const summarise = (warnings) => globalThis.postcheck.summariseWarnings(warnings);

  /** The distinct words a warning underlines in `text`, in order (spans are UTF-16 offsets, as JS strings). */
  function flaggedWords(warning, text) {
    if (typeof text !== "string" || !Array.isArray(warning.spans)) return [];
    const words = [];
    for (const span of warning.spans) {
      let word = text.slice(span.start, span.end).replace(/\s+/g, " ").trim();
      if ([...word].length > 40) word = `${[...word].slice(0, 39).join("")}…`; // never split an emoji
      if (word && !words.includes(word)) words.push(word);
    }
    return words.slice(0, 4);
  }

  // The policy illustrates one rule with a real post that cost someone their job (the napalm post):
  // that quote is the bad example, not the policy's wording, and must not read as policy text. The rule
  // pack names such clauses "… example"; the API has no other marker for it.
  function isPolicyExample(policy) {
    return /\bexample\b/i.test(policy.clause || "");
  }

  let open = null; // one dialog at a time per page

  /**
   * @param options.warnings      the verdict's warnings
   * @param options.text          the draft the warnings' spans point into (only shown here, never sent)
   * @param options.organisation  the organisation's name from settings, or "" (names who to check with)
   * @param options.mode          "plain" | "tick" | "off" for Post anyway; "review" shows no Post anyway
   * @param options.onClose       (outcome: "edit" | "post" | "fix", fix?) called once
   * @param options.restoreFocus  optional (outcome) => false | anything: gives focus back itself (the
   *                              composer's caret); false leaves it to the default, where focus came from
   * @param options.onWrong       (warning, comment) for "This warning is wrong"
   */
  function showWarningDialog({ warnings, text, organisation, mode, theme, onClose, onWrong, restoreFocus }) {
    if (open) open.close("edit");
    const { host, root } = createShadowHost("dialog", STYLES.DIALOG);
    // Where focus came from, through shadow roots: the badge's own button, not its host (a host
    // cannot take focus, so focusing it used to drop focus to the page body).
    let returnFocus = document.activeElement;
    while (returnFocus && returnFocus.shadowRoot && returnFocus.shadowRoot.activeElement) returnFocus = returnFocus.shadowRoot.activeElement;
    let closed = false;

    const close = (outcome, fix) => {
      if (closed) return;
      closed = true;
      host.remove();
      open = null;
      document.removeEventListener("focusin", keepFocus, true);
      const handled = restoreFocus ? restoreFocus(outcome) !== false : false;
      if (!handled && returnFocus && returnFocus.isConnected && typeof returnFocus.focus === "function") returnFocus.focus();
      onClose(outcome, fix);
    };

    const sorted = sortBySeverity(warnings);
    const list = el("ul", {}, ...sorted.map((w, i) => warningItem(w, i, text, close, onWrong)));
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
        // Says with whom it was checked: ticking "this is allowed" alone asks nobody anything.
        const label = organisation ? t("tickLabelOrganisation", [organisation]) : t("tickLabel");
        tickRow = el("div", { class: "tick" }, box, el("label", { for: "tick", text: label }));
      }
      actions.append(anyway, edit);
    } else {
      if (mode === "off") note = el("p", { class: "note", text: t("postAnywayNotOffered") });
      actions.append(edit);
    }

    const title = el("h2", { id: "pc-title", tabindex: "-1", text: mode === "review" ? t("reviewTitle") : t("dialogTitle") });
    const body = el("div", { class: "body", "data-part": "body" }, list);
    const dialog = el("div", { class: "dialog", role: "alertdialog", "aria-modal": "true", "aria-labelledby": "pc-title", "aria-describedby": "pc-summary" },
      el("div", { class: "head", "data-part": "header" }, title,
        el("p", { id: "pc-summary", class: "summary", "data-part": "summary", text: summarise(sorted) })),
      body,
      // The decision stays on screen however long the list: only the body between scrolls.
      el("div", { class: "foot", "data-part": "footer" }, tickRow, note, actions));
    const frame = el("div", { class: `backdrop ${theme === "dark" ? "dark" : "light"}` }, dialog);
    root.append(frame);

    // Focus stays inside: Tab wraps, and focus that escapes to the page is pulled back.
    const focusables = () => [...root.querySelectorAll("button:not([disabled]), input, textarea")].filter((n) => n.offsetParent !== null);
    function keepFocus(event) {
      if (!host.contains(event.target) && event.target !== host) title.focus({ preventScroll: true });
    }
    document.addEventListener("focusin", keepFocus, true);
    frame.addEventListener("keydown", (event) => {
      event.stopPropagation(); // the page's shortcuts must not act while the dialog is open
      if (event.key === "Escape") {
        event.preventDefault();
        close("edit");
      } else if (event.key === "Tab") {
        const items = focusables();
        if (!items.length) return;
        const index = items.indexOf(root.activeElement);
        const next = event.shiftKey ? (index <= 0 ? items.length - 1 : index - 1) : (index + 1) % items.length;
        event.preventDefault();
        items[next].focus();
      }
    });
    // The title takes focus, not a button at the bottom: focusing the last button is what used to
    // scroll the list to its end and hide the title and the worst warning. A screen reader hears the
    // title and the summary first; Esc still means Edit post.
    title.focus({ preventScroll: true });
    body.scrollTop = 0;
    open = { close, host };
    return open;
  }

  function warningItem(warning, index, text, close, onWrong) {
    const id = `pc-w${index}`;
    const policy = warning.policy || {};
    const where = [policy.section, policy.clause].filter(Boolean).map(typographic).join(", ");

    const words = flaggedWords(warning, text);
    const wordsLine = words.length
      ? el("p", { class: "words", "data-part": "words", text: t("dialogWords", [words.map((w) => `\u201c${w}\u201d`).join(", ")]) })
      : null;

    // "Why?": what the warning protects against, and the policy's own words, only when asked for.
    const whyId = `${id}-why`;
    const whyArea = el("div", { id: whyId, class: "why", hidden: "" });
    whyArea.append(el("p", { text: typographic(warning.message) }));
    if (policy.quote) {
      const quote = el("blockquote", { text: `\u201c${typographic(policy.quote).replace(/^[\u201c\u201d]|[\u201c\u201d]$/g, "")}\u201d` });
      const cite = where ? el("cite", { text: where }) : null;
      whyArea.append(isPolicyExample(policy)
        ? el("figure", { class: "example", "data-part": "example" }, el("figcaption", { text: t("whyPolicyExample") }), quote, cite)
        : el("figure", { class: "policy", "data-part": "policy-text" }, el("figcaption", { text: t("whyPolicySays") }), quote, cite));
    }
    const why = el("button", { type: "button", class: "link", "data-action": "why", "aria-expanded": "false", "aria-controls": whyId, text: t("why") });
    why.addEventListener("click", () => {
      const opening = whyArea.hidden;
      whyArea.hidden = !opening;
      why.setAttribute("aria-expanded", String(opening));
    });

    const row = el("div", { class: "row" });
    if (warning.fix && typeof warning.fix.append === "string") {
      row.append(el("button", { type: "button", class: "fix", "data-action": "fix", "aria-describedby": `${id}-t`, text: t("fixAppend"), onclick: () => close("fix", warning.fix) }));
    }
    const wrongArea = el("div", { class: "wrong", hidden: "" });
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
      // The focused button has just gone: focus stays in the dialog, on this warning's next control,
      // rather than fall to the page body (issue 20, item 7).
      why.focus();
    });
    wrongArea.append(el("label", { for: `${id}-c`, text: t("wrongCommentLabel") }), comment, send);
    row.append(why, wrong);

    const severity = ["low", "medium", "high"].includes(warning.severity) ? warning.severity : "high";
    return el("li", { "data-rule": warning.rule, "data-severity": severity },
      el("h3", { id: `${id}-t` },
        el("span", { class: "sev", "data-severity": severity, text: t(`dialogSeverity_${severity}`) }), " ",
        typographic(warning.title)),
      wordsLine,
      el("p", { class: "advice", text: typographic(warning.advice) }),
      row, whyArea, wrongArea);
  }

  globalThis.postcheck.showWarningDialog = showWarningDialog;
})();
