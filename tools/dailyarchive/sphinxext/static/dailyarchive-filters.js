/* dailyarchive: one filter state for a page's chronology list and timeline, kept in the page's address.

   The state is place, actor, tag and series (slugs), from and to (YYYY-MM-DD), q (words) and lanes,
   in the query string (`?place=idlib-province&from=2019-07-01`), so a view can be shared and cited.
   The list (dailyarchive-chronology.js) and the timeline (dailyarchive-timeline.js) both read it
   and both change it; each listener hears every change. No network, works from file://. */
(function () {
  "use strict";

  var KEYS = ["place", "actor", "tag", "series", "from", "to", "q", "lanes"];
  var DAY = /^\d{4}-\d{2}-\d{2}$/;
  var listeners = [];
  var state = read();

  function valid(key, value) {
    if (!value) { return false; }
    if (key === "from" || key === "to") { return DAY.test(value) && !isNaN(Date.parse(value)); }
    return value.length <= 200;
  }

  function read() {
    var params = new URLSearchParams(window.location.search);
    var found = {};
    KEYS.forEach(function (key) {
      var value = params.get(key);
      if (valid(key, value)) { found[key] = value; }
    });
    return found;
  }

  function query(values) {
    var params = new URLSearchParams(window.location.search);
    KEYS.forEach(function (key) {
      if (values[key]) { params.set(key, values[key]); } else { params.delete(key); }
    });
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function write() {
    try {
      window.history.replaceState(window.history.state, "", window.location.pathname + query(state) + window.location.hash);
    } catch (error) {
      /* some browsers refuse to change the address of a file:// page: the state still holds */
    }
    Array.prototype.forEach.call(document.querySelectorAll("a[data-filters-carry]"), function (link) {
      link.search = query(state);
    });
  }

  function get() {
    var copy = {};
    Object.keys(state).forEach(function (key) { copy[key] = state[key]; });
    return copy;
  }

  /* Change some keys (an empty value removes one); tell every listener, with who changed it. */
  function set(changes, source) {
    var changed = false;
    Object.keys(changes).forEach(function (key) {
      if (KEYS.indexOf(key) === -1) { return; }
      var value = valid(key, changes[key]) ? changes[key] : "";
      if ((state[key] || "") !== value) {
        changed = true;
        if (value) { state[key] = value; } else { delete state[key]; }
      }
    });
    if (!changed) { return; }
    write();
    var now = get();
    listeners.forEach(function (listener) { listener(now, source); });
  }

  function on(listener) { listeners.push(listener); }

  function start() { write(); }

  window.DailyArchiveFilters = { get: get, set: set, on: on, query: function () { return query(state); } };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
