/* dailyarchive: filter the events of a chronology page by place, actor, tag, series, dates and words
   (no network). The choice lives in the shared filter state (dailyarchive-filters.js), so the
   timeline of the page shows the same events and the address keeps the view. */
(function () {
  "use strict";

  var PREFIX = { places: "place", actors: "actor", tags: "tag", series: "series" };
  var TOKEN = { place: "p-", actor: "a-", tag: "t-", series: "s-" };

  function span(item) {
    for (var i = 0; i < item.classList.length; i++) {
      var match = /^d-(\d{8})-(\d{8})$/.exec(item.classList[i]);
      if (match) { return [match[1], match[2]]; }
    }
    return null;
  }

  /* The option a state value names: its slug, or its name as the search page writes it (`?place=Idlib`). */
  function optionFor(select, prefix, wanted) {
    if (!wanted) { return ""; }
    var lower = wanted.trim().toLowerCase(), found = "";
    Array.prototype.forEach.call(select.options, function (o) {
      if (o.value && (o.value === prefix + wanted || o.text.trim().toLowerCase() === lower)) { found = found || o.value; }
    });
    return found;
  }

  /* The state with names given as in the search page's address turned into the slugs of this page's options. */
  function bySlug(state, selects) {
    var fixed = {};
    Object.keys(state).forEach(function (key) { fixed[key] = state[key]; });
    selects.forEach(function (select) {
      var key = PREFIX[select.getAttribute("data-filter")];
      var value = optionFor(select, TOKEN[key], state[key]);
      if (value) { fixed[key] = value.slice(2); }
    });
    return fixed;
  }

  function matches(item, state, text) {
    var ok = Object.keys(TOKEN).every(function (key) {
      return !state[key] || item.classList.contains(TOKEN[key] + state[key]);
    });
    if (ok && (state.from || state.to)) {
      var days = span(item);
      var from = (state.from || "").replace(/-/g, ""), to = (state.to || "").replace(/-/g, "");
      ok = !!days && (!from || days[1] >= from) && (!to || days[0] <= to);
    }
    return ok && (!text || item.textContent.toLowerCase().indexOf(text) !== -1);
  }

  function setUp(form) {
    var list = Array.prototype.slice.call(document.querySelectorAll("li.dailyarchive-event"));
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
    var words = form.querySelector("input[data-filter='words']");
    var from = form.querySelector("input[data-filter='from']");
    var to = form.querySelector("input[data-filter='to']");
    var count = form.querySelector(".dailyarchive-events-count");
    var filters = window.DailyArchiveFilters;

    function show(state) {
      selects.forEach(function (select) {
        var key = PREFIX[select.getAttribute("data-filter")];
        select.value = optionFor(select, TOKEN[key], state[key]);
      });
      if (words && words.value.trim().toLowerCase() !== (state.q || "")) { words.value = state.q || ""; }
      if (from) { from.value = state.from || ""; }
      if (to) { to.value = state.to || ""; }
    }

    function apply(state) {
      var text = (state.q || "").trim().toLowerCase();
      var shown = 0;
      list.forEach(function (item) {
        var ok = matches(item, state, text);
        item.hidden = !ok;
        if (ok) { shown += 1; }
      });
      Array.prototype.forEach.call(document.querySelectorAll("ul.dailyarchive-events"), function (ul) {
        var visible = Array.prototype.some.call(ul.children, function (li) { return !li.hidden; });
        ul.hidden = !visible;
        var heading = ul.previousElementSibling;
        if (heading && heading.classList.contains("rubric")) { heading.hidden = !visible; }
      });
      var filtered = Object.keys(TOKEN).some(function (k) { return state[k]; }) || text || state.from || state.to;
      if (count) { count.textContent = filtered ? shown + " of " + list.length + " events shown" : ""; }
      form.setAttribute("data-shown", String(shown));
    }

    function changed() {
      var changes = {};
      selects.forEach(function (select) {
        changes[PREFIX[select.getAttribute("data-filter")]] = select.value.replace(/^[pats]-/, "");
      });
      changes.q = words ? words.value.trim().toLowerCase() : "";
      changes.from = from ? from.value : "";
      changes.to = to ? to.value : "";
      filters.set(changes, "list");
    }

    selects.forEach(function (s) { s.addEventListener("change", changed); });
    [words, from, to].forEach(function (input) { if (input) { input.addEventListener("input", changed); } });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    filters.on(function (state) { show(state); apply(bySlug(state, selects)); });
    show(filters.get());
    apply(bySlug(filters.get(), selects));
    form.hidden = false;
  }

  function start() {
    if (!window.DailyArchiveFilters) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("form.dailyarchive-events-filter"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
