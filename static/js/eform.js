/* The online form: show a field only when its condition holds, and list the
   communes of the province chosen. Without this script every field shows and the
   server ignores answers to fields whose condition does not hold. */
(function () {
  "use strict";
  var form = document.querySelector("[data-eform]");
  if (!form) {
    return;
  }

  function valueOf(name) {
    var inputs = form.querySelectorAll("[name='" + name + "']");
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) {
          return input.value;
        }
      } else {
        return input.value;
      }
    }
    return "";
  }

  function applyConditions() {
    form.querySelectorAll("[data-show-if]").forEach(function (block) {
      var wanted = JSON.parse(block.getAttribute("data-show-values"));
      block.hidden = wanted.indexOf(valueOf(block.getAttribute("data-show-if"))) === -1;
    });
  }

  function loadCommunes(select) {
    var target = form.querySelector("[name='" + select.getAttribute("data-province-select") + "']");
    if (!target) {
      return;
    }
    var url = form.getAttribute("data-communes-url") + "?province=" + encodeURIComponent(select.value);
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var first = target.options[0];
        target.innerHTML = "";
        first.textContent = form.getAttribute(select.value ? "data-choose" : "data-choose-province");
        target.appendChild(first);
        data.communes.forEach(function (pair) {
          var option = document.createElement("option");
          option.value = pair[0];
          option.textContent = pair[1];
          target.appendChild(option);
        });
      });
  }

  form.addEventListener("change", function (event) {
    if (event.target.hasAttribute("data-province-select")) {
      loadCommunes(event.target);
    }
    applyConditions();
  });
  applyConditions();
})();
