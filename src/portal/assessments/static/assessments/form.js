// The answers form's own few lines; the live score itself is htmx's (hx-post on the form,
// the server's fragment puts each number in its place). Without JavaScript the form still
// saves, and the page shows the saved score.
//  - "unsaved changes": a note beside the save button, and the browser asks before leaving;
//  - after each live score, a field whose value the server could not read is marked
//    aria-invalid, so a screen reader says so.
(function () {
  "use strict";
  var form = document.getElementById("answers");
  if (!form) { return; }
  var dirty = false;

  function changed(event) {
    if (event.target.form !== form) { return; }
    dirty = true;
    var note = document.getElementById("dirty-note");
    if (note) { note.hidden = false; }
  }

  function markInvalid() {
    document.querySelectorAll("[data-error-for]").forEach(function (node) {
      var field = form.elements.namedItem(node.getAttribute("data-error-for"));
      if (!field || !field.setAttribute) { return; }  // a group of radio buttons
      if (node.textContent.trim()) { field.setAttribute("aria-invalid", "true"); }
      else { field.removeAttribute("aria-invalid"); }
    });
  }

  document.addEventListener("input", changed);
  document.addEventListener("change", changed);
  document.body.addEventListener("htmx:afterSettle", markInvalid);
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
}());
