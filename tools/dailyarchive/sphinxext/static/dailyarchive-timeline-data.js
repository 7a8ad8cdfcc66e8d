/* dailyarchive: the timeline's data (the year files of _timeline/), dates in words, filters, lanes and
   its own filter form; dailyarchive-timeline.js draws it. No network: the data files are scripts
   (works from file://) that call DailyArchiveTimeline.setManifest / addYear. */
(function () {
  "use strict";

  var DAY = 86400000;
  var MAX_LANES = 12;
  var PRECISION = ["day", "month", "year"];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];

  var api = window.DailyArchiveTimeline = window.DailyArchiveTimeline || { queue: [] };
  var store = { manifest: null, years: {}, pending: {} };

  /* ---- data files (called by the generated scripts) ---- */

  api.setManifest = function (manifest) { store.manifest = manifest; };
  api.manifestCount = function () { return store.manifest ? store.manifest.count : null; };
  api.addYear = function (year, data) { store.years[year] = decodeYear(data); };
  (api.queue || []).splice(0).forEach(function (call) { api[call[0]].apply(null, call[1]); });

  function loadScript(url) {
    if (store.pending[url]) { return store.pending[url]; }
    store.pending[url] = new Promise(function (resolve, reject) {
      var element = document.createElement("script");
      element.src = url;
      element.onload = function () { resolve(); };
      element.onerror = function () { reject(new Error("could not load " + url)); };
      document.head.appendChild(element);
    });
    return store.pending[url];
  }

  function decodeYear(data) {
    var manifest = store.manifest;
    var bulletins = data.bulletins.map(function (b) {
      return { id: b[0], version: b[1], url: b[2], title: b[3], series: b[4], tags: b[5], date: b[6] };
    });
    var events = [];
    data.events.forEach(function (row) {
      var x0 = row[0] * DAY, x1 = (row[1] + 1) * DAY;
      if (!isFinite(x0) || !isFinite(x1) || x1 <= x0 || !bulletins[row[7]]) { return; }  /* never a mark it cannot place */
      var place = manifest.places[row[4]] ? row[4] : -1;
      var actors = row[5].filter(function (a) { return !!manifest.actors[a]; });
      var bulletin = bulletins[row[7]];
      var names = [place >= 0 ? manifest.places[place][0] : ""].concat(actors.map(function (a) { return manifest.actors[a][0]; }));
      events.push({
        x0: x0, x1: x1, precision: PRECISION[row[2]] || "day", qualifier: row[3], place: place, actors: actors,
        what: row[6], bulletin: bulletin, text: row[8], index: row[9], point: x1 - x0 === DAY,
        words: (row[6] + " " + names.join(" ") + " " + bulletin.title).toLowerCase()
      });
    });
    return events;
  }

  /* ---- dates in words ---- */

  function utc(ms) { return new Date(ms); }
  function isoDay(ms) { return utc(ms).toISOString().slice(0, 10); }
  function dayWords(ms) { var d = utc(ms); return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear(); }

  function when(event) {
    var d = utc(event.x0), words;
    if (event.precision === "year" && event.x1 - event.x0 > 300 * DAY) {
      words = String(d.getUTCFullYear());
    } else if (event.precision === "month" && event.x1 - event.x0 > 27 * DAY) {
      words = MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
    } else if (event.point) {
      words = dayWords(event.x0);
    } else {
      words = "between " + dayWords(event.x0) + " and " + dayWords(event.x1 - DAY);
    }
    var known = event.precision === "day" && event.point ? "to the day" : "to the " + event.precision;
    return words + " (known " + known + (event.qualifier ? ", " + event.qualifier : "") + "; written " + event.text + ")";
  }

  /* ---- filters ---- */

  /* The index of a name given by its slug, or by its name as the search page's address gives it. */
  function slugIndex(list, slug, at) {
    var lower = slug.trim().toLowerCase();
    for (var i = 0; i < list.length; i++) { if (list[i][at] === slug) { return i; } }
    for (var j = 0; j < list.length; j++) { if (String(list[j][at === 0 ? 1 : 0]).toLowerCase() === lower) { return j; } }
    return -2;  /* a name this archive does not know: nothing matches */
  }

  function placeAndBelow(places, index) {
    var inside = {};
    places.forEach(function (entry, i) {
      var seen = 0;
      for (var p = i; p >= 0 && seen < 64; p = places[p][2], seen++) {
        if (p === index) { inside[i] = true; break; }
      }
    });
    return inside;
  }

  function compile(state, fixed) {
    var m = store.manifest, f = {};
    var place = fixed.place || state.place, actor = fixed.actor || state.actor;
    var tag = fixed.tag || state.tag, series = fixed.series || state.series;
    if (place) { f.placeIndex = slugIndex(m.places, place, 1); f.places = placeAndBelow(m.places, f.placeIndex); }
    if (actor) { f.actor = slugIndex(m.actors, actor, 1); }
    if (tag) { f.tag = slugIndex(m.tags, tag, 1); }
    if (series) { f.series = slugIndex(m.series, series, 0); }
    f.q = (state.q || "").trim().toLowerCase();
    return f;
  }

  function passes(event, f) {
    if (f.places && !f.places[event.place]) { return false; }
    if (f.actor !== undefined && event.actors.indexOf(f.actor) === -1) { return false; }
    if (f.tag !== undefined && event.bulletin.tags.indexOf(f.tag) === -1) { return false; }
    if (f.series !== undefined && event.bulletin.series !== f.series) { return false; }
    return !f.q || event.words.indexOf(f.q) !== -1;
  }

  /* ---- lanes ---- */

  function lanes(mode, f) {
    var m = store.manifest, chosen = [], lane = {};
    if (mode === "series") {
      m.series.forEach(function (s, i) { if (f.series === undefined || f.series === i) { chosen.push([s[1], i]); } });
      chosen.forEach(function (c) { lane[c[1]] = c[0]; });
      return { names: chosen.map(function (c) { return c[0]; }), of: function (e) { return lane[e.bulletin.series] || "Other series"; } };
    }
    var list = mode === "actor" ? m.actors : m.places;
    var count = mode === "actor" ? 2 : 3;
    list.forEach(function (entry, i) {
      if (entry[count] > 0 && (mode === "actor" ? f.actor === undefined || f.actor === i : !f.places || f.places[i])) {
        chosen.push([entry[0], i, entry[count]]);
      }
    });
    chosen.sort(function (a, b) { return b[2] - a[2] || (a[0] < b[0] ? -1 : 1); });
    chosen = chosen.slice(0, MAX_LANES).sort(function (a, b) { return a[0] < b[0] ? -1 : 1; });
    chosen.forEach(function (c) { lane[c[1]] = c[0]; });
    var other = mode === "actor" ? "Other actors" : "Other places", none = mode === "actor" ? "No known actor" : "No known place";
    var of = mode === "actor" ? function (e) {
      for (var i = 0; i < e.actors.length; i++) { if (lane[e.actors[i]]) { return lane[e.actors[i]]; } }
      return e.actors.length ? other : none;
    } : function (e) {
      for (var p = e.place, seen = 0; p >= 0 && seen < 64; p = m.places[p][2], seen++) { if (lane[p]) { return lane[p]; } }
      return e.place >= 0 ? other : none;
    };
    return { names: chosen.map(function (c) { return c[0]; }).concat([other, none]), of: of };
  }

  function csvCell(value) {
    var text = String(value === undefined || value === null ? "" : value);
    if (/^[=+\-@\t\r]/.test(text)) { text = "'" + text; }  /* a spreadsheet never reads a cell as a formula */
    return /[",\r\n]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
  }

  /* ---- a filter form of its own, on pages without the list's (the chronology of a large archive, name pages) ---- */

  function option(value, text) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = text;
    return element;
  }

  function field(form, label, control) {
    var wrapper = document.createElement("label");
    wrapper.appendChild(document.createTextNode(label + " "));
    wrapper.appendChild(control);
    form.appendChild(wrapper);
    form.appendChild(document.createTextNode(" "));
  }

  function buildForm(self) {
    if (document.querySelector("form.dailyarchive-events-filter")) { return; }
    var m = store.manifest, controls = {};
    var form = document.createElement("form");
    form.className = "dailyarchive-timeline-filter";
    var kinds = [["place", "Place (and the places inside it)", m.places, 1, 3], ["actor", "Actor", m.actors, 1, 2],
      ["tag", "Tag", m.tags, 1, -1], ["series", "Series", m.series.map(function (s) { return [s[1], s[0]]; }), 1, -1]];
    kinds.forEach(function (kind) {
      if (self.fixed[kind[0]] || kind[2].length < 1) { return; }
      var select = document.createElement("select");
      select.appendChild(option("", "any"));
      kind[2].filter(function (entry) { return kind[4] < 0 || entry[kind[4]] > 0; }).forEach(function (entry) {
        select.appendChild(option(entry[kind[3]], entry[0]));
      });
      controls[kind[0]] = select;
      field(form, kind[1], select);
    });
    [["q", "Words", "search"], ["from", "From", "date"], ["to", "to", "date"]].forEach(function (kind) {
      var input = document.createElement("input");
      input.type = kind[2];
      controls[kind[0]] = input;
      field(form, kind[1], input);
    });
    function show(state) {
      Object.keys(controls).forEach(function (key) {
        if (controls[key].value !== (state[key] || "")) { controls[key].value = state[key] || ""; }
      });
    }
    function changed() {
      var changes = {};
      Object.keys(controls).forEach(function (key) { changes[key] = controls[key].value.trim(); });
      changes.q = changes.q.toLowerCase();
      self.filters.set(changes, "form");
    }
    Object.keys(controls).forEach(function (key) {
      controls[key].addEventListener(controls[key].tagName === "SELECT" ? "change" : "input", changed);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    self.filters.on(show);
    show(self.state);
    var where = self.figure.querySelector(".dailyarchive-timeline-controls");
    where.parentNode.insertBefore(form, where);
  }

  api.data = {
    DAY: DAY, store: store, loadScript: loadScript, isoDay: isoDay, dayWords: dayWords, when: when,
    compile: compile, passes: passes, lanes: lanes, csvCell: csvCell, buildForm: buildForm, slugIndex: slugIndex
  };
})();
