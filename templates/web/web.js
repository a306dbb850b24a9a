// taxdocs web checker: light progressive enhancement only. Everything works without it:
// the server decides which questions are shown ("Update the questions"), and this file just
// does the same on the spot.
(function () {
  "use strict";

  // 1. In each "what happened to the money" row, show "Into" and "Date deposited" only when
  //    they apply (the date: 60-day rollovers; "Into": rollovers and conversions).
  var NEEDS_DATE = { indirect_rollover: true };
  var NEEDS_TO = { indirect_rollover: true, direct_rollover: true, conversion: true, recharacterization: true };

  function syncRow(row) {
    var kind = row.querySelector(".use-kind select");
    if (!kind) { return; }
    var date = row.querySelector(".use-date input");
    var k = kind.value;
    // never hide a field that has a value or a message
    var dateKeep = date && (date.value || row.querySelector(".use-date.has-error"));
    row.classList.toggle("js-hide-date", !!k && !NEEDS_DATE[k] && !dateKeep);
    var to = row.querySelector(".use-to select");
    var toKeep = to && (to.value || row.querySelector(".use-to.has-error"));
    row.classList.toggle("js-hide-to", !!k && !NEEDS_TO[k] && !toKeep);
  }

  // 2. Open the spouse section when "Married filing jointly" is chosen.
  function syncSpouse() {
    var fs = document.querySelector("select[name='filing_status']");
    var sec = document.getElementById("spouse-section");
    if (fs && sec && fs.value === "mfj") { sec.open = true; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var rows = document.querySelectorAll(".use-row");
    Array.prototype.forEach.call(rows, function (row) {
      syncRow(row);
      var kind = row.querySelector(".use-kind select");
      if (kind) { kind.addEventListener("change", function () { syncRow(row); }); }
    });
    var fs = document.querySelector("select[name='filing_status']");
    if (fs) { fs.addEventListener("change", syncSpouse); }
    // 3. Move focus to the error summary so keyboard and screen reader users hear it first.
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
