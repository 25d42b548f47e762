// After an inline save (htmx swap), move keyboard and screen-reader focus to what changed:
// the error summary when the form has errors, otherwise the confirmation message.
document.addEventListener("htmx:afterSettle", function (event) {
  var target = event.detail.elt;
  if (!target || !target.querySelector) {
    return;
  }
  var summary = target.querySelector(".error-summary");
  var saved = target.querySelector(".message--success");
  var focusTarget = summary || saved;
  if (focusTarget) {
    if (!focusTarget.hasAttribute("tabindex")) {
      focusTarget.setAttribute("tabindex", "-1");
    }
    focusTarget.focus();
  }
});
