// The answers form's own few lines; the live score itself is htmx's (hx-post on the form,
// the server's fragment puts each number in its place). Without JavaScript the form still
// saves, and the page shows the saved score.
//  - "unsaved changes": a note beside the save button, and the browser asks before leaving;
//  - after each live score, a field whose value the server could not read is marked
//    aria-invalid, so a screen reader says so;
//  - what was typed before the scripts ran (a slow phone) is scored once they have;
//  - a save under way says so, and a second tap or Enter meanwhile sends nothing: on
//    deadline day a save can wait its turn for seconds, and a second one sent then would
//    stop the browser waiting for the first. After RETRY_MS the button may be pressed
//    again (a save that never answered, a phone that lost its network).
(function () {
  "use strict";
  var form = document.getElementById("answers");
  if (!form) { return; }
  var dirty = false;
  var RETRY_MS = 30000;
  var saving = null;  // while a save is under way: the timer that lets it be sent again

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

  // The button's and the note's words while saving, and back: the template gives both
  // (data-saving), in the page's language.
  function showSaving(on) {
    [document.getElementById("save-answers"), document.getElementById("dirty-note")]
      .forEach(function (node) {
        if (!node || !node.dataset.saving) { return; }
        if (on && node.dataset.idle === undefined) { node.dataset.idle = node.textContent; }
        if (!on && node.dataset.idle === undefined) { return; }
        node.textContent = on ? node.dataset.saving : node.dataset.idle;
        if (node.id === "dirty-note") { node.hidden = on ? false : !dirty; }
        else if (on) { node.setAttribute("aria-disabled", "true"); }
        else { node.removeAttribute("aria-disabled"); }
      });
  }

  // The button back. `unsure`: no answer came, so what was typed may not be stored: said
  // as unsaved, and the browser asks before leaving.
  function saved(unsure) {
    if (saving !== null) { clearTimeout(saving); }
    saving = null;
    if (unsure) { dirty = true; }
    showSaving(false);
  }

  document.addEventListener("input", changed);
  document.addEventListener("change", changed);
  document.body.addEventListener("htmx:afterSettle", markInvalid);
  form.addEventListener("submit", function (event) {
    if (saving !== null) { event.preventDefault(); return; }  // the first save is under way
    saving = setTimeout(function () { saved(true); }, RETRY_MS);
    dirty = false;
    showSaving(true);
  });
  // back to this page from the browser's cache, after the save's answer was shown
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { saved(false); }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  if (document.readyState === "complete") {  // as htmx decides when to set up
    scoreEarlyAnswers();
  } else {
    document.addEventListener("DOMContentLoaded", scoreEarlyAnswers);
  }
}());
