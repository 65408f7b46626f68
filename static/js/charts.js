// Draws every `.chart` on the page with plotly.js (served from the installed plotly package).
// Contract: <div class="chart" data-figure="ID"> beside {{ figure|json_script:"ID" }}, where the
// figure is {"data": [...], "layout": {...}} built by a pure charts.py module. Runs on each htmx
// load, so swapped-in widgets draw too; charts inside swapped-out regions are purged first.
(function () {
  "use strict";
  const config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };

  function draw(root) {
    if (typeof Plotly === "undefined") return;
    root.querySelectorAll(".chart[data-figure]").forEach(function (element) {
      if (element.dataset.drawn) return;
      const source = document.getElementById(element.dataset.figure);
      if (!source) return;
      const figure = JSON.parse(source.textContent);
      element.dataset.drawn = "1";
      Plotly.newPlot(element, figure.data, figure.layout || {}, config).then(function () {
        // A point with a link in its customdata (a heatmap cell) opens the rows behind it.
        element.on("plotly_click", function (event) {
          const point = event.points && event.points[0];
          const url = point && point.customdata;
          if (typeof url === "string" && url.charAt(0) === "/") window.location.assign(url);
        });
      });
    });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (typeof Plotly === "undefined") return;
    const target = event.detail.target;
    if (target) target.querySelectorAll(".chart[data-drawn]").forEach(function (el) { Plotly.purge(el); });
  });

  if (typeof htmx !== "undefined") {
    htmx.onLoad(draw);
  } else {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  }
})();
