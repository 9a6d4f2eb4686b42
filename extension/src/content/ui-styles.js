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
    button { font: inherit; cursor: pointer; }
    button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  `;

  const BADGE = `${BASE}
    .badge { position: fixed; display: inline-flex; align-items: center; gap: 4px; padding: 2px 8px;
             border-radius: 999px; border: 1px solid var(--border); background: var(--bg); color: var(--fg);
             font-size: 12px; line-height: 18px; box-shadow: 0 1px 3px rgba(0,0,0,.2); }
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
    .mark { position: fixed; pointer-events: none; border-bottom: 2px solid var(--medium); }
    .mark[data-severity="low"] { border-bottom-color: var(--low); border-bottom-style: dashed; }
    .mark[data-severity="high"] { border-bottom-color: var(--high); }
    .tip { position: fixed; max-width: 320px; padding: 10px 12px; border-radius: 8px; z-index: 1;
           background: var(--bg); color: var(--fg); border: 1px solid var(--border);
           box-shadow: 0 4px 16px rgba(0,0,0,.25); font-size: 13px; line-height: 1.4; }
    .tip[hidden] { display: none; }
    .tip strong { display: block; margin-bottom: 4px; }
    .tip p { margin: 0 0 8px; }
    .link { background: none; border: none; padding: 0; color: var(--accent); text-decoration: underline; font-size: 12px; }
  `;

  const DIALOG = `${BASE}
    .backdrop { position: fixed; inset: 0; background: rgba(0,0,0,.45); display: flex;
                align-items: center; justify-content: center; padding: 16px; }
    .dialog { width: min(560px, 100%); max-height: calc(100vh - 32px); overflow: auto; border-radius: 12px;
              background: var(--bg); color: var(--fg); border: 1px solid var(--border); padding: 20px;
              font-size: 14px; line-height: 1.45; box-shadow: 0 8px 32px rgba(0,0,0,.35); }
    h2 { font-size: 18px; margin: 0 0 4px; }
    .intro { margin: 0 0 12px; color: var(--muted); }
    ul { list-style: none; margin: 0; padding: 0; }
    li { border-top: 1px solid var(--border); padding: 12px 0; }
    h3 { font-size: 15px; margin: 0 0 4px; }
    .sev { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase; margin-right: 6px; }
    .sev[data-severity="low"] { color: var(--low); } .sev[data-severity="medium"] { color: var(--medium); }
    .sev[data-severity="high"] { color: var(--high); }
    p { margin: 4px 0; }
    blockquote { margin: 8px 0; padding: 6px 10px; background: var(--quote); border-left: 3px solid var(--border); }
    cite { display: block; font-size: 12px; color: var(--muted); font-style: normal; margin-top: 4px; }
    .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 8px; }
    .fix { border: 1px solid var(--accent); background: none; color: var(--accent); border-radius: 6px; padding: 4px 10px; }
    .link { background: none; border: none; padding: 0; color: var(--accent); text-decoration: underline; font-size: 13px; }
    textarea { width: 100%; min-height: 48px; font: inherit; background: var(--bg); color: var(--fg); border: 1px solid var(--border); border-radius: 6px; }
    .tick { display: flex; gap: 8px; align-items: flex-start; margin-top: 12px; }
    .actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 16px; flex-wrap: wrap; }
    .primary { background: var(--accent); color: var(--accent-fg); border: none; border-radius: 999px; padding: 8px 18px; font-weight: 600; }
    .secondary { background: none; color: var(--fg); border: 1px solid var(--border); border-radius: 999px; padding: 8px 18px; }
    .secondary:disabled { opacity: .5; cursor: not-allowed; }
    .note { color: var(--muted); font-size: 13px; margin-top: 12px; }
  `;

  /** A host element on <html> with an open shadow root holding `css`; Playwright reads open roots. */
  function createShadowHost(kind, css) {
    const host = document.createElement("postcheck-ui");
    host.setAttribute("data-postcheck", kind);
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
