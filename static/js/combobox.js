/* A searchable, keyboard-operable box for a long <select data-combobox> (the
   counter's procedure picker), after the ARIA 1.2 combobox pattern.

   Typing filters the options by every word, without accents or case ("dang ky
   ket hon" finds "Đăng ký kết hôn"; a code works too); Up and Down move through
   the matches, Enter picks one (and, once picked, submits the form), Escape
   closes the list or clears the box. The <select> stays in the form, hidden, and
   carries the value; without JavaScript it is the plain list. */
(function () {
  "use strict";

  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}.]+/gu, " ")
      .trim();
  }

  var MAX_SHOWN = 60;

  function enhance(select) {
    var seen = {};
    var options = [];
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value || seen[option.value]) {
        return;
      }
      seen[option.value] = true;
      options.push({
        value: option.value,
        label: option.textContent.trim(),
        folded: option.dataset.folded || fold(option.textContent),
      });
    });
    var label = document.querySelector('label[for="' + select.id + '"]');
    var wrapper = document.createElement("div");
    wrapper.className = "combobox";
    var input = document.createElement("input");
    input.type = "text";
    input.className = "form-control";
    input.id = select.id + "-search";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", select.id + "-listbox");
    if (select.getAttribute("aria-describedby")) {
      input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
    }
    var list = document.createElement("ul");
    list.id = select.id + "-listbox";
    list.className = "combobox-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    if (label) {
      label.htmlFor = input.id;
      list.setAttribute("aria-labelledby", label.id);
    }
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    var error = document.createElement("div");
    error.className = "invalid-feedback";
    error.id = select.id + "-error";
    error.textContent = select.dataset.required || select.options[0].textContent;

    var shown = [];
    var active = -1;

    function setActive(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0 && list.children[index]) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function render() {
      var terms = fold(input.value).split(" ").filter(Boolean);
      var matches = options.filter(function (option) {
        return terms.every(function (term) {
          return option.folded.indexOf(term) !== -1;
        });
      });
      shown = matches.slice(0, MAX_SHOWN);
      list.textContent = "";
      shown.forEach(function (option, i) {
        var item = document.createElement("li");
        item.id = select.id + "-option-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = option.label;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box
        });
        item.addEventListener("click", function () {
          choose(option);
        });
        list.appendChild(item);
      });
      if (!shown.length) {
        var none = document.createElement("li");
        none.className = "combobox-empty";
        none.textContent = select.dataset.empty || "—";
        list.appendChild(none);
      }
      status.textContent = (select.dataset.count || "{count}").replace("{count}", matches.length);
      setActive(shown.length ? 0 : -1);
    }

    function choose(option) {
      select.value = option.value;
      input.value = option.label;
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      close();
    }

    input.addEventListener("input", function () {
      select.value = "";
      render();
      open();
    });
    input.addEventListener("focus", function () {
      if (!select.value) {
        render();
        open();
      }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) {
          render();
          open();
          return;
        }
        var step = event.key === "ArrowDown" ? 1 : -1;
        var count = shown.length;
        if (count) {
          setActive((active + step + count) % count);
        }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          choose(shown[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          close();
        } else {
          input.value = "";
          select.value = "";
        }
      } else if (event.key === "Tab") {
        close();
      }
    });
    wrapper.addEventListener("focusout", function (event) {
      if (!wrapper.contains(event.relatedTarget)) {
        close();
      }
    });
    select.form.addEventListener("submit", function (event) {
      if (!select.value) {
        event.preventDefault();
        input.classList.add("is-invalid");
        input.setAttribute("aria-invalid", "true");
        input.setAttribute(
          "aria-describedby",
          [error.id, input.getAttribute("aria-describedby")].filter(Boolean).join(" ")
        );
        input.focus();
      }
    });

    select.hidden = true;
    select.required = false;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    wrapper.appendChild(input);
    wrapper.appendChild(list);
    wrapper.appendChild(error);
    wrapper.appendChild(status);
    select.parentNode.insertBefore(wrapper, select);
  }

  document.querySelectorAll("select[data-combobox]").forEach(enhance);
})();
