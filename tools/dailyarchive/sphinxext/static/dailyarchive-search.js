/* dailyarchive search: full text and filters over static index files loaded with <script> tags.
 *
 * Works from file:// and from any static server: no fetch, no XHR. The manifest (_search/manifest.js)
 * lists the series-year shards and the facet vocabularies; a search loads only the shards its series
 * and date range need, then the text files of the years whose results it shows (for the snippets).
 * The core (tokenize, search, snippet) has no DOM and is exported for node.
 */
(function (root) {
  "use strict";

  var state = { manifest: null, shards: {}, texts: {}, keys: {}, stop: new Set() };
  var APOSTROPHES = /['\u2018\u2019\u02bc`]/g;
  var THOUSANDS = /(\d),(?=\d{3}\b)/g;
  var WORD = /[\p{L}\p{N}]+/gu;
  var MARKS = /\p{M}/gu;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];
  var PAGE = 50;
  var FIELDS = ["q", "series", "year", "from", "to", "place", "actor", "tag", "corrected", "sort"];
  var own = Object.prototype.hasOwnProperty;

  /* ---- data registration (called by the generated script files) ---- */

  function setManifest(manifest) {
    state.manifest = manifest;
    state.stop = new Set(manifest.stop || []);
  }

  function addShard(key, data) {
    state.shards[key] = data;
    state.keys[key] = Object.keys(data.index).sort();
  }

  function addText(key, texts) {
    state.texts[key] = texts;
  }

  /* ---- text ---- */

  function normalize(text) {
    return String(text).normalize("NFKD").replace(MARKS, "").toLowerCase();
  }

  /** The same tokens as search.tokenize in Python. */
  function tokenize(text) {
    var flat = normalize(text).replace(APOSTROPHES, "").replace(THOUSANDS, "$1");
    return (flat.match(WORD) || []).filter(function (w) {
      return (w.length > 1 || /^\d$/.test(w)) && w.length <= 40 && !state.stop.has(w);
    });
  }

  /* ---- filters ---- */

  function findName(list, name) {
    var wanted = normalize(name).trim();
    if (!wanted) return -1;
    for (var i = 0; i < list.length; i++) {
      var entry = list[i];
      if (normalize(entry.name) === wanted) return i;
      for (var j = 0; j < (entry.aliases || []).length; j++) {
        if (normalize(entry.aliases[j]) === wanted) return i;
      }
    }
    return -1;
  }

  /** A place and every place under it in the gazetteer's hierarchy. */
  function placeAndBelow(places, index) {
    var found = new Set([index]);
    var grew = true;
    while (grew) {
      grew = false;
      for (var i = 0; i < places.length; i++) {
        if (!found.has(i) && found.has(places[i].parent)) { found.add(i); grew = true; }
      }
    }
    return found;
  }

  /** Parameters (as in the URL) → the filters a document must pass; `problems` lists unknown names. */
  function compileFilters(manifest, params) {
    var f = { series: params.series || "", from: params.from || "", to: params.to || "",
      corrected: !!params.corrected, problems: [] };
    if (params.year) {
      f.from = f.from || params.year + "-01-01";
      f.to = f.to || params.year + "-12-31";
    }
    [["place", "places"], ["actor", "actors"], ["tag", "tags"]].forEach(function (pair) {
      var value = params[pair[0]];
      f[pair[1]] = null;
      if (!value) return;
      var index = findName(manifest[pair[1]], value);
      if (index < 0) { f.problems.push(pair[0] + " \u201c" + value + "\u201d is not in the archive"); f[pair[1]] = new Set(); return; }
      f[pair[1]] = pair[0] === "place" ? placeAndBelow(manifest.places, index) : new Set([index]);
    });
    return f;
  }

  function anyIn(values, set) {
    if (set === null) return true;
    for (var i = 0; i < values.length; i++) if (set.has(values[i])) return true;
    return false;
  }

  function passes(doc, f) {
    var date = doc[1];
    return (!f.from || date >= f.from) && (!f.to || date <= f.to) && (!f.corrected || doc[7] > 1) &&
      anyIn(doc[4], f.places) && anyIn(doc[5], f.actors) && anyIn(doc[6], f.tags);
  }

  /** The shards a search needs: its series and date range, newest first. */
  function neededShards(manifest, f) {
    return manifest.shards.filter(function (s) {
      return (!f.series || s.series === f.series) && (!f.from || s.to >= f.from) && (!f.to || s.from <= f.to);
    }).sort(function (a, b) { return b.year - a.year || (a.series < b.series ? -1 : 1); });
  }

  /* ---- full text ---- */

  function lowerBound(keys, term) {
    var lo = 0, hi = keys.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (keys[mid] < term) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** Postings as written by search.encode_postings: base-26 numbers `gap * 4 + weight`, last digit upper case. */
  function decode(text, each) {
    var value = 0, doc = 0;
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      if (code >= 97) { value = value * 26 + code - 97; continue; }
      value = value * 26 + code - 65;
      doc += value >> 2;
      each(doc, value & 3);
      value = 0;
    }
  }

  /** doc → best score of one term in a shard: exact tokens score their weight, longer ones (prefix) half of it. */
  function termScores(shardKey, term) {
    var shard = state.shards[shardKey], keys = state.keys[shardKey], scores = new Map();
    var start = term.length >= 3 ? lowerBound(keys, term) : -1;
    var matched = start < 0 ? (own.call(shard.index, term) ? [term] : []) : [];
    for (var i = start; i >= 0 && i < keys.length && keys[i].lastIndexOf(term, 0) === 0; i++) matched.push(keys[i]);
    matched.forEach(function (token) {
      var factor = token === term ? 1 : 0.5;
      decode(shard.index[token], function (doc, weight) {
        var score = weight * factor;
        if (!(scores.get(doc) >= score)) scores.set(doc, score);
      });
    });
    return scores;
  }

  /** Search the loaded shards: every term must match (AND); with no terms, every document that passes the filters. */
  function search(params) {
    var manifest = state.manifest;
    var f = compileFilters(manifest, params);
    var terms = tokenize(params.q || "");
    var shards = neededShards(manifest, f);
    var results = [];
    var missing = shards.filter(function (s) { return !state.shards[s.key]; });
    shards.forEach(function (entry) {
      var shard = state.shards[entry.key];
      if (!shard) return;
      var scores = null;
      terms.forEach(function (term) {
        var these = termScores(entry.key, term);
        if (scores === null) { scores = these; return; }
        var both = new Map();
        scores.forEach(function (score, doc) { if (these.has(doc)) both.set(doc, score + these.get(doc)); });
        scores = both;
      });
      shard.docs.forEach(function (doc, number) {
        if (scores !== null && !scores.has(number)) return;
        if (!passes(doc, f)) return;
        results.push({ shard: entry.key, series: entry.series, number: number, url: doc[0], date: doc[1],
          title: doc[2], summary: doc[3], versions: doc[7], score: scores === null ? 0 : scores.get(number) });
      });
    });
    var sort = params.sort || (terms.length ? "relevance" : "newest");
    results.sort(function (a, b) {
      if (sort === "relevance" && a.score !== b.score) return b.score - a.score;
      if (a.date !== b.date) return (sort === "oldest" ? a.date > b.date : a.date < b.date) ? 1 : -1;
      return a.url < b.url ? -1 : 1;
    });
    return { results: results, terms: terms, shards: shards, missing: missing, problems: f.problems, sort: sort };
  }

  /** The part of `text` around the first word matching a term, as [text, isMatch] pieces (null if none). */
  function snippet(text, terms, width) {
    if (!text || !terms.length) return null;
    width = width || 220;
    var words = [], match, first = -1, re = /[\p{L}\p{N}'\u2019\u02bc]+/gu;
    while ((match = re.exec(text)) !== null) {
      var norm = normalize(match[0]).replace(APOSTROPHES, "");
      var hit = terms.some(function (t) { return norm.lastIndexOf(t, 0) === 0; });
      words.push([match.index, match.index + match[0].length, hit]);
      if (hit && first < 0) first = match.index;
    }
    if (first < 0) return null;
    var start = Math.max(0, first - Math.floor(width / 3));
    var end = Math.min(text.length, start + width);
    while (start > 0 && /\S/.test(text[start - 1])) start++;
    while (end < text.length && /\S/.test(text[end])) end++;
    var pieces = [], at = start;
    words.forEach(function (w) {
      if (!w[2] || w[0] < start || w[1] > end) return;
      if (w[0] > at) pieces.push([text.slice(at, w[0]), false]);
      pieces.push([text.slice(w[0], w[1]), true]);
      at = w[1];
    });
    if (at < end) pieces.push([text.slice(at, end), false]);
    if (start > 0) pieces.unshift(["\u2026 ", false]);
    if (end < text.length) pieces.push([" \u2026", false]);
    return pieces;
  }

  /* ---- the page ---- */

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement("script");
      element.src = url;
      element.onload = function () { resolve(url); };
      element.onerror = function () { reject(new Error("could not load " + url)); };
      document.head.appendChild(element);
    });
  }

  function baseUrl() {
    var scripts = document.getElementsByTagName("script");
    for (var i = 0; i < scripts.length; i++) {
      if (/_search\/manifest\.js(\?|$)/.test(scripts[i].src)) return new URL(".", scripts[i].src);
    }
    return new URL("_search/", document.baseURI);
  }

  function loadShards(shards, which) {
    var base = baseUrl();
    var store = which === "text" ? state.texts : state.shards;
    return Promise.all(shards.filter(function (s) { return !store[s.key]; }).map(function (s) {
      return loadScript(new URL(s[which], base).href);
    }));
  }

  function formatDate(iso) {
    var parts = iso.split("-");
    return Number(parts[2]) + " " + MONTHS[Number(parts[1]) - 1] + " " + parts[0];
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fillForm(form, manifest, params) {
    var series = form.elements.series, year = form.elements.year;
    manifest.series.forEach(function (s) { series.appendChild(element("option", { value: s.slug }, s.name)); });
    var years = Array.from(new Set(manifest.shards.map(function (s) { return s.year; }))).sort().reverse();
    years.forEach(function (y) { year.appendChild(element("option", { value: String(y) }, String(y))); });
    [["places", "dailyarchive-places"], ["actors", "dailyarchive-actors"], ["tags", "dailyarchive-tags"]].forEach(function (p) {
      var list = document.getElementById(p[1]);
      manifest[p[0]].forEach(function (entry) { list.appendChild(element("option", { value: entry.name })); });
    });
    ["q", "series", "year", "from", "to", "place", "actor", "tag", "sort"].forEach(function (name) {
      if (params[name] && form.elements[name]) form.elements[name].value = params[name];
    });
    form.elements.corrected.checked = !!params.corrected;
  }

  /** Submit only the fields that are set, so result URLs stay short and readable. */
  function submitSet(form, event) {
    event.preventDefault();
    var query = new URLSearchParams();
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      var value = field.type === "checkbox" ? (field.checked ? "1" : "") : String(field.value).trim();
      if (value) query.set(name, value);
    });
    root.location.search = query.toString();
  }

  function readParams() {
    var query = new URLSearchParams(root.location.search), params = {};
    FIELDS.forEach(function (name) {
      params[name] = (query.get(name) || "").trim();
    });
    return params;
  }

  function renderResult(list, result, terms, seriesNames) {
    var item = element("li", { "class": "dailyarchive-result" });
    var meta = element("p", { "class": "dailyarchive-result-meta" });
    meta.appendChild(element("time", { datetime: result.date }, formatDate(result.date)));
    if (Object.keys(seriesNames).length > 1) meta.appendChild(document.createTextNode(" \u00b7 " + seriesNames[result.series]));
    if (result.versions > 1) meta.appendChild(element("span", { "class": "dailyarchive-badge" }, "corrected"));
    item.appendChild(meta);
    var href = new URL("../" + result.url, baseUrl()).href;
    if (terms.length) href += "?highlight=" + encodeURIComponent(terms.join(" "));
    var heading = element("p", { "class": "dailyarchive-result-title" });
    heading.appendChild(element("a", { href: href, dir: "auto" }, result.title));
    item.appendChild(heading);
    var text = element("p", { "class": "dailyarchive-snippet", dir: "auto" }, result.summary);
    item.appendChild(text);
    list.appendChild(item);
    return function showSnippet() {
      var texts = state.texts[result.shard];
      var pieces = texts ? snippet(texts[result.number], terms) : null;
      if (!pieces) return;
      text.textContent = "";
      pieces.forEach(function (p) { text.appendChild(p[1] ? element("mark", {}, p[0]) : document.createTextNode(p[0])); });
    };
  }

  function render(container, found, shown) {
    var seriesNames = {};
    state.manifest.series.forEach(function (s) { seriesNames[s.slug] = s.name; });
    container.textContent = "";
    found.problems.forEach(function (p) { container.appendChild(element("p", { "class": "dailyarchive-problem" }, p)); });
    var years = found.shards.map(function (s) { return s.year; });
    var span = years.length ? Math.min.apply(null, years) + (years.length > 1 ? "\u2013" + Math.max.apply(null, years) : "") : "no year";
    container.appendChild(element("p", { "class": "dailyarchive-count", role: "status" },
      found.results.length + (found.results.length === 1 ? " bulletin" : " bulletins") + " found (searched " + span + ")"));
    var list = element("ol", { "class": "dailyarchive-results" });
    container.appendChild(list);
    var page = found.results.slice(0, shown);
    var updates = page.map(function (r) { return renderResult(list, r, found.terms, seriesNames); });
    if (found.results.length > shown) {
      var more = element("button", { type: "button", "class": "dailyarchive-more" }, "Show more");
      more.addEventListener("click", function () { render(container, found, shown + PAGE); });
      container.appendChild(more);
    }
    if (!found.terms.length) return;
    var needed = found.shards.filter(function (s) { return page.some(function (r) { return r.shard === s.key; }); });
    loadShards(needed, "text").then(function () { updates.forEach(function (u) { u(); }); }, function () {});
  }

  function run(container, params) {
    var f = compileFilters(state.manifest, params);
    var shards = neededShards(state.manifest, f);
    container.textContent = "";
    container.appendChild(element("p", { "class": "dailyarchive-count", role: "status" }, "Searching\u2026"));
    loadShards(shards, "index").then(function () {
      render(container, search(params), PAGE);
    }, function (error) {
      container.textContent = "";
      container.appendChild(element("p", { "class": "dailyarchive-problem" }, "The search index is incomplete: " + error.message));
    });
  }

  function start() {
    var form = document.getElementById("dailyarchive-search-form");
    var container = document.getElementById("dailyarchive-search-results");
    if (!form || !container) return;
    if (!state.manifest) {
      container.appendChild(element("p", { "class": "dailyarchive-problem" }, "The search index was not found next to this page."));
      return;
    }
    var params = readParams();
    fillForm(form, state.manifest, params);
    form.addEventListener("submit", function (event) { submitSet(form, event); });
    var active = ["q", "series", "year", "from", "to", "place", "actor", "tag", "corrected"].some(function (n) { return params[n]; });
    if (active) run(container, params);
  }

  var api = { setManifest: setManifest, addShard: addShard, addText: addText, normalize: normalize,
    tokenize: tokenize, decode: decode, compileFilters: compileFilters, neededShards: neededShards, search: search,
    snippet: snippet, state: state };
  root.DailyArchiveSearch = api;
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof document !== "undefined") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})(typeof window !== "undefined" ? window : globalThis);
