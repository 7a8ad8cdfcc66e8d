/* dailyarchive: the timeline of events, drawn with Vega from the year files of _timeline/ (no network).

   The data (dailyarchive-timeline-data.js) are script files (works from file://): _timeline/manifest.js
   (names, counts, months, years) and one _timeline/<year>.js per year, loaded only when the view
   reaches that year.
   Vega runs with its expression interpreter (`ast: true`) and adds no style element, as the
   site's Content-Security-Policy requires (see dailyarchive-charts.js). The filters are the
   page's shared filter state (dailyarchive-filters.js): the list and the timeline show the
   same events, and the visible span is the state's date range once the reader moves it.

   A day is a dot; a month, a year or a range of possible days is a bar across it; an
   approximate, uncertain or partly unknown date is outlined and dashed, and says so in its
   tooltip. An event whose dates cannot be placed is never drawn. */
(function () {
  "use strict";

  var data = window.DailyArchiveTimeline && window.DailyArchiveTimeline.data;
  if (!data) { return; }
  var DAY = data.DAY, store = data.store, loadScript = data.loadScript, isoDay = data.isoDay;
  var dayWords = data.dayWords, when = data.when, compile = data.compile, passes = data.passes;
  var lanes = data.lanes, csvCell = data.csvCell;
  var LEFT = 170, RIGHT = 12, TOP = 4, LANE_H = 24, GAP = 36, OVER_H = 46, BOTTOM = 26;
  var LOAD_ALL = 4000, CANVAS_FROM = 3000, MIN_SPAN = 3 * DAY;
  var COLOR = "#1f5fa8";
  var OPTIONS = {
    mode: "vega", logLevel: 1, actions: false, loader: { target: "_self" }, ast: true, defaultStyle: false,
    tooltip: { disableDefaultStyle: true }
  };

  /* ---- one timeline ---- */

  function Timeline(figure) {
    this.figure = figure;
    this.viewElement = figure.querySelector(".dailyarchive-timeline-view");
    this.status = figure.querySelector(".dailyarchive-timeline-status");
    this.root = figure.getAttribute("data-root") || "";
    this.folder = this.root + (figure.getAttribute("data-data") || "_timeline/");
    this.fixed = {};
    var self = this;
    ["place", "actor", "tag", "series"].forEach(function (key) {
      if (figure.getAttribute("data-" + key)) { self.fixed[key] = figure.getAttribute("data-" + key); }
    });
    this.filters = window.DailyArchiveFilters;
    this.state = this.filters.get();
    this.shown = [];
  }

  Timeline.prototype.start = function () {
    var self = this;
    var manifest = store.manifest ? Promise.resolve() : loadScript(this.folder + "manifest.js");
    return manifest.then(function () {
      var m = store.manifest;
      if (!m || !m.span) { self.say("No events to draw."); return null; }
      self.span = [m.span[0] * DAY, (m.span[1] + 1) * DAY];
      self.window = self.firstWindow();
      self.compiled = compile(self.state, self.fixed);
      self.lanes = lanes(self.state.lanes || "place", self.compiled);
      return self.load().then(function () { return self.draw(); });
    }).catch(function (error) {
      self.say("The timeline could not be drawn (" + error.message + "); the list of events holds the same events.");
      if (window.console) { window.console.error("dailyarchive timeline:", error); }
    });
  };

  Timeline.prototype.firstWindow = function () {
    var f = this.state.from || this.figure.getAttribute("data-from");
    var t = this.state.to || this.figure.getAttribute("data-to");
    if (f || t) {
      var lo = f ? Date.parse(f) : this.span[0], hi = t ? Date.parse(t) + DAY : this.span[1];
      if (isFinite(lo) && isFinite(hi) && hi > lo) { return this.clamp(lo, hi); }
    }
    var span = this.span, count = store.manifest.count, m = store.manifest;
    var own = this.fixed.place ? m.places[data.slugIndex(m.places, this.fixed.place, 1)] :
      this.fixed.actor ? m.actors[data.slugIndex(m.actors, this.fixed.actor, 1)] : null;
    if (own && own.length > (this.fixed.place ? 5 : 4)) {  /* a name's page opens on its own events */
      var at = this.fixed.place ? 4 : 3;
      span = [own[at] * DAY, (own[at + 1] + 1) * DAY];
      count = span[1] - span[0] <= 3 * 366 * DAY ? 0 : count;
    }
    if (count <= LOAD_ALL) { return this.clamp(span[0] - DAY, span[1] + DAY); }
    return this.clamp(span[1] - 365 * DAY, span[1] + DAY);
  };

  Timeline.prototype.clamp = function (lo, hi) {
    var most = Math.max(this.span[1] - this.span[0], 14 * DAY) * 1.2;
    var span = Math.min(Math.max(hi - lo, MIN_SPAN), most);
    var middle = Math.min(Math.max((lo + hi) / 2, this.span[0]), this.span[1]);
    /* whole days: the list's date range, the marks and the export then agree on every edge */
    var first = Math.round((middle - span / 2) / DAY) * DAY, last = Math.round((middle + span / 2) / DAY) * DAY;
    return [first, Math.max(last, first + MIN_SPAN)];
  };

  /* The years whose events may reach into the view (a year file holds the events that begin in it). */
  Timeline.prototype.neededYears = function () {
    var lo = this.window[0], hi = this.window[1], years = store.manifest.years;
    return Object.keys(years).filter(function (year) {
      var begins = Date.UTC(Number(year), 0, 1);
      return begins < hi && (years[year].reach + 1) * DAY > lo;
    });
  };

  Timeline.prototype.load = function () {
    var self = this;
    var missing = this.neededYears().filter(function (year) { return !store.years[year]; });
    if (!missing.length) { return Promise.resolve(false); }
    this.say("Loading the events of " + missing.join(", ") + " …");
    return Promise.all(missing.map(function (year) { return loadScript(self.folder + year + ".js"); }))
      .then(function () { return true; });
  };

  /* Whether an event's mark lies in [lo, hi]: a bar that overlaps it, a dot whose day's middle is in it. */
  function inside(event, lo, hi) {
    if (event.point) { var middle = event.x0 + DAY / 2; return middle >= lo && middle <= hi; }
    return event.x1 > lo && event.x0 < hi;
  }

  /* The events that pass the filters, among the loaded years, whose marks lie in [lo, hi]. */
  Timeline.prototype.select = function (lo, hi) {
    var f = this.compiled, found = [];
    this.neededYears().forEach(function (year) {
      (store.years[year] || []).forEach(function (event) {
        if (inside(event, lo, hi) && passes(event, f)) { found.push(event); }
      });
    });
    found.sort(function (a, b) { return a.x0 - b.x0 || a.x1 - b.x1; });
    return found;
  };

  Timeline.prototype.rows = function () {
    var span = this.window[1] - this.window[0];
    this.buffer = [this.window[0] - 2 * span, this.window[1] + 2 * span];
    var self = this, of = this.lanes.of;
    var events = this.select(this.buffer[0], this.buffer[1]);
    var used = {};
    var rows = events.map(function (event) {
      var lane = of(event);
      used[lane] = true;
      var q = !!event.qualifier;
      return {
        key: event.bulletin.id + "#" + event.index, x0: event.x0, x1: event.x1, mid: event.x0 + DAY / 2, lane: lane,
        q: q ? 1 : 0,
        opacity: q ? 0.12 : 0.55, dash: q ? [4, 3] : [1, 0], fill: q ? "white" : COLOR, stroke: q ? 1.5 : 0.5,
        href: self.root + event.bulletin.url, tip: self.tooltip(event)
      };
    });
    this.laneNames = this.lanes.names.filter(function (name, i) {
      return i < self.lanes.names.length - 2 || used[name];
    });
    if (!this.laneNames.length) { this.laneNames = ["No events"]; }
    return rows;
  };

  Timeline.prototype.tooltip = function (event) {
    var m = store.manifest;
    return {
      title: event.what.length > 160 ? event.what.slice(0, 157) + "…" : event.what,
      "Date": when(event),
      "Place": event.place >= 0 ? m.places[event.place][0] : "not named",
      "Actors": event.actors.length ? event.actors.map(function (a) { return m.actors[a][0]; }).join(", ") : "not named",
      "Reported in": event.bulletin.title + " (" + event.bulletin.date + ", version " + event.bulletin.version + ")"
    };
  };

  Timeline.prototype.size = function () {
    var width = Math.max(320, Math.floor(this.viewElement.getBoundingClientRect().width || 640));
    return { width: width, plotW: width - LEFT - RIGHT, detailH: this.laneNames.length * LANE_H };
  };

  Timeline.prototype.spec = function (rows) {
    var size = this.size();
    var m = store.manifest;
    var months = m.months.map(function (entry) {
      var parts = entry[0].split("-");
      return { t0: Date.UTC(+parts[0], +parts[1] - 1, 1), t1: Date.UTC(+parts[0], +parts[1], 1), n: entry[1] };
    });
    var laneData = this.laneNames.map(function (name) { return { name: name }; });
    return {
      $schema: "https://vega.github.io/schema/vega/v6.json",
      width: size.width, height: TOP + size.detailH + GAP + OVER_H + BOTTOM, padding: 0, autosize: "none",
      background: "white", description: "Timeline of the events; the list of events is its text alternative.",
      signals: [
        { name: "lo", value: this.window[0] }, { name: "hi", value: this.window[1] },
        { name: "plotW", value: size.plotW }, { name: "detailH", value: size.detailH }
      ],
      data: [
        { name: "lanes", values: laneData },
        { name: "bars", values: rows.filter(function (r) { return r.x1 - r.x0 > DAY; }) },
        { name: "points", values: rows.filter(function (r) { return r.x1 - r.x0 === DAY; }) },
        { name: "months", values: months }
      ],
      scales: [
        { name: "x", type: "time", domain: { signal: "[lo, hi]" }, range: [0, { signal: "plotW" }] },
        { name: "y", type: "band", domain: { data: "lanes", field: "name" }, range: [0, { signal: "detailH" }],
          paddingInner: 0.25, paddingOuter: 0.1 },
        { name: "ox", type: "time", domain: [this.span[0], this.span[1]], range: [0, { signal: "plotW" }] },
        { name: "oy", type: "linear", domain: { data: "months", field: "n" }, range: [OVER_H, 2], zero: true, nice: false }
      ],
      marks: [
        {
          type: "group", name: "detail", aria: false,
          encode: { update: { x: { value: LEFT }, y: { value: TOP }, width: { signal: "plotW" }, height: { signal: "detailH" },
            stroke: { value: "#888" }, fill: { value: "#fff" } } },
          axes: [
            { orient: "left", scale: "y", aria: false, ticks: false, domain: false, labelLimit: LEFT - 14, labelFontSize: 12,
              labelColor: "#222" },
            { orient: "bottom", scale: "x", aria: false, grid: true, gridColor: "#e4e4e4", labelOverlap: true, labelColor: "#222",
              tickCount: { signal: "max(2, floor(plotW / 110))" } }
          ],
          marks: [
              { type: "rect", name: "bars", from: { data: "bars" }, clip: true, aria: false,
                encode: { update: {
                  x: { scale: "x", field: "x0" }, x2: { scale: "x", field: "x1" },
                  y: { scale: "y", field: "lane", offset: { signal: "bandwidth('y') * 0.2" } },
                  height: { signal: "bandwidth('y') * 0.6" },
                  fill: { value: COLOR }, fillOpacity: { field: "opacity" }, stroke: { value: COLOR },
                  strokeWidth: { value: 1 }, strokeDash: { field: "dash" },
                  cursor: { value: "pointer" }, href: { field: "href" }, tooltip: { field: "tip" }
                } } },
              { type: "symbol", name: "points", from: { data: "points" }, clip: true, aria: false,
                encode: { update: {
                  x: { scale: "x", field: "mid" },
                  y: { scale: "y", field: "lane", band: 0.5 },
                  size: { value: 64 }, shape: { value: "circle" },
                  fill: { field: "fill" }, stroke: { value: COLOR },
                  strokeWidth: { field: "stroke" }, strokeDash: { field: "dash" },
                  cursor: { value: "pointer" }, href: { field: "href" }, tooltip: { field: "tip" }
                } } }
          ]
        },
        {
          type: "group", name: "overview", aria: false,
          encode: { update: { x: { value: LEFT }, y: { signal: "detailH + " + (TOP + GAP) }, width: { signal: "plotW" },
            height: { value: OVER_H }, stroke: { value: "#888" }, fill: { value: "#fafafa" } } },
          axes: [{ orient: "bottom", scale: "ox", aria: false, labelOverlap: true, labelColor: "#222",
            tickCount: { signal: "max(2, floor(plotW / 110))" } }],
          marks: [
            { type: "rect", from: { data: "months" }, interactive: false, aria: false,
              encode: { update: { x: { scale: "ox", field: "t0" }, x2: { scale: "ox", field: "t1" },
                y: { scale: "oy", field: "n" }, y2: { value: OVER_H }, fill: { value: "#8aa6c8" } } } },
            { type: "rect", name: "window", interactive: false, aria: false,
              encode: { update: { x: { signal: "max(0, scale('ox', lo))" }, x2: { signal: "min(plotW, max(scale('ox', hi), scale('ox', lo) + 2))" },
                y: { value: 0 }, y2: { value: OVER_H }, fill: { value: "#1f5fa8" }, fillOpacity: { value: 0.18 },
                stroke: { value: "#123d6e" }, strokeWidth: { value: 1.5 } } } }
          ]
        }
      ]
    };
  };

  Timeline.prototype.draw = function () {
    var self = this;
    var rows = this.rows();
    var target = document.createElement("div");
    if (this.view) { this.view.finalize(); }
    this.viewElement.textContent = "";
    this.viewElement.appendChild(target);
    if (typeof window.vegaEmbed !== "function") { return Promise.reject(new Error("the chart library did not load")); }
    var options = {};
    Object.keys(OPTIONS).forEach(function (key) { options[key] = OPTIONS[key]; });
    options.renderer = store.manifest.count >= CANVAS_FROM ? "canvas" : "svg";
    return window.vegaEmbed(target, this.spec(rows), options).then(function (result) {
      self.view = result.view;
      if (!self.figure.hasAttribute("data-first-draw-ms")) {  /* drawn now; on screen at the next frame */
        self.figure.setAttribute("data-first-draw-ms", String(Math.round(window.performance.now())));
        window.requestAnimationFrame(function () {
          self.figure.setAttribute("data-first-paint-ms", String(Math.round(window.performance.now())));
        });
      }
      self.listen();
      self.report();
      self.figure.classList.add("dailyarchive-timeline-ready");
      if (!self.formBuilt) { self.formBuilt = true; data.buildForm(self); }
      self.figure.querySelector(".dailyarchive-timeline-controls").hidden = false;
    });
  };

  /* Redraw after a change. Moving inside the stretch drawn (the view and a view's width each side)
     changes two signals only; new data (filters, lanes, or a view past that stretch) draws the view
     anew: replacing the data of a live view makes Vega's interpreter re-encode removed items. */
  Timeline.prototype.update = function (dataChanged) {
    var self = this;
    if (!this.view) { return Promise.resolve(); }
    var outside = !this.buffer || this.window[0] < this.buffer[0] || this.window[1] > this.buffer[1];
    if (!outside && !dataChanged) {
      this.view.signal("lo", this.window[0]).signal("hi", this.window[1]);
      return this.view.runAsync().then(function () { self.report(); });
    }
    this.drawing = (this.drawing || Promise.resolve()).then(function () {
      return self.load();
    }).then(function () { return self.draw(); });
    return this.drawing;
  };

  Timeline.prototype.inView = function () { return this.select(this.window[0], this.window[1]); };

  Timeline.prototype.report = function () {
    this.shown = this.inView();
    this.figure.setAttribute("data-shown", String(this.shown.length));
    this.figure.setAttribute("data-from", isoDay(this.window[0]));
    this.figure.setAttribute("data-to", isoDay(this.window[1] - 1));
    this.say(this.shown.length + " event" + (this.shown.length === 1 ? "" : "s") + " from " +
      dayWords(this.window[0]) + " to " + dayWords(this.window[1] - 1) + ".");
  };

  Timeline.prototype.say = function (text) { if (this.status) { this.status.textContent = text; } };

  /* ---- moving the view ---- */

  Timeline.prototype.setWindow = function (lo, hi, quiet) {
    this.window = this.clamp(lo, hi);
    var self = this;
    var drawn = this.update(false);
    if (!quiet) {
      window.clearTimeout(this.sharing);
      this.sharing = window.setTimeout(function () {
        self.filters.set({ from: isoDay(self.window[0]), to: isoDay(self.window[1] - 1) }, "timeline");
      }, 250);
    }
    return drawn;
  };

  Timeline.prototype.zoom = function (factor, at) {
    var lo = this.window[0], hi = this.window[1];
    var center = at === undefined ? (lo + hi) / 2 : at;
    return this.setWindow(center - (center - lo) * factor, center + (hi - center) * factor);
  };

  Timeline.prototype.pan = function (fraction) {
    var shift = (this.window[1] - this.window[0]) * fraction;
    return this.setWindow(this.window[0] + shift, this.window[1] + shift);
  };

  Timeline.prototype.action = function (name) {
    var span = this.window[1] - this.window[0];
    if (name === "zoom-in") { return this.zoom(0.5); }
    if (name === "zoom-out") { return this.zoom(2); }
    if (name === "earlier") { return this.pan(-0.25); }
    if (name === "later") { return this.pan(0.25); }
    if (name === "first") { return this.setWindow(this.span[0] - DAY, this.span[0] - DAY + span); }
    if (name === "last") { return this.setWindow(this.span[1] + DAY - span, this.span[1] + DAY); }
    if (name === "all") {
      this.window = this.clamp(this.span[0] - DAY, this.span[1] + DAY);
      this.filters.set({ from: "", to: "" }, "timeline");
      return this.update(false);
    }
    if (name === "csv" || name === "json") { return this.exportEvents(name); }
    return Promise.resolve();
  };

  var KEYS = { ArrowLeft: "earlier", ArrowRight: "later", ArrowUp: "zoom-in", ArrowDown: "zoom-out", "+": "zoom-in",
    "=": "zoom-in", "-": "zoom-out", "_": "zoom-out", Home: "first", End: "last" };

  Timeline.prototype.timeAt = function (clientX, scale) {
    var box = this.viewElement.getBoundingClientRect();
    var fraction = (clientX - box.left - LEFT) / this.size().plotW;
    if (scale === "ox") { return this.span[0] + fraction * (this.span[1] - this.span[0]); }
    return this.window[0] + fraction * (this.window[1] - this.window[0]);
  };

  Timeline.prototype.inOverview = function (clientY) {
    var box = this.viewElement.getBoundingClientRect();
    return clientY - box.top > TOP + this.size().detailH + GAP / 2;
  };

  Timeline.prototype.listen = function () {
    if (this.listening) { return; }
    this.listening = true;
    var self = this, element = this.viewElement, pointers = {}, drag = null;
    element.addEventListener("keydown", function (event) {
      var name = KEYS[event.key];
      if (!name || event.altKey || event.ctrlKey || event.metaKey) { return; }
      event.preventDefault();
      self.action(name);
    });
    element.addEventListener("wheel", function (event) {
      if (self.inOverview(event.clientY)) { return; }
      event.preventDefault();
      self.zoom(Math.exp(Math.max(-1, Math.min(1, event.deltaY * 0.002))), self.timeAt(event.clientX));
    }, { passive: false });
    element.addEventListener("pointerdown", function (event) {
      pointers[event.pointerId] = event.clientX;
      var ids = Object.keys(pointers);
      if (ids.length === 2) {
        drag = { pinch: Math.abs(pointers[ids[0]] - pointers[ids[1]]) || 1, window: self.window.slice() };
        return;
      }
      var overview = self.inOverview(event.clientY);
      var t = self.timeAt(event.clientX, overview ? "ox" : "x");
      drag = { x: event.clientX, id: event.pointerId, overview: overview, t: t, window: self.window.slice(), moved: false,
        inside: overview && t >= self.window[0] && t <= self.window[1] &&
          self.window[1] - self.window[0] < 0.8 * (self.span[1] - self.span[0]) };  /* else a drag picks a span */
    });
    element.addEventListener("pointermove", function (event) {
      if (!drag || !(event.pointerId in pointers)) { return; }
      pointers[event.pointerId] = event.clientX;
      var ids = Object.keys(pointers);
      if (drag.pinch && ids.length === 2) {
        var distance = Math.abs(pointers[ids[0]] - pointers[ids[1]]) || 1;
        var middle = (drag.window[0] + drag.window[1]) / 2, half = (drag.window[1] - drag.window[0]) / 2 * drag.pinch / distance;
        self.setWindow(middle - half, middle + half);
        return;
      }
      if (!drag.moved && Math.abs(event.clientX - drag.x) < 4) { return; }
      if (!drag.moved) { drag.moved = true; element.setPointerCapture(event.pointerId); }
      var plotW = self.size().plotW, dx = event.clientX - drag.x;
      if (!drag.overview) {
        var shift = -dx / plotW * (drag.window[1] - drag.window[0]);
        self.setWindow(drag.window[0] + shift, drag.window[1] + shift);
      } else if (drag.inside) {
        var moved = dx / plotW * (self.span[1] - self.span[0]);
        self.setWindow(drag.window[0] + moved, drag.window[1] + moved);
      } else {
        var now = self.timeAt(event.clientX, "ox");
        self.setWindow(Math.min(drag.t, now), Math.max(drag.t, now));
      }
    });
    function end(event) {
      delete pointers[event.pointerId];
      if (drag && drag.overview && !drag.moved && !drag.pinch) {
        var half = (self.window[1] - self.window[0]) / 2;
        self.setWindow(drag.t - half, drag.t + half);
      }
      if (!Object.keys(pointers).length) { drag = null; }
    }
    element.addEventListener("pointerup", end);
    element.addEventListener("pointercancel", end);
    Array.prototype.forEach.call(this.figure.querySelectorAll("button[data-timeline]"), function (button) {
      button.addEventListener("click", function () { self.action(button.getAttribute("data-timeline")); });
    });
    var lanesSelect = this.figure.querySelector("select[data-timeline='lanes']");
    if (lanesSelect) {
      lanesSelect.value = this.state.lanes || "place";
      lanesSelect.addEventListener("change", function () {
        self.filters.set({ lanes: lanesSelect.value === "place" ? "" : lanesSelect.value }, "timeline");
      });
    }
    this.filters.on(function (state, source) { self.filtersChanged(state, source); });
    window.addEventListener("resize", function () {
      window.clearTimeout(self.resizing);
      self.resizing = window.setTimeout(function () {
        var size = self.size();
        if (self.view && Math.abs(size.width - self.view.width()) > 2) { self.update(true); }
      }, 150);
    });
  };

  Timeline.prototype.filtersChanged = function (state, source) {
    var datesMoved = (state.from || "") !== (this.state.from || "") || (state.to || "") !== (this.state.to || "");
    this.state = state;
    this.compiled = compile(state, this.fixed);
    this.lanes = lanes(state.lanes || "place", this.compiled);
    var lanesSelect = this.figure.querySelector("select[data-timeline='lanes']");
    if (lanesSelect) { lanesSelect.value = state.lanes || "place"; }
    if (datesMoved && source !== "timeline" && (state.from || state.to)) {
      var lo = state.from ? Date.parse(state.from) : this.span[0], hi = state.to ? Date.parse(state.to) + DAY : this.span[1];
      if (isFinite(lo) && isFinite(hi) && hi > lo) { this.window = this.clamp(lo, hi); }
    }
    this.update(true);
  };

  /* ---- export what is shown ---- */

  Timeline.prototype.records = function () {
    var m = store.manifest, base = window.location.href;
    return this.inView().map(function (event) {
      var b = event.bulletin;
      return {
        bulletin_id: b.id, version: b.version, url: new URL(event.bulletin.url, new URL(this.root || "./", base)).href,
        date: event.text, first_day: isoDay(event.x0), last_day: isoDay(event.x1 - DAY), precision: event.precision,
        qualifier: event.qualifier, place: event.place >= 0 ? m.places[event.place][0] : "",
        actors: event.actors.map(function (a) { return m.actors[a][0]; }).join("; "), what: event.what,
        series: m.series[b.series] ? m.series[b.series][0] : "", bulletin_title: b.title, bulletin_date: b.date,
        event_index: event.index
      };
    }, this);
  };


  Timeline.prototype.exportEvents = function (kind) {
    var records = this.records();
    var columns = ["bulletin_id", "version", "url", "date", "first_day", "last_day", "precision", "qualifier", "place",
      "actors", "what", "series", "bulletin_title", "bulletin_date", "event_index"];
    var text = kind === "csv"
      ? [columns.join(",")].concat(records.map(function (r) { return columns.map(function (c) { return csvCell(r[c]); }).join(","); })).join("\r\n") + "\r\n"
      : JSON.stringify({ filters: this.filters.get(), from: isoDay(this.window[0]), to: isoDay(this.window[1] - 1),
        events: records }, null, 1) + "\n";
    var blob = new Blob([text], { type: kind === "csv" ? "text/csv;charset=utf-8" : "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "events-" + isoDay(this.window[0]) + "-" + isoDay(this.window[1] - 1) + "." + kind;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    this.say("Exported " + records.length + " events as " + kind.toUpperCase() + ".");
    return Promise.resolve(records.length);
  };

  /* ---- for tests and the bench: the marks drawn inside the view, from Vega's scenegraph ---- */

  Timeline.prototype.marks = function () {
    var plotW = this.size().plotW, found = [];
    (function walk(node) {
      if (!node) { return; }
      if (node.marktype && (node.name === "bars" || node.name === "points")) {
        node.items.forEach(function (item) {
          var b = item.bounds;  /* with the stroke: the width drawn */
          var inView = node.name === "points" ? item.x >= 0 && item.x <= plotW : item.x < plotW && item.x2 > 0;
          if (b && inView) {
            found.push({ kind: node.name, x: b.x1, width: b.x2 - b.x1, y: b.y1, height: b.y2 - b.y1,
              lane: item.datum.lane, href: item.datum.href });
          }
        });
        return;
      }
      (node.items || []).forEach(walk);
    })(this.view && this.view.scenegraph().root);
    return found;
  };

  /* The centre of the n-th mark in view, in the pixels of the drawing (for tests). */
  Timeline.prototype.markCenter = function (n) {
    var mark = this.marks()[n];
    return [LEFT + mark.x + mark.width / 2, TOP + mark.y + mark.height / 2];
  };

  function startAll() {
    if (!window.DailyArchiveFilters) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("figure.dailyarchive-timeline"), function (figure) {
      var timeline = new Timeline(figure);
      figure.dailyarchiveTimeline = timeline;
      timeline.ready = timeline.start();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
