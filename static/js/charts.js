// Draws every `.chart` on the page with plotly.js (served from the installed plotly package).
// Contract: <div class="chart" data-figure="ID"> beside {{ figure|json_script:"ID" }}, where the
// figure is {"data": [...], "layout": {...}} built by a pure charts.py module. Runs on each htmx
// load, so swapped-in widgets draw too; charts inside swapped-out regions are purged first.
(function () {
  "use strict";
  const config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  // The page's language (base.html: {{ chart_locale|json_script:"chart-locale" }}): month and day
  // names and separators become a plotly locale; on a right-to-left page the x axis runs from the
  // right and the value axis sits on the right.
  let locale = null;

  function readLocale() {
    if (locale !== null || typeof Plotly === "undefined") return locale;
    const source = document.getElementById("chart-locale");
    locale = source ? JSON.parse(source.textContent) : {};
    if (locale.name && locale.name !== "en") {
      Plotly.register({
        moduleType: "locale",
        name: locale.name,
        dictionary: {},
        format: {
          days: locale.days, shortDays: locale.shortDays, months: locale.months, shortMonths: locale.shortMonths,
          decimal: locale.separators[0], thousands: locale.separators[1],
        },
      });
      config.locale = locale.name;
    }
    return locale;
  }

  function localise(layout) {
    const here = readLocale() || {};
    if (here.separators) layout.separators = here.separators;
    if (here.rtl) {
      Object.keys(layout).forEach(function (key) {
        const axis = layout[key];
        if (/^xaxis\d*$/.test(key)) {
          if (Array.isArray(axis.range)) axis.range = [axis.range[1], axis.range[0]];
          else axis.autorange = "reversed";
        }
        if (/^yaxis\d*$/.test(key)) axis.side = "right";
      });
      const title = layout.title;
      if (title && typeof title === "object" && title.xanchor === "left") { title.x = 1 - (title.x || 0); title.xanchor = "right"; }
      const margin = layout.margin;
      if (margin && margin.l !== undefined) { const l = margin.l; margin.l = margin.r; margin.r = l; }
      if (!layout.xaxis) layout.xaxis = { autorange: "reversed" };
      if (!layout.yaxis) layout.yaxis = { side: "right" };
    }
    return layout;
  }

  function draw(root) {
    if (typeof Plotly === "undefined") return;
    root.querySelectorAll(".chart[data-figure]").forEach(function (element) {
      if (element.dataset.drawn) return;
      const source = document.getElementById(element.dataset.figure);
      if (!source) return;
      const figure = JSON.parse(source.textContent);
      element.dataset.drawn = "1";
      Plotly.newPlot(element, figure.data, localise(figure.layout || {}), config).then(function () {
        // A point opens the rows behind it: its trace's meta.links[i] (godview.charts.linked), or a
        // link in its customdata (a heatmap cell).
        element.on("plotly_click", function (event) {
          const point = event.points && event.points[0];
          if (!point) return;
          const links = point.data && point.data.meta && point.data.meta.links;
          const url = links ? links[point.pointIndex] : point.customdata;
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
