// The screening page: one checkbox ticks or clears every entry on the page
// (input[data-tick-all] names the checkboxes it drives).
document.querySelectorAll("input[data-tick-all]").forEach(function (all) {
  var boxes = all.form.querySelectorAll('input[type=checkbox][name="' + all.dataset.tickAll + '"]');
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
});
