// The network page's figures, kept fresh: the page reloads itself every so many seconds
// while the box is ticked (WCAG 2.2.1: she can turn it off). Without script, the page has
// its "Update now" link and nothing else changes.
(function () {
  "use strict";
  var box = document.getElementById("auto-refresh");
  var holder = box && box.closest("[data-refresh]");
  if (!holder) {
    return;
  }
  var seconds = parseInt(holder.getAttribute("data-refresh"), 10) || 30;
  var timer = null;
  function plan() {
    if (timer !== null) {
      window.clearTimeout(timer);
      timer = null;
    }
    if (box.checked) {
      timer = window.setTimeout(function () { location.reload(); }, seconds * 1000);
    }
  }
  holder.hidden = false;
  box.addEventListener("change", plan);
  plan();
})();
