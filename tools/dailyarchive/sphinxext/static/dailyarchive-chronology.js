/* dailyarchive: filter the events of a chronology page by place, actor, tag and words (no network). */
(function () {
  "use strict";

  function setUp(form) {
    var list = Array.prototype.slice.call(document.querySelectorAll("li.dailyarchive-event"));
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
    var words = form.querySelector("input[data-filter='words']");
    var count = form.querySelector(".dailyarchive-events-count");

    function apply() {
      var wanted = selects.map(function (s) { return s.value; }).filter(Boolean);
      var text = words ? words.value.trim().toLowerCase() : "";
      var shown = 0;
      list.forEach(function (item) {
        var ok = wanted.every(function (token) { return item.classList.contains(token); }) &&
          (!text || item.textContent.toLowerCase().indexOf(text) !== -1);
        item.hidden = !ok;
        if (ok) { shown += 1; }
      });
      Array.prototype.forEach.call(document.querySelectorAll("ul.dailyarchive-events"), function (ul) {
        var visible = Array.prototype.some.call(ul.children, function (li) { return !li.hidden; });
        ul.hidden = !visible;
        var heading = ul.previousElementSibling;
        if (heading && heading.classList.contains("rubric")) { heading.hidden = !visible; }
      });
      if (count) {
        count.textContent = (wanted.length || text) ? shown + " of " + list.length + " events shown" : "";
      }
    }

    selects.forEach(function (s) { s.addEventListener("change", apply); });
    if (words) { words.addEventListener("input", apply); }
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    if (presetFromAddress(selects)) { apply(); }
  }

  /** Select the names the address gives (`?place=…&actor=…&tag=…`, the parameters the search page reads,
   * which the place, actor and tag pages link with); true when one was found on this page. */
  function presetFromAddress(selects) {
    var query = new URLSearchParams(window.location.search);
    var given = { places: query.get("place"), actors: query.get("actor"), tags: query.get("tag") };
    var found = false;
    selects.forEach(function (s) {
      var wanted = (given[s.getAttribute("data-filter")] || "").trim().toLowerCase();
      Array.prototype.forEach.call(s.options, function (option) {
        if (wanted && option.value && option.text.trim().toLowerCase() === wanted) { s.value = option.value; found = true; }
      });
    });
    return found;
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form.dailyarchive-events-filter"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
