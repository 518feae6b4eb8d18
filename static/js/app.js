// Small behaviours any page may use, by data attribute (no inline scripts: the CSP allows none).
// form[data-confirm]: ask before sending (starting judging, finalizing).
document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});
// [data-print]: print the page (the receipt).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
// [data-shown-when="name=value"]: shown only while the form's field `name` has `value`
// (the collective's representative on the entry form). Without script it stays shown.
document.querySelectorAll("[data-shown-when]").forEach(function (block) {
  var rule = block.dataset.shownWhen.split("=");
  var form = block.closest("form");
  if (!form) return;
  function update() {
    var chosen = form.querySelector("[name='" + rule[0] + "']:checked, select[name='" + rule[0] + "']");
    block.hidden = !chosen || chosen.value !== rule[1];
  }
  form.querySelectorAll("[name='" + rule[0] + "']").forEach(function (input) {
    input.addEventListener("change", update);
  });
  update();
});
