/* Quick exit: blank the page at once and replace this history entry with a
   neutral site, so Back does not return here. Shift three times in 2 s. */
(function () {
  "use strict";
  var link = document.getElementById("quick-exit");
  if (!link) { return; }
  var target = link.href;
  var presses = [];
  function leave(event) {
    if (event) { event.preventDefault(); }
    // A page with a live chat ends it first (fristad/chat/static/chat/chat.js).
    try { window.dispatchEvent(new Event("fristad:quickexit")); } catch (e) { /* leave anyway */ }
    document.title = "";
    if (document.body) { document.body.innerHTML = ""; document.body.style.background = "#fff"; }
    window.location.replace(target);
  }
  window.fristadQuickExit = leave;
  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 2000; });
    presses.push(now);
    if (presses.length >= 3) { leave(event); }
  });
})();
