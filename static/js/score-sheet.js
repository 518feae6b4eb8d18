/* The score sheet: the live total, drafts saved while the judge types.
 *
 * The rules are the server's (contest/domain/points.py): digits, at most one
 * decimal comma or point, no sign or exponent; 0..max; no more decimals than
 * the criterion's step, and a multiple of it. Arithmetic is on integers
 * (hundredths of a point × thousandths of weight), rounded half-up to two
 * decimals like the server, so the total shown is the total stored.
 */
(function () {
  "use strict";

  var PATTERN = /^([0-9]{1,7})(?:[.,]([0-9]+))?$/;

  function decimalsOf(text) {
    var dot = text.indexOf(".");
    return dot < 0 ? 0 : text.slice(dot + 1).replace(/0+$/, "").length;
  }

  // "46.5" → 46.5 × 10^scale as a BigInt (for the app's own numbers: max, step, weight).
  function scaled(text, scale) {
    var parts = String(text).split(".");
    var fraction = (parts[1] || "").padEnd(scale, "0").slice(0, scale);
    return BigInt(parts[0] + fraction);
  }

  /* What the judge typed → {empty}, {hundredths} or {problem}. */
  function parsePoints(typed, max, step) {
    var raw = String(typed).trim();
    if (raw === "") { return {empty: true}; }
    var match = PATTERN.exec(raw);
    if (!match) { return {problem: "not_a_number"}; }
    var fraction = (match[2] || "").replace(/0+$/, "");
    var scale = Math.max(fraction.length, 2);
    var value = BigInt(match[1] + fraction.padEnd(scale, "0"));
    if (value > scaled(max, scale)) { return {problem: "out_of_range"}; }
    if (fraction.length > decimalsOf(String(step))) { return {problem: "too_precise"}; }
    var hundredths = value / (10n ** BigInt(scale - 2));
    if (hundredths % scaled(step, 2) !== 0n) { return {problem: "off_step"}; }
    return {hundredths: hundredths};
  }

  /* Σ points × weight as the server shows it ("77.50"), or null while a score is missing or wrong. */
  function total(rows) {
    var sum = 0n;
    for (var i = 0; i < rows.length; i++) {
      var parsed = parsePoints(rows[i].typed, rows[i].max, rows[i].step);
      if (parsed.hundredths === undefined) { return null; }
      sum += parsed.hundredths * scaled(rows[i].weight, 3);
    }
    var hundredths = (sum + 500n) / 1000n;  // 10^-5 units → hundredths, half-up
    var text = hundredths.toString().padStart(3, "0");
    return text.slice(0, -2) + "." + text.slice(-2);
  }

  window.ScoreSheet = {parsePoints: parsePoints, total: total};

  var form = document.getElementById("score-sheet");
  if (!form) { return; }
  var out = document.getElementById("sheet-total");
  var status = document.getElementById("autosave-status");
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-weight]"));
  var saveUrl = form.dataset.autosaveUrl;
  var dirty = false, timer = null, inFlight = false;

  function rows() {
    return inputs.map(function (input) {
      return {typed: input.value, max: input.dataset.max, step: input.dataset.step,
              weight: input.dataset.weight};
    });
  }

  function check() {
    var valid = true;
    inputs.forEach(function (input) {
      var parsed = parsePoints(input.value, input.dataset.max, input.dataset.step);
      var wrong = parsed.problem !== undefined;
      input.classList.toggle("is-invalid", wrong);
      input.setAttribute("aria-invalid", wrong ? "true" : "false");
      var note = document.getElementById(input.id + "-live");
      if (note) {
        note.textContent = wrong ? message(parsed.problem, input) : "";
        note.hidden = !wrong;
      }
      if (wrong) { valid = false; }
    });
    var shown = total(rows());
    out.textContent = shown === null ? "—" : shown;
    return valid;
  }

  // data-msg-off-step="In steps of {step}." on the form, {max} and {step} from the input.
  function message(problem, input) {
    var key = "msg" + problem.split("_").map(function (word) {
      return word.charAt(0).toUpperCase() + word.slice(1);
    }).join("");
    return (form.dataset[key] || "").replace("{max}", input.dataset.max).replace("{step}", input.dataset.step);
  }

  function body() {
    var data = new FormData(form);
    data.delete("save_draft");
    data.delete("submit_scores");
    return data;
  }

  function save() {
    timer = null;
    if (!saveUrl || !dirty || inFlight || !check()) { return; }
    inFlight = true;
    dirty = false;
    fetch(saveUrl, {method: "POST", body: body(), credentials: "same-origin",
                    headers: {"X-Requested-With": "fetch"}})
      .then(function (response) { return response.json().then(function (json) { return [response, json]; }); })
      .then(function (pair) {
        if (pair[1].saved) { status.textContent = pair[1].message; }
        else { dirty = true; status.textContent = form.dataset.msgNotSaved; }
      })
      .catch(function () { dirty = true; status.textContent = form.dataset.msgNotSaved; })
      .finally(function () { inFlight = false; });
  }

  check();
  form.addEventListener("input", function () {
    dirty = true;
    check();
    if (saveUrl) {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, 1200);
    }
  });
  form.addEventListener("submit", function () { dirty = false; saveUrl = null; });
  // The tab is closed or hidden: send what was typed, the browser delivers it afterwards.
  function flush() {
    if (saveUrl && dirty && check() && navigator.sendBeacon(saveUrl, body())) { dirty = false; }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flush(); }
  });
  window.addEventListener("pagehide", flush);
  window.addEventListener("beforeunload", function (event) {
    flush();
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();
