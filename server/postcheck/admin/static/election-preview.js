// Progressive enhancement for the election form: as polling day (or the kind, notice date, end or
// wards) is typed, ask the server what dates that gives and show them. Without this script the
// "Show the dates" button does the same by submitting the form. No innerHTML: text only.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  var target = document.getElementById("election-preview");
  if (!form || !target || !window.fetch) return;
  document.documentElement.classList.add("js");
  var names = ["kind", "poll_date", "notice_date", "ends_override", "scope", "name"];
  var timer = null;
  var latest = 0;

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function row(list, label, value, field) {
    var div = el("div");
    div.appendChild(el("dt", label));
    div.appendChild(el("dd", value, { "data-field": field }));
    list.appendChild(div);
  }

  function render(data) {
    var box = document.createDocumentFragment();
    if (data.ok) {
      var list = el("dl", null, { "class": "summary-list" });
      row(list, "Polling day read as", data.poll_date, "poll_date");
      row(list, "Latest notice of election", data.notice_deadline ||
          "cannot be worked out from polling day: enter the day the notice was published", "notice_deadline");
      row(list, "Period starts", data.starts || "not known until the notice date is entered", "starts");
      row(list, "Period ends", data.ends, "ends");
      row(list, "Election id", data.id, "id");
      box.appendChild(list);
      (data.notes || []).forEach(function (n) { box.appendChild(el("p", n, { "class": "hint", "data-field": "note" })); });
      (data.warnings || []).forEach(function (w) { box.appendChild(el("p", w, { "class": "warning-text", "data-field": "warning" })); });
    } else if (data.errors) {
      var problems = el("ul", null, { "class": "preview-problems" });
      Object.keys(data.errors).forEach(function (k) { problems.appendChild(el("li", data.errors[k])); });
      box.appendChild(problems);
    } else {
      box.appendChild(el("p", data.error || "The dates cannot be shown just now.", { "class": "muted" }));
    }
    target.replaceChildren(box);
  }

  function ask() {
    var params = new URLSearchParams();
    names.forEach(function (n) {
      var field = form.elements[n];
      if (field) params.set(n, field.value);
    });
    if (!params.get("poll_date")) return;
    var ticket = ++latest;
    fetch(form.getAttribute("data-preview-url") + "?" + params.toString(), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (r) { return r.json(); })
      .then(function (data) { if (ticket === latest) render(data); })
      .catch(function () { /* the Save button still validates everything on the server */ });
  }

  form.addEventListener("input", function (event) {
    if (names.indexOf(event.target.name) < 0) return;
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") ask();
  });
}());
