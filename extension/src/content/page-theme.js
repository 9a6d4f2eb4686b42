// Light or dark: read from the colour actually behind the composer, because X and Facebook have
// their own theme switches that need not follow the system's.
(function () {
  "use strict";

  function parseColour(css) {
    const m = /rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)(?:[ ,/]+([\d.]+%?))?\s*\)/.exec(css || "");
    if (!m) return null;
    let alpha = m[4] === undefined ? 1 : parseFloat(m[4]);
    if (m[4] && m[4].endsWith("%")) alpha /= 100;
    return { r: +m[1], g: +m[2], b: +m[3], a: alpha };
  }

  function relativeLuminance({ r, g, b }) {
    const lin = (c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  }

  function isDarkColour(css) {
    const colour = parseColour(css);
    return colour !== null && colour.a > 0 && relativeLuminance(colour) < 0.2;
  }

  /** "dark" or "light" for the first opaque background behind `element`. */
  function themeBehind(element, getStyle = (el) => getComputedStyle(el)) {
    for (let el = element; el && el.nodeType === 1; el = el.parentElement) {
      const colour = parseColour(getStyle(el).backgroundColor);
      if (colour && colour.a > 0.5) return relativeLuminance(colour) < 0.2 ? "dark" : "light";
    }
    return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  /** Whose look the extension's UI takes on this site: "facebook" (its blue buttons with 6 px corners
   *  and its dark greys) or "x" (pills and navy, also used on other sites). */
  function platformLook(hostname) {
    return /(^|\.)facebook\.com$/.test(String(hostname || "")) ? "facebook" : "x";
  }

  const api = { parseColour, isDarkColour, themeBehind, platformLook };
  if (typeof module === "object" && module.exports) module.exports = api;
  else globalThis.postcheck = Object.assign(globalThis.postcheck || {}, api);
})();
