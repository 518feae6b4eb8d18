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
