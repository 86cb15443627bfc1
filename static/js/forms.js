/* Move the keyboard and screen-reader focus to the error summary of a failed form. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
