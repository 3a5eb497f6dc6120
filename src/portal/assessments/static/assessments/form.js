// Live self-score: while the reporter types, post the page's current values to the score
// endpoint (nothing is saved) and show what the scoring core computes. The server reads the
// numbers the Vietnamese way and answers with field errors, so this script parses nothing.
(function () {
  "use strict";
  var form = document.getElementById("answers");
  if (!form) { return; }
  var url = form.getAttribute("data-score-url");
  var timer = null;
  var pending = null;
  var dirty = false;

  function setText(selector, text) {
    document.querySelectorAll(selector).forEach(function (node) { node.textContent = text; });
  }

  function cssValue(text) {
    return window.CSS && CSS.escape ? CSS.escape(text) : text.replace(/["\\]/g, "\\$&");
  }

  function showErrors(errors) {
    document.querySelectorAll("[data-error-for]").forEach(function (node) {
      var name = node.getAttribute("data-error-for");
      var message = errors[name] || "";
      node.textContent = message;
      var field = form.elements.namedItem(name);
      if (field && field.setAttribute) {
        if (message) { field.setAttribute("aria-invalid", "true"); } else { field.removeAttribute("aria-invalid"); }
      }
    });
  }

  function showMissing(missing) {
    var list = document.getElementById("missing");
    if (!list) { return; }
    list.textContent = "";
    if (!missing.length) {
      var done = document.createElement("li");
      done.className = "muted";
      done.textContent = "Đã trả lời đủ các tiêu chí.";
      list.appendChild(done);
      return;
    }
    missing.forEach(function (leaf) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#tc-" + leaf.code;
      link.textContent = leaf.name;
      item.appendChild(link);
      list.appendChild(item);
    });
  }

  function show(result) {
    showErrors(result.errors || {});
    Object.keys(result.criteria).forEach(function (code) {
      var criterion = result.criteria[code];
      setText('[data-score="' + cssValue(code) + '"]', criterion.score);
      setText('[data-problem="' + cssValue(code) + '"]', criterion.problem);
    });
    result.indices.forEach(function (index) {
      var code = cssValue(index.code);
      setText('[data-index-score="' + code + '"]', index.score);
      setText('[data-index-answered="' + code + '"]', String(index.answered));
      document.querySelectorAll('[data-index-progress="' + code + '"]').forEach(function (bar) {
        bar.value = index.answered;
      });
    });
    setText('[data-summary="total"]', result.total);
    setText('[data-summary="max"]', result.max);
    setText('[data-summary="ratio"]', result.ratio);
    setText('[data-summary="class"]', result["class"]);
    showMissing(result.missing);
  }

  function recompute() {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      signal: pending.signal
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(show).catch(function () { /* the next keystroke retries; saving still validates */ });
  }

  function changed(event) {
    if (!event.target.form || event.target.form !== form) { return; }
    dirty = true;
    var note = document.getElementById("dirty-note");
    if (note) { note.hidden = false; }
    window.clearTimeout(timer);
    timer = window.setTimeout(recompute, 300);
  }

  document.addEventListener("input", changed);
  document.addEventListener("change", changed);
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
}());
