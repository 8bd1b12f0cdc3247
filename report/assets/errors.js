// Records script errors, failed loads and console.error calls in the page
// itself (#report-errors), so that a broken timeline says why, and a
// headless browser's --dump-dom shows them to the tests.
(function () {
  "use strict";
  var errors = [];
  window.reportErrors = errors;
  function show() {
    var box = document.getElementById("report-errors");
    if (!box) { return; }
    box.hidden = errors.length === 0;
    box.textContent = errors.join("\n");
  }
  function record(msg) {
    errors.push(String(msg));
    show();
  }
  window.addEventListener("error", function (e) {
    if (e.target && e.target !== window && (e.target.src || e.target.href)) {
      record("load error: " + (e.target.src || e.target.href));
      return;
    }
    record("error: " + (e.message || e.type) + (e.lineno ? " (line " + e.lineno + ")" : ""));
  }, true);
  window.addEventListener("unhandledrejection", function (e) {
    record("unhandled rejection: " + (e.reason && e.reason.stack || e.reason));
  });
  var original = console.error;
  console.error = function () {
    record("console.error: " + Array.prototype.map.call(arguments, String).join(" "));
    return original.apply(console, arguments);
  };
  document.addEventListener("DOMContentLoaded", show);
})();
