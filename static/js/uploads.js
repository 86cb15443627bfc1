/*
 * Upload each paper's scans as soon as they are chosen, with a progress bar.
 *
 * Progressive enhancement: without this script the files travel with the whole form
 * when it is saved or submitted, and the server checks them the same way. With it,
 * each paper is sent on its own to its data-upload-url; the server answers with the
 * paper's refreshed row (its files, or the reason a file was refused), which
 * replaces the old one. The input is then empty, so nothing is sent twice.
 */
(function () {
  "use strict";
  if (!window.FormData || !window.XMLHttpRequest) {
    return;
  }

  function setProgress(bar, percent) {
    bar.setAttribute("aria-valuenow", String(percent));
    var inner = bar.firstElementChild;
    inner.style.width = percent + "%";
    inner.textContent = percent + "%";
  }

  // While a scan is on its way, sending the whole form would cut it off.
  function busy(form, delta) {
    var pending = Number(form.dataset.pendingUploads || 0) + delta;
    form.dataset.pendingUploads = String(pending);
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = pending > 0;
    });
  }

  function upload(form, input) {
    var row = input.closest("[data-paper-row]");
    var bar = row.querySelector("[data-upload-progress]");
    var status = row.querySelector("[data-upload-status]");
    var files = Array.prototype.slice.call(input.files);
    var limit = Number(input.dataset.maxBytes);
    var tooBig = files.filter(function (file) { return file.size > limit; });
    if (tooBig.length) {
      status.textContent = "“" + tooBig[0].name + "”: " + form.dataset.msgTooBig;
      status.classList.add("text-danger");
      input.value = "";
      return;
    }
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    files.forEach(function (file) { data.append(input.name, file); });

    var request = new XMLHttpRequest();
    request.open("POST", input.dataset.uploadUrl);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        setProgress(bar, Math.round((event.loaded / event.total) * 100));
      }
    });
    request.addEventListener("loadend", function () { busy(form, -1); });
    request.addEventListener("load", function () {
      if (request.status === 200 || request.status === 400) {
        var holder = document.createElement("div");
        holder.innerHTML = request.responseText;
        var fresh = holder.querySelector("[data-paper-row]");
        if (!fresh) {
          // Not a paper's row (e.g. the session ended and the login page came back).
          failed(form.dataset.msgFailed);
          return;
        }
        row.replaceWith(fresh);
        var message = fresh.querySelector("[data-upload-status]");
        if (request.status === 200) {
          message.textContent = form.dataset.msgDone;
        } else {
          var field = fresh.querySelector("input[type=file]");
          field.focus();
        }
        bind(form, fresh.querySelector("input[type=file][data-upload-url]"));
      } else {
        failed(request.status === 413 ? request.responseText : form.dataset.msgFailed);
      }
    });
    request.addEventListener("error", function () { failed(form.dataset.msgFailed); });

    function failed(text) {
      bar.hidden = true;
      input.disabled = false;
      input.value = "";
      status.textContent = text;
      status.classList.add("text-danger");
    }

    status.classList.remove("text-danger");
    status.textContent = form.dataset.msgUploading;
    setProgress(bar, 0);
    bar.hidden = false;
    input.disabled = true;
    busy(form, 1);
    request.send(data);
  }

  function bind(form, input) {
    if (input) {
      input.addEventListener("change", function () {
        if (input.files.length) {
          upload(form, input);
        }
      });
    }
  }

  document.querySelectorAll("form[data-uploads]").forEach(function (form) {
    form.querySelectorAll("input[type=file][data-upload-url]").forEach(function (input) {
      bind(form, input);
    });
    form.dataset.uploadsReady = "true";
  });
})();
