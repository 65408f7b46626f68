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
      button.textContent = button.dataset.copiedLabel || "Copied";
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
