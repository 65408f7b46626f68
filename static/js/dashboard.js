// God-view screens: quiet fallbacks for lazy regions owned by other areas, and keyboard steps
// in the growth review. No inline scripts (CSP); wired by data attributes.
(function () {
  "use strict";

  // A lazy region with data-quiet-fail shows neutral text instead of a skeleton forever when its
  // endpoint fails (e.g. another area's partial that is not deployed yet).
  document.addEventListener("htmx:responseError", function (event) {
    const element = event.detail.elt;
    if (!element || !element.hasAttribute("data-quiet-fail")) return;
    const text = element.getAttribute("data-quiet-fail");
    element.removeAttribute("hx-trigger");
    element.innerHTML = "";
    if (text) {
      const note = document.createElement("p");
      note.className = "empty-state quiet-fail";
      note.textContent = text;
      element.appendChild(note);
    }
  });
  document.addEventListener("htmx:sendError", function (event) {
    const element = event.detail.elt;
    if (element && element.hasAttribute("data-quiet-fail")) element.innerHTML = "";
  });

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
