// The look of everything the extension draws, inside its own Shadow DOM so page CSS cannot reach it.
(function () {
  "use strict";

  const BASE = `
    :host { all: initial; }
    * { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    .light { --bg: #ffffff; --fg: #0f1419; --muted: #536471; --border: #cfd9de; --accent: #1d4ed8;
             --accent-fg: #ffffff; --low: #1d4ed8; --medium: #b45309; --high: #b91c1c; --quote: #f3f4f6; }
    .dark  { --bg: #15202b; --fg: #e7e9ea; --muted: #a3b1bd; --border: #38444d; --accent: #8ab4f8;
             --accent-fg: #0b1320; --low: #8ab4f8; --medium: #fbbf24; --high: #f87171; --quote: #22303c; }
    /* The filled button (Edit post): the accent unless the site's look has its own. */
    .light, .dark { --primary: var(--accent); --primary-fg: var(--accent-fg); --secondary-bg: transparent;
                    --secondary-border: var(--border); --radius: 999px; }
    /* Facebook's own look (page-theme.js platformLook): its blue buttons with square-ish corners and
       its greys, not X's pills and navy. Text colours keep 4.5:1 or more on their backgrounds. */
    :host([data-platform="facebook"]) * { font-family: "Segoe UI Historic", "Segoe UI", Helvetica, Arial, sans-serif; }
    :host([data-platform="facebook"]) .light { --bg: #ffffff; --fg: #050505; --muted: #65676b; --border: #ced0d4;
      --accent: #0064d1; --accent-fg: #ffffff; --quote: #f0f2f5; --primary: #0866ff; --primary-fg: #ffffff;
      --secondary-bg: #e4e6eb; --secondary-border: #e4e6eb; --radius: 6px; }
    :host([data-platform="facebook"]) .dark { --bg: #242526; --fg: #e4e6eb; --muted: #b0b3b8; --border: #3e4042;
      --accent: #4599ff; --accent-fg: #ffffff; --quote: #3a3b3c; --primary: #0866ff; --primary-fg: #ffffff;
      --secondary-bg: #3a3b3c; --secondary-border: #3a3b3c; --radius: 6px; }
    button { font: inherit; cursor: pointer; }
    button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  `;

  const BADGE = `${BASE}
    /* One line, never wider than the window: it sits beside Post, outside the draft (badge.js). */
    .badge { position: fixed; display: inline-flex; align-items: center; gap: 4px; padding: 2px 8px;
             border-radius: var(--radius); border: 1px solid var(--border); background: var(--bg); color: var(--fg);
             font-size: 12px; line-height: 18px; box-shadow: 0 1px 3px rgba(0,0,0,.2);
             white-space: nowrap; max-width: calc(100vw - 8px); }
    .badge .label { overflow: hidden; text-overflow: ellipsis; }
    .dot { flex: none; }
    /* The draft changed since this count: kept, a little faded, until the next answer. */
    .badge[data-pending="true"] { opacity: .75; }
    .badge:disabled { cursor: default; }
    /* The polite status that says the result once: heard, not seen. */
    .announce { position: fixed; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
    .badge[data-state="clean"] { color: var(--muted); }
    .badge[data-state="checking"] { color: var(--muted); }
    .badge[data-state="unavailable"] { color: var(--muted); border-style: dashed; }
    .badge[data-severity="low"] { border-color: var(--low); }
    .badge[data-severity="medium"] { border-color: var(--medium); }
    .badge[data-severity="high"] { border-color: var(--high); color: var(--high); font-weight: 600; }
    .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--muted); }
    .badge[data-severity="low"] .dot { background: var(--low); }
    .badge[data-severity="medium"] .dot { background: var(--medium); }
    .badge[data-severity="high"] .dot { background: var(--high); }
  `;

  const UNDERLINES = `${BASE}
    /* Nothing in this layer takes a click meant for the page: only the card's buttons do. */
    .frame, .mark, .tip { pointer-events: none; }
    .tip button { pointer-events: auto; }
    /* Underline colours per severity, told apart with each kind of colour blindness (after Okabe and
       Ito) and 3:1 or more on the page; the line's style differs too, so colour is never the only cue:
       high is wavy, medium solid, low dotted. */
    .light { --mark-high: #a50f4e; --mark-medium: #9a6700; --mark-low: #0072b2; }
    .dark  { --mark-high: #ff7f50; --mark-medium: #f0c419; --mark-low: #56b4e9; }
    .mark { position: fixed; }
    .mark::after { content: ""; position: absolute; left: 0; right: 0; bottom: 0; height: 2px;
                   background-color: var(--mark-medium); }
    .mark-high::after { height: 4px; background-color: var(--mark-high);
      -webkit-mask: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='6' height='4' viewBox='0 0 6 4'%3E%3Cpath d='M0 2 Q1.5 -0.5 3 2 T6 2' fill='none' stroke='%23000' stroke-width='1.6'/%3E%3C/svg%3E") 0 0 / 6px 4px repeat-x;
      mask: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='6' height='4' viewBox='0 0 6 4'%3E%3Cpath d='M0 2 Q1.5 -0.5 3 2 T6 2' fill='none' stroke='%23000' stroke-width='1.6'/%3E%3C/svg%3E") 0 0 / 6px 4px repeat-x; }
    .mark-low::after { background-color: var(--mark-low);
      -webkit-mask: radial-gradient(circle at 1px 1px, #000 1px, transparent 1.2px) 0 0 / 4px 2px repeat-x;
      mask: radial-gradient(circle at 1px 1px, #000 1px, transparent 1.2px) 0 0 / 4px 2px repeat-x; }
    /* Windows high contrast would paint the line in the page's own background: use a system colour. */
    @media (forced-colors: active) { .mark::after { forced-color-adjust: none; background-color: Highlight; } }
    .tip { position: fixed; max-width: 320px; padding: 10px 12px; border-radius: 8px; z-index: 1;
           background: var(--bg); color: var(--fg); border: 1px solid var(--border);
           box-shadow: 0 4px 16px rgba(0,0,0,.25); font-size: 13px; line-height: 1.4; }
    .tip[data-severity="high"] { border-left: 4px solid var(--mark-high); }
    .tip[data-severity="medium"] { border-left: 4px solid var(--mark-medium); }
    .tip[data-severity="low"] { border-left: 4px solid var(--mark-low); }
    .tip[hidden] { display: none; }
    .tip strong { display: block; margin-bottom: 4px; }
    .tip p { margin: 0 0 8px; }
    .tip .words { color: var(--muted); font-size: 12px; margin-bottom: 6px; }
    .tip .words[hidden] { display: none; }
    .link { background: none; border: none; padding: 0; color: var(--accent); text-decoration: underline; font-size: 12px; }
    /* The card's actions on one row: dismiss (a plain button) then the report link. */
    .tip .actions { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
    .tip .dismiss { background: none; border: 1px solid var(--border); border-radius: 999px; padding: 2px 10px;
                    color: var(--fg); font: inherit; font-size: 12px; cursor: pointer; }
    .tip:focus { outline: 2px solid var(--accent); outline-offset: 2px; }
    .tip button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
    .tip .hint { margin: 8px 0 0; color: var(--muted); font-size: 11px; }
  `;

  const DIALOG = `${BASE}
    .backdrop { position: fixed; inset: 0; background: rgba(0,0,0,.45); display: flex;
                align-items: center; justify-content: center; padding: 16px; }
    /* A column: header and footer keep their height, only the list between them scrolls, so the
       title and the buttons are on screen at any window size. */
    .dialog { width: min(560px, 100%); max-height: calc(100vh - 32px); display: flex; flex-direction: column;
              overflow: hidden; border-radius: 12px; background: var(--bg); color: var(--fg);
              border: 1px solid var(--border); font-size: 14px; line-height: 1.45; box-shadow: 0 8px 32px rgba(0,0,0,.35); }
    .head { flex: none; padding: 18px 20px 10px; border-bottom: 1px solid var(--border); }
    .body { flex: 1 1 auto; min-height: 0; overflow-y: auto; overscroll-behavior: contain; padding: 0 20px; }
    .foot { flex: none; padding: 10px 20px 14px; border-top: 1px solid var(--border); }
    h2 { font-size: 18px; margin: 0 0 2px; }
    h2:focus { outline: none; } /* focused only so it is read first; it is not a control */
    .summary { margin: 0; color: var(--muted); font-weight: 600; }
    ul { list-style: none; margin: 0; padding: 0; }
    li { padding: 12px 0; } li + li { border-top: 1px solid var(--border); }
    h3 { font-size: 15px; margin: 0 0 2px; }
    .sev { display: inline-block; font-size: 12px; font-weight: 600; margin-right: 6px; padding: 0 6px;
           border-radius: 4px; border: 1px solid currentColor; vertical-align: 1px; line-height: 18px; }
    .sev[data-severity="low"] { color: var(--low); } .sev[data-severity="medium"] { color: var(--medium); }
    .sev[data-severity="high"] { color: var(--high); }
    p { margin: 4px 0; }
    .words { color: var(--muted); font-size: 13px; }
    .why { margin-top: 8px; }
    .why[hidden], .wrong[hidden] { display: none; }
    figure { margin: 8px 0; }
    figcaption { font-size: 12px; color: var(--muted); margin-bottom: 2px; }
    blockquote { margin: 0; padding: 6px 10px; background: var(--quote); border-left: 3px solid var(--border); }
    /* The policy's bad example (the napalm post) is a post, not policy text: framed as one. */
    .example blockquote { border: 1px dashed var(--high); border-left-width: 3px; border-left-style: solid; font-style: italic; }
    cite { display: block; font-size: 12px; color: var(--muted); font-style: normal; margin-top: 4px; }
    .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 8px; }
    .fix { border: 1px solid var(--accent); background: none; color: var(--accent); border-radius: 6px; padding: 4px 10px; }
    .link { background: none; border: none; padding: 0; color: var(--accent); text-decoration: underline; font-size: 13px; }
    textarea { width: 100%; min-height: 48px; font: inherit; background: var(--bg); color: var(--fg); border: 1px solid var(--border); border-radius: 6px; }
    .tick { display: flex; gap: 8px; align-items: flex-start; margin-bottom: 10px; }
    .actions { display: flex; justify-content: flex-end; gap: 8px; flex-wrap: wrap; }
    .primary { background: var(--primary); color: var(--primary-fg); border: none; border-radius: var(--radius); padding: 8px 18px; font-weight: 600; }
    .secondary { background: var(--secondary-bg); color: var(--fg); border: 1px solid var(--secondary-border); border-radius: var(--radius); padding: 8px 18px; font-weight: 600; }
    .secondary:disabled { opacity: .5; cursor: not-allowed; }
    .note { color: var(--muted); font-size: 13px; margin: 0 0 10px; }
  `;

  /** A host element on <html> with an open shadow root holding `css`; Playwright reads open roots. */
  function createShadowHost(kind, css) {
    const host = document.createElement("postcheck-ui");
    host.setAttribute("data-postcheck", kind);
    // The site's own look (Facebook's buttons and greys); the page-theme module says which.
    const look = globalThis.postcheck.platformLook ? globalThis.postcheck.platformLook(location.hostname) : "x";
    host.setAttribute("data-platform", look);
    host.style.cssText = "all: initial; position: fixed; top: 0; left: 0; width: 0; height: 0; z-index: 2147483646;";
    const root = host.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = css;
    root.append(style);
    (document.body || document.documentElement).append(host);
    return { host, root };
  }

  globalThis.postcheck = Object.assign(globalThis.postcheck || {}, { STYLES: { BADGE, UNDERLINES, DIALOG }, createShadowHost });
})();
