// The worklist's bulk bar (progressive: the boxes and the button work without
// this): a box in the heading ticks every row of the page, and the bar says how
// many rows are ticked.
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  if (!form) return;
  var boxes = Array.prototype.slice.call(
    document.querySelectorAll('input[name="dossier"][form="bulk-form"]')
  );
  var all = document.getElementById("pick-all");
  var count = form.querySelector(".bulk-count");

  function update() {
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    count.textContent = ticked
      ? count.dataset.some.replace("#", ticked)
      : count.dataset.none;
    if (all) {
      all.checked = ticked > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
  }

  if (all) {
    all.classList.remove("d-none");
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      update();
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", update); });
  var errors = document.getElementById("bulk-errors");
  if (errors) errors.focus();
  update();
})();
