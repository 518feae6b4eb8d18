// The settings page: add a blank row by copying the last one with the next free index;
// rows marked for removal are dimmed.
document.querySelectorAll("[data-add-row]").forEach(function (button) {
  var name = button.dataset.addRow;
  var container = document.querySelector('[data-rows="' + name + '"]');
  button.addEventListener("click", function () {
    var rows = container.querySelectorAll("[data-row]");
    var last = rows[rows.length - 1];
    var next = 0;
    container.querySelectorAll("[name^='" + name + "-']").forEach(function (el) {
      next = Math.max(next, parseInt(el.name.split("-")[1], 10) + 1);
    });
    var copy = last.cloneNode(true);
    var pattern = new RegExp("^" + name + "-\\d+-");
    copy.querySelectorAll("[name], [id], [for]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        if (el.hasAttribute(attr)) el.setAttribute(attr, el.getAttribute(attr).replace(pattern, name + "-" + next + "-"));
      });
      if (el.matches("input[type=checkbox]")) el.checked = false;
      else if (el.matches("input, textarea")) el.value = "";
      el.classList.remove("is-invalid");
    });
    copy.querySelectorAll(".invalid-feedback, .alert").forEach(function (el) { el.remove(); });
    copy.classList.remove("opacity-50");
    container.appendChild(copy);
    copy.querySelector("input").focus();
  });
});
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-remove-row]")) {
    event.target.closest("[data-row]").classList.toggle("opacity-50", event.target.checked);
  }
});
document.querySelectorAll("[data-remove-row]:checked").forEach(function (el) {
  el.closest("[data-row]").classList.add("opacity-50");
});
