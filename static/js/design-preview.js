// The certificate design page: redraw the preview as the organizer types (not saved until
// "Save"). The PNG comes back as a data: URL, the only kind of image the CSP allows besides ours.
(function () {
  var form = document.getElementById("design");
  var image = document.getElementById("design-image");
  var status = document.getElementById("design-status");
  var pdfLink = document.getElementById("design-pdf");
  if (!form || !image) return;
  var timer = null;
  var latest = 0;

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrf_token" && name.indexOf("remove_") !== 0) {
        params.append(name, value);
      }
    });
    return params.toString();
  }

  function refresh() {
    var ask = ++latest;
    var params = query();
    pdfLink.href = form.dataset.previewPdf + "?" + params;
    status.textContent = status.dataset.drawing || "…";
    fetch(form.dataset.preview + "?" + params, { credentials: "same-origin" }).then(function (response) {
      if (ask !== latest) return null;
      if (!response.ok) {
        return response.json().then(function (body) {
          status.textContent = (body.errors || []).join(" ");
          status.classList.add("text-danger");
        });
      }
      var timing = /dur=([\d.]+)/.exec(response.headers.get("Server-Timing") || "");
      return response.blob().then(function (blob) {
        var reader = new FileReader();
        reader.onload = function () {
          if (ask !== latest) return;
          image.src = reader.result;
          status.classList.remove("text-danger");
          status.textContent = timing ? image.dataset.drawnIn.replace("{ms}", Math.round(timing[1])) : "";
        };
        reader.readAsDataURL(blob);
      });
    }).catch(function () {
      if (ask === latest) status.textContent = image.dataset.failed;
    });
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }

  form.addEventListener("input", function (event) {
    if (event.target.type !== "file") soon();
  });
  // Text fields already redrew on "input"; selects and checkboxes only say "change".
  form.addEventListener("change", function (event) {
    if (event.target.matches("select, input[type=checkbox]")) soon();
  });
})();
