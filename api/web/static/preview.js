// The audience preview, live: as the label, the narrowing or the recipients change, ask the
// service who will see the contribution and show its answer. Only the sharing fields are
// sent, never the text. Without this script the "Preview" button does the same.
(function () {
  "use strict";
  var form = document.getElementById("contribute-form");
  var target = document.getElementById("audience");
  if (!form || !target || !window.fetch) { return; }
  var timer = null;
  var asked = 0;

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (name !== "text" && name !== "csrf" && typeof value === "string") {
        params.append(name, value);
      }
    });
    return params.toString();
  }

  function refresh() {
    var mine = ++asked;
    fetch(form.getAttribute("data-audience") + "?" + query(), {
      credentials: "same-origin", headers: { "Accept": "text/html" }
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null && mine === asked) { target.innerHTML = html; }
    }).catch(function () { /* the Preview button still works */ });
  }

  function later(event) {
    if (event.target && event.target.name === "text") { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 150);
  }

  form.addEventListener("change", later);
  form.addEventListener("input", later);
  form.setAttribute("data-live", "on");
})();
