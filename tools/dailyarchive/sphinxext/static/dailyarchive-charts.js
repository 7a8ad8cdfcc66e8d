/* dailyarchive: draw each chart of the page from its inline Vega-Lite spec (no network, works from file://). */
(function () {
  "use strict";

  var OPTIONS = {
    renderer: "svg",
    logLevel: 1,
    actions: { export: true, source: false, compiled: false, editor: false },
    loader: { target: "_self" }
  };

  function draw(figure) {
    var view = figure.querySelector(".dailyarchive-chart-view");
    var source = figure.querySelector("script.dailyarchive-chart-spec");
    if (!view || !source) { return; }
    if (typeof window.vegaEmbed !== "function") {
      view.textContent = "The chart library did not load; the table below holds the chart's data.";
      return;
    }
    var spec = JSON.parse(source.textContent);
    var root = figure.getAttribute("data-root") || "";
    var points = (spec.datasets && spec.datasets.points) || [];
    points.forEach(function (point) {
      if (point.url) { point.url = root + point.url; }
    });
    window.vegaEmbed(view, spec, OPTIONS).then(function () {
      figure.classList.add("dailyarchive-chart-ready");
    }).catch(function (error) {
      view.textContent = "The chart could not be drawn (" + error.message + "); the table below holds its data.";
    });
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.dailyarchive-chart"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
