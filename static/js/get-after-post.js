/*
 * A page that answers a POST with the form and its errors (the details step) puts its own GET
 * address in `data-get-url` on this script. Replacing the history entry with it means Back to
 * this page, or reloading it, asks the server for the page again instead of asking the person
 * to "confirm form resubmission" (found by the outside walk of issue 26). What was typed is
 * kept by the server (the draft), so the page comes back filled in.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-get-url");
  if (url && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", url);
  }
})();
