// Small behaviours shared by every screen. No inline scripts anywhere (CSP): pages carry data
// attributes and this file wires them up on every htmx load.
(function () {
  "use strict";

  // Buttons with data-copy-target copy that element's text to the clipboard.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy-target]");
    if (!button) return;
    const source = document.querySelector(button.dataset.copyTarget);
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.innerText).then(function () {
      const label = button.textContent;
      button.textContent = button.dataset.copiedLabel || (typeof gettext === "function" ? gettext("Copied") : "Copied");
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });
})();

// Forms answer 422 (invalid input, re-rendered with the values typed) or 409 (already sent,
// read-only): htmx 2 does not swap 4xx by default, so let these two replace their target.
document.addEventListener("htmx:beforeSwap", function (event) {
  const status = event.detail.xhr.status;
  if (status === 422 || status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// The top bar folds into a menu on a phone: the button opens and closes it (CSS shows the bar
// whole when wide, and without this script). The language menu submits on change.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-menu-toggle]");
    if (!button) return;
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    if (menu) menu.classList.toggle("is-open", open);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const button = document.querySelector('[data-menu-toggle][aria-expanded="true"]');
    if (button) { button.click(); button.focus(); }
  });
  document.addEventListener("change", function (event) {
    const select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });
})();

// Right to left, arrows that mean a direction point the other way ("← Previous" reads
// "→ السابق"): ← and → are not mirrored by the Unicode bidi algorithm, so swap them in the text
// of each page and swapped-in region. Form fields and code are left alone.
(function () {
  "use strict";
  if (document.documentElement.dir !== "rtl") return;
  const swap = { "←": "→", "→": "←" };
  const done = new WeakSet();  // a text node is mirrored once, however often its region loads
  function mirror(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        if (done.has(node) || !/[←→]/.test(node.nodeValue)) return NodeFilter.FILTER_REJECT;
        const parent = node.parentElement;
        if (!parent || parent.closest("textarea, pre, code, script, [data-no-mirror]")) return NodeFilter.FILTER_REJECT;
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) { done.add(node); node.nodeValue = node.nodeValue.replace(/[←→]/g, function (c) { return swap[c]; }); });
  }
  function start() {
    if (typeof htmx !== "undefined") htmx.onLoad(mirror);
    else mirror(document.body);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// A quick form asked for by a tap opens where the person is looking: on a phone the panel it
// lands in sits below the whole list, so bring it into view and put the cursor in its first field.
document.addEventListener("htmx:afterSwap", function (event) {
  const config = event.detail.requestConfig || {};
  const trigger = config.triggeringEvent;
  if (!trigger || (trigger.type !== "click" && trigger.type !== "touchend")) return;
  const target = event.detail.target;
  if (!target || !target.querySelector || !target.querySelector("form")) return;
  const box = target.getBoundingClientRect();
  if (box.top >= 0 && box.top < window.innerHeight - 80) return;
  const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  target.scrollIntoView({ block: "start", behavior: reduce ? "auto" : "smooth" });
  const field = target.querySelector("input:not([type=hidden]), select, textarea");
  if (field) field.focus({ preventScroll: true });
});
