/* The printed forms' "Print" button, here because the Content-Security-Policy forbids
   inline event handlers. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
