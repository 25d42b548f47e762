// After an inline save (htmx swap), move keyboard and screen-reader focus to what changed:
// the error summary when the form has errors, otherwise the confirmation message. When the
// swap replaced the control that had focus (a "Mark done" button, say), focus goes to the
// first control of the new content, so a keyboard user stays where they were.
var focusWasInSwap = false;
document.addEventListener("htmx:beforeSwap", function (event) {
  var active = document.activeElement;
  var swapped = event.detail.target;
  focusWasInSwap = Boolean(active && active !== document.body && swapped && swapped.contains(active));
});
document.addEventListener("htmx:afterSettle", function (event) {
  var target = event.detail.elt;
  if (!target || !target.querySelector) {
    return;
  }
  var message = target.querySelector(".error-summary") || target.querySelector(".message--success");
  if (message) {
    if (!message.hasAttribute("tabindex")) {
      message.setAttribute("tabindex", "-1");
    }
    focusWasInSwap = false;
    message.focus();
    return;
  }
  var active = document.activeElement;
  if (focusWasInSwap && (!active || active === document.body || !active.isConnected)) {
    var control = target.querySelector("button, a[href], input:not([type=hidden]), select, textarea");
    if (control) {
      focusWasInSwap = false;
      control.focus();
    }
  }
});
