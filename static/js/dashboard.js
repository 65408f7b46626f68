// God-view screens: keyboard steps in the growth review (failed regions: app.js).
// No inline scripts (CSP); wired by data attributes.
(function () {
  "use strict";

  // Growth review: j / → next client, k / ← previous (links carry data-step).
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    // Right to left, the next client is to the left.
    const rtl = document.documentElement.dir === "rtl";
    let step = null;
    if (event.key === (rtl ? "ArrowLeft" : "ArrowRight") || event.key === "j") step = "next";
    if (event.key === (rtl ? "ArrowRight" : "ArrowLeft") || event.key === "k") step = "previous";
    if (!step) return;
    const link = document.querySelector('a[data-step="' + step + '"]');
    if (link) { event.preventDefault(); link.click(); }
  });
})();
