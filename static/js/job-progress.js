// A background job's page: poll its JSON status and move the progress bar until it ends.
(function () {
  var box = document.getElementById("batch-job");
  if (!box) return;
  var bar = box.querySelector("[data-bar]");
  var meter = box.querySelector("[role=progressbar]");
  var link = box.querySelector("[data-download]");
  function show(status) {
    bar.className = bar.className.replace(/\bpct-\d+\b/, "pct-" + Math.max(0, Math.min(100, status.percent)));
    bar.classList.toggle("bg-success", status.status === "done");
    bar.classList.toggle("bg-danger", status.status === "failed");
    meter.setAttribute("aria-valuenow", status.done);
    meter.setAttribute("aria-valuemax", status.total);
    box.querySelector("[data-done]").textContent = status.done;
    box.querySelector("[data-total]").textContent = status.total;
    box.querySelectorAll("[data-state]").forEach(function (el) { el.hidden = el.dataset.state !== status.status; });
    var error = box.querySelector("[data-error]");
    error.textContent = status.error || "";
    error.hidden = !status.error;
    if (status.preflight_url) {
      var preflight = box.querySelector("[data-preflight]");
      preflight.href = status.preflight_url;
      preflight.classList.remove("d-none");
    }
    if (status.download_url) {
      link.href = status.download_url;
      link.classList.remove("d-none");
    }
  }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (status) {
        show(status);
        if (status.status !== "done" && status.status !== "failed") setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
