/* dailyarchive: draw each chart of the page from its inline Vega-Lite spec (no network, works from file://). */
(function () {
  "use strict";

  var OPTIONS = {
    renderer: "svg",
    logLevel: 1,
    actions: false,
    loader: { target: "_self" }
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
