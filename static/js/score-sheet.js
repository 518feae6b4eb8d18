// The judge's score sheet: its running total, and a question before typed scores are lost.
(function () {
  "use strict";
  var form = document.getElementById("score-sheet");
  if (!form) { return; }
  var out = document.getElementById("sheet-total");
  var inputs = form.querySelectorAll("input[data-weight]");
  var dirty = false;
  function update() {
    var total = 0, filled = 0;
    inputs.forEach(function (input) {
      var value = parseFloat(String(input.value).replace(",", "."));
      if (!isNaN(value)) { total += value * parseFloat(input.dataset.weight); filled += 1; }
    });
    out.textContent = filled === inputs.length ? total.toFixed(2) : "—";
  }
  update();
  form.addEventListener("input", function () { dirty = true; update(); });
  form.addEventListener("submit", function () { dirty = false; });
  // Scores typed but not saved would be lost by following a link: ask first.
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();
