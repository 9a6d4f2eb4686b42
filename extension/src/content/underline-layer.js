// Underlines under the words at fault, drawn in a separate layer over the page from DOM Ranges,
// so the editor's own DOM is never touched. Hovering an underline, or putting the caret in it,
// shows the warning's title and advice with a "This warning is wrong" action.
(function () {
  "use strict";

  const { STYLES, createShadowHost, spanToBoundaries, t } = globalThis.postcheck;

  function inside(rect, x, y, slack = 2) {
    return x >= rect.left - slack && x <= rect.right + slack && y >= rect.top - slack && y <= rect.bottom + slack;
  }

  class UnderlineLayer {
    constructor(onWrong) {
      const { host, root } = createShadowHost("underlines", STYLES.UNDERLINES);
      this.host = host;
      this.frame = document.createElement("div");
      this.frame.className = "light";
      this.marks = document.createElement("div");
      this.tip = this.buildTip(onWrong);
      this.frame.append(this.marks, this.tip);
      root.append(this.frame);
      this.spots = []; // [{rect, warning}]
      this.tipWarning = null;
    }

    buildTip(onWrong) {
      const tip = document.createElement("div");
      tip.className = "tip";
      tip.hidden = true;
      tip.setAttribute("role", "tooltip");
      tip.id = "postcheck-tip";
      this.tipTitle = document.createElement("strong");
      this.tipAdvice = document.createElement("p");
      const wrong = document.createElement("button");
      wrong.type = "button";
      wrong.className = "link";
      wrong.textContent = t("warningIsWrong");
      wrong.addEventListener("click", () => {
        if (this.tipWarning) onWrong(this.tipWarning);
        wrong.textContent = t("thanksReported");
      });
      this.tipWrong = wrong;
      tip.append(this.tipTitle, this.tipAdvice, wrong);
      return tip;
    }

    setTheme(theme) {
      this.frame.className = theme === "dark" ? "dark" : "light";
    }

    /** Draws `warnings` over `model` (the text model the verdict was computed on). */
    draw(model, warnings) {
      this.marks.replaceChildren();
      this.spots = [];
      for (const warning of warnings) {
        for (const span of warning.spans || []) {
          const b = spanToBoundaries(model, span.start, span.end);
          if (!b || !b.startNode.isConnected || !b.endNode.isConnected) continue;
          const range = document.createRange();
          range.setStart(b.startNode, b.startOffset);
          range.setEnd(b.endNode, b.endOffset);
          for (const rect of range.getClientRects()) {
            if (rect.width === 0) continue;
            const mark = document.createElement("div");
            mark.className = "mark";
            mark.dataset.rule = warning.rule;
            mark.dataset.severity = warning.severity;
            Object.assign(mark.style, { left: `${rect.left}px`, top: `${rect.top}px`, width: `${rect.width}px`, height: `${rect.height}px` });
            this.marks.append(mark);
            this.spots.push({ rect, warning });
          }
        }
      }
      if (this.tipWarning && !this.spots.some((s) => s.warning.rule === this.tipWarning.rule)) this.hideTip();
    }

    clear() {
      this.marks.replaceChildren();
      this.spots = [];
      this.hideTip();
    }

    /** The pointer moved to (x, y): show the tip for an underline there, keep it while over the tip. */
    pointerAt(x, y) {
      const spot = this.spots.find((s) => inside(s.rect, x, y));
      if (spot) this.showTip(spot);
      else if (!this.tip.hidden && !inside(this.tip.getBoundingClientRect(), x, y, 6)) this.hideTip();
    }

    /** The caret is at `rect` inside the composer: show the tip for an underline there. */
    caretAt(rect) {
      const spot = this.spots.find((s) => inside(s.rect, rect.left, rect.top + rect.height / 2));
      if (spot) this.showTip(spot);
      else this.hideTip();
    }

    showTip({ rect, warning }) {
      if (this.tipWarning !== warning) {
        this.tipWarning = warning;
        this.tipTitle.textContent = warning.title;
        this.tipAdvice.textContent = warning.advice;
        this.tipWrong.textContent = t("warningIsWrong");
      }
      this.tip.hidden = false;
      const top = rect.bottom + 6 + 120 > innerHeight ? Math.max(0, rect.top - 6 - this.tip.offsetHeight) : rect.bottom + 6;
      this.tip.style.left = `${Math.min(rect.left, Math.max(0, innerWidth - 330))}px`;
      this.tip.style.top = `${top}px`;
    }

    hideTip() {
      this.tip.hidden = true;
      this.tipWarning = null;
    }

    remove() {
      this.host.remove();
    }
  }

  globalThis.postcheck.UnderlineLayer = UnderlineLayer;
})();
