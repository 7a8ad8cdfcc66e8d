/* dailyarchive: draw each chart of the page from its inline Vega-Lite spec (no network, works from file://).

   The site's Content-Security-Policy allows no `eval`, no `Function` and no inline style, so
   Vega runs with its expression interpreter (`ast: true`: vega-interpreter, bundled with
   vega-embed in dailyarchive-vega.js), and neither vega-embed nor vega-tooltip adds its
   `<style>` element: their rules are in dailyarchive-charts.css. */
(function () {
  "use strict";

  var OPTIONS = {
    renderer: "svg",
    logLevel: 1,
    actions: false,
    loader: { target: "_self" },
    ast: true,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true }
  };

  function draw(figure) {
    var view = figure.querySelector(".dailyarchive-chart-view");
    var source = figure.querySelector("script.dailyarchive-chart-spec");
    if (!view || !source) { return; }
    if (typeof window.vegaEmbed !== "function") {
      fail(view, new Error("the chart library did not load"));
      return;
    }
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (error) {
      fail(view, error);
      return;
    }
    var root = figure.getAttribute("data-root") || "";
    var points = (spec.datasets && spec.datasets.points) || [];
    points.forEach(function (point) {
      if (point.url) { point.url = root + point.url; }
    });
    var target = document.createElement("div");
    view.appendChild(target);
    window.vegaEmbed(target, spec, OPTIONS).then(function () {
      figure.classList.add("dailyarchive-chart-ready");
    }).catch(function (error) { fail(view, error); });
  }

  function fail(view, error) {
    view.textContent = "The chart could not be drawn (" + error.message + "); the table below holds its data.";
    if (window.console) { window.console.error("dailyarchive chart:", error); }
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.dailyarchive-chart"), function (figure) {
      try {
        draw(figure);
      } catch (error) {
        fail(figure.querySelector(".dailyarchive-chart-view") || figure, error);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
