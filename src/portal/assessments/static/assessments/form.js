// The answers form's own few lines; the live score itself is htmx's (hx-post on the form,
// the server's fragment puts each number in its place). Without JavaScript the form still
// saves, and the page shows the saved score.
//  - "unsaved changes": a note beside the save button, and the browser asks before leaving;
//  - after each live score, a field whose value the server could not read is marked
//    aria-invalid, so a screen reader says so;
//  - what was typed before the scripts ran (a slow phone) is scored once they have.
(function () {
  "use strict";
  var form = document.getElementById("answers");
  if (!form) { return; }
  var dirty = false;

  function markDirty() {
    dirty = true;
    var note = document.getElementById("dirty-note");
    if (note) { note.hidden = false; }
  }

  function changed(event) {
    if (event.target.form === form) { markDirty(); }
  }

  function markInvalid() {
    document.querySelectorAll("[data-error-for]").forEach(function (node) {
      var field = form.elements.namedItem(node.getAttribute("data-error-for"));
      if (!field || !field.setAttribute) { return; }  // a group of radio buttons
      if (node.textContent.trim()) { field.setAttribute("aria-invalid", "true"); }
      else { field.removeAttribute("aria-invalid"); }
    });
  }

  function typedEarly(field) {
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked !== field.defaultChecked;
    }
    if (field.options && !field.multiple) {  // none marked selected: the first one shows
      var served = Array.prototype.findIndex.call(field.options, function (option) {
        return option.defaultSelected;
      });
      return field.selectedIndex !== Math.max(served, 0);
    }
    if (field.options) {
      return Array.prototype.some.call(field.options, function (option) {
        return option.selected !== option.defaultSelected;
      });
    }
    return "defaultValue" in field && field.value !== field.defaultValue;
  }

  // htmx sets up its triggers when the document is ready, taking the fields' values then as
  // unchanged; this runs after it (its script comes first) and, if a field was changed
  // before, asks for the score through the form's own "answered-early" trigger.
  function scoreEarlyAnswers() {
    var early = Array.prototype.some.call(form.elements, function (field) {
      return field.type !== "hidden" && field.type !== "file" && typedEarly(field);
    });
    if (!early) { return; }
    markDirty();
    form.dispatchEvent(new CustomEvent("answered-early"));
  }

  document.addEventListener("input", changed);
  document.addEventListener("change", changed);
  document.body.addEventListener("htmx:afterSettle", markInvalid);
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  if (document.readyState === "complete") {  // as htmx decides when to set up
    scoreEarlyAnswers();
  } else {
    document.addEventListener("DOMContentLoaded", scoreEarlyAnswers);
  }
}());
