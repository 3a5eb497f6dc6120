// The answers form's own few lines; the live score itself is htmx's (hx-post on the form,
// the server's fragment puts each number in its place). Without JavaScript the form still
// saves, and the page shows the saved score.
//  - "unsaved changes": a note beside the save button, and the browser asks before leaving;
//  - after each live score, a field whose value the server could not read is marked
//    aria-invalid, so a screen reader says so;
//  - what was typed before the scripts ran (a slow phone) is scored once they have;
//  - a save under way says so, the fields wait with it (and no live score is asked for),
//    and a second tap or Enter meanwhile sends nothing: on deadline day a save can wait
//    its turn for seconds, and a second one sent then would make the browser drop the
//    first one's answer. With no answer after RETRY_MS (a stalled connection, a save
//    stopped) the button works again, and the changes are said to be unsaved, since
//    whether they were stored is not known.
(function () {
  "use strict";
  var form = document.getElementById("answers");
  if (!form) { return; }
  var dirty = false;
  var RETRY_MS = 30000;
  var saving = null;  // while a save is under way: the timer that lets it be sent again
  var frozen = [];  // the fields that wait with it

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
  function changedSinceServed() {
    return Array.prototype.some.call(form.elements, function (field) {
      return field.type !== "hidden" && field.type !== "file" && typedEarly(field);
    });
  }

  function scoreEarlyAnswers() {
    if (!changedSinceServed()) { return; }
    markDirty();
    form.dispatchEvent(new CustomEvent("answered-early"));
  }

  // The button's and the note's words: "saving" while a save is under way, "unsure" when
  // none came back in time, else as served. The template gives them (data-saving,
  // data-unsure) in the page's language.
  function say(state) {
    var button = document.getElementById("save-answers");
    var note = document.getElementById("dirty-note");
    [button, note].forEach(function (node) {
      if (!node) { return; }
      if (node.dataset.served === undefined) { node.dataset.served = node.textContent; }
      node.textContent = node.dataset[state] || node.dataset.served;
    });
    if (button && state === "saving") { button.setAttribute("aria-disabled", "true"); }
    else if (button) { button.removeAttribute("aria-disabled"); }
    if (note) { note.hidden = state === "saving" || state === "unsure" ? false : !dirty; }
  }

  // Run once the save has taken the fields' values (which follows its submit event): what
  // is typed while it waits would be lost unseen when its answer replaces the page.
  function freeze() {
    if (saving === null) { return; }
    frozen = Array.prototype.filter.call(form.elements, function (field) {
      return field.type !== "hidden" && field.type !== "submit" && !field.disabled;
    });
    frozen.forEach(function (field) { field.disabled = true; });
  }

  // The save's wait over without its answer. `unsure`: none came, so what was typed is said
  // to be unsaved, and the browser asks before leaving.
  function done(unsure) {
    if (saving !== null) { clearTimeout(saving); }
    saving = null;
    frozen.forEach(function (field) { field.disabled = false; });
    frozen = [];
    if (unsure) { dirty = true; }
    say(unsure ? "unsure" : "served");
  }

  document.addEventListener("input", changed);
  document.addEventListener("change", changed);
  document.body.addEventListener("htmx:afterSettle", markInvalid);
  // No live score while a save waits: one asked for by typing just before the tap would be
  // sent without the fields that wait (a disabled field is not sent), and would show them
  // unanswered until the save's answer replaces the page.
  form.addEventListener("htmx:beforeRequest", function (event) {
    if (saving !== null) { event.preventDefault(); }
  });
  form.addEventListener("submit", function (event) {
    if (saving !== null) { event.preventDefault(); return; }  // the first save is under way
    saving = setTimeout(function () { done(true); }, RETRY_MS);
    dirty = false;
    say("saving");
    setTimeout(freeze, 0);
  });
  // Back to this page from the browser's cache, whatever the save's answer said: the fields
  // as they were left, unsaved if they differ from what the page was served with.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    done(false);
    if (changedSinceServed()) { markDirty(); }
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
