// The upload limits, checked before the form is sent: a file over MAX_FILE_MB, or files
// over MAX_ENTRY_MB with those the entry keeps, would otherwise be refused by the server
// after the whole upload, and the author would have to type everything again.
// Reads on input[type=file][data-max-file-bytes]: data-max-file-bytes,
// data-max-entry-bytes, data-kept-bytes, and the messages data-file-too-large and
// data-entry-too-large ({name}, {size}, {limit}); checkboxes of files to remove carry
// data-file-size.
(function () {
  "use strict";
  var MB = 1024 * 1024;

  function megabytes(bytes) {
    var text = (bytes / MB).toFixed(1);
    return text.slice(-2) === ".0" ? text.slice(0, -2) : text;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? values[key] : whole;
    });
  }

  function keptBytes(form, input) {
    var kept = Number(input.dataset.keptBytes || 0);
    form.querySelectorAll("input[type=checkbox][data-file-size]").forEach(function (box) {
      if (box.checked) kept -= Number(box.dataset.fileSize);
    });
    return kept;
  }

  // The first problem with the chosen files, or "" when they may be sent.
  function problem(form, input) {
    var maxFile = Number(input.dataset.maxFileBytes);
    var maxEntry = Number(input.dataset.maxEntryBytes);
    var total = keptBytes(form, input);
    for (var i = 0; i < input.files.length; i++) {
      var file = input.files[i];
      if (file.size > maxFile) {
        return fill(input.dataset.fileTooLarge,
                    {name: file.name, size: megabytes(file.size), limit: megabytes(maxFile)});
      }
      total += file.size;
    }
    if (total > maxEntry) {
      return fill(input.dataset.entryTooLarge, {size: megabytes(total), limit: megabytes(maxEntry)});
    }
    return "";
  }

  function messageBox(input) {
    var id = input.id + "-size-problem";
    var box = document.getElementById(id);
    if (!box) {
      box = document.createElement("div");
      box.id = id;
      box.className = "invalid-feedback d-block";
      box.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", box);
      var described = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", described ? described + " " + id : id);
    }
    return box;
  }

  function check(form, input) {
    var text = problem(form, input);
    input.setCustomValidity(text);
    input.classList.toggle("is-invalid", text !== "");
    messageBox(input).textContent = text;
    return text === "";
  }

  document.querySelectorAll("input[type=file][data-max-file-bytes]").forEach(function (input) {
    var form = input.form;
    input.addEventListener("change", function () { check(form, input); });
    form.querySelectorAll("input[type=checkbox][data-file-size]").forEach(function (box) {
      box.addEventListener("change", function () { check(form, input); });
    });
    // Browsers keep an invalid form from being sent; this covers one that does not.
    form.addEventListener("submit", function (event) {
      if (!check(form, input)) {
        event.preventDefault();
        input.focus();
      }
    });
  });
})();
