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
  const root = document.documentElement;
  root.classList.add("js");
  // Fold at a phone's or a tablet's width, and on a wide screen whose labels do not fit the bar
  // on one line (French and Russian labels are longer).
  function fold() {
    root.classList.remove("folded");
    const menu = document.querySelector(".topbar-menu");
    const wraps = menu && ([...menu.querySelectorAll(".mainnav a")].some(function (a) { return a.offsetHeight > 40; })
      || menu.scrollWidth > menu.clientWidth + 1);
    if (window.innerWidth <= 1180 || wraps) root.classList.add("folded");
  }
  fold();
  let pending = false;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; fold(); });
  });
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

// "Save view" keeps the filters the address shows now (htmx changes them without a reload).
document.addEventListener("submit", function (event) {
  const form = event.target.closest("form[data-saved-view]");
  if (form) form.querySelector("[name=query]").value = window.location.search.replace(/^\?/, "");
});

// The top bar's search: "/" anywhere but in a field puts the cursor in it (on a phone the menu
// opens first); Escape in it clears the list under it.
(function () {
  "use strict";
  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable=true]") !== null;
  }
  document.addEventListener("keydown", function (event) {
    const box = document.querySelector("[data-search-box]");
    if (!box) return;
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target)) {
      event.preventDefault();
      const toggle = document.querySelector('[data-menu-toggle][aria-expanded="false"]');
      if (toggle && box.offsetParent === null) toggle.click();
      box.focus();
      box.select();
    } else if (event.key === "Escape" && event.target === box) {
      const list = document.getElementById(box.getAttribute("aria-controls"));
      if (list) list.innerHTML = "";
    }
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

// Nothing fails silently (issue 18): a lazy region whose request fails shows why and a Retry
// button instead of a skeleton forever; a form whose save fails says so and keeps what was typed;
// a filter change that fails puts the filter bar back to the filters the figures are for.
(function () {
  "use strict";
  // Words come translated from base.html's #ui-text (data attributes); English if it is missing.
  const words = (document.getElementById("ui-text") || { dataset: {} }).dataset;
  const text = {
    region: words.region || "This section could not load",
    form: words.form || "Not saved",
    filters: words.filters || "The filters were not applied",
    server: function (status) { return (words.server || "the server answered %s.").replace("%s", status); },
    network: words.network || "the server could not be reached.",
    kept: words.kept || "What you typed is still here; try again.",
    shown: words.shown || "The figures below are still for the filters shown.",
    retry: words.retry || "Retry",
  };

  function reason(event) {
    const xhr = event.detail.xhr;
    return xhr && xhr.status ? text.server(xhr.status) : text.network;
  }

  function isLazyRegion(element) {
    return /(^|[\s,])load([\s,]|$)/.test(element.getAttribute("hx-trigger") || "");
  }

  function regionFailed(element, event) {
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    // A region the viewer may not see (404/403) stays quietly empty when the page says so.
    if (element.hasAttribute("data-quiet-fail") && (status === 404 || status === 403)) {
      element.removeAttribute("hx-trigger");
      element.replaceChildren();
      const quiet = element.getAttribute("data-quiet-fail");
      if (quiet) {
        const note = document.createElement("p");
        note.className = "empty-state quiet-fail";
        note.textContent = quiet;
        element.appendChild(note);
      }
      return;
    }
    const url = element.getAttribute("hx-get");
    const box = document.createElement("div");
    box.className = "region-error";
    box.setAttribute("role", "alert");
    const message = document.createElement("p");
    message.textContent = text.region + ": " + reason(event);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small region-retry";
    button.textContent = text.retry;
    button.addEventListener("click", function () {
      button.disabled = true;
      element.setAttribute("aria-busy", "true");
      htmx.ajax("GET", url, { source: element, target: element, swap: element.getAttribute("hx-swap") || "innerHTML" });
    });
    box.append(message, button);
    const header = element.querySelector(":scope > .card-header");
    element.replaceChildren(...(header ? [header, box] : [box]));
    element.setAttribute("aria-busy", "false");
  }

  function filtersFailed(form, event) {
    form.querySelectorAll("select[data-applied]").forEach(function (select) { select.value = select.dataset.applied; });
    showFormError(form, text.filters + ": " + reason(event) + " " + text.shown);
  }

  function showFormError(form, message) {
    let note = form.querySelector(":scope > .form-error.save-failed");
    if (!note) {
      note = document.createElement("p");
      note.className = "form-error save-failed";
      note.setAttribute("role", "alert");
      form.prepend(note);
    }
    note.textContent = message;
  }

  function failed(event) {
    const element = event.detail.elt;
    if (!element || !element.closest) return;
    const form = element.closest("form");
    if (form && form.classList.contains("filterbar")) filtersFailed(form, event);
    else if (form) showFormError(form, text.form + ": " + reason(event) + " " + text.kept);
    else if (isLazyRegion(element)) regionFailed(element, event);
  }

  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:timeout", failed);

  // A request that goes through clears its form's failure note; the filter bar remembers the
  // filters the figures on screen are for.
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful) return;
    const form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
    if (!form) return;
    const note = form.querySelector(":scope > .form-error.save-failed");
    if (note) note.remove();
    if (form.classList.contains("filterbar")) remember(form);
  });

  function remember(root) {
    root.querySelectorAll("form.filterbar select").forEach(function (select) { select.dataset.applied = select.value; });
    if (root.matches && root.matches("form.filterbar")) {
      root.querySelectorAll("select").forEach(function (select) { select.dataset.applied = select.value; });
    }
  }
  if (typeof htmx !== "undefined") htmx.onLoad(remember);
})();
