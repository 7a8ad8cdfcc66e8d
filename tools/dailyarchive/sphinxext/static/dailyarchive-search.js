/* dailyarchive search: full text and filters over static index files loaded with <script> tags.
 *
 * Works from file:// and from any static server: no fetch, no XHR. The manifest (_search/manifest.js)
 * lists the series-year shards and the facet vocabularies; a search loads only the shards its series
 * and date range need, then the text files of the years whose results it shows (for the snippets, and
 * for every searched year when the query has a "phrase in quotes"). Words are stemmed with Sphinx's
 * English Snowball stemmer (_search/stemmer.js, loaded before this file), as the index was.
 * The core (tokenize, parseQuery, parseDate, search, snippet) has no DOM and is exported for node.
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

  /* ---- text (the same as dailyarchive.site.searchtext in Python) ---- */

  /** Arabic letters folded once the marks are gone: alif wasla, alif maqsura, ta marbuta, Persian ya and kaf, tatweel. */
  var ARABIC = { "\u0671": "\u0627", "\u0649": "\u064a", "\u0629": "\u0647", "\u06cc": "\u064a", "\u06a9": "\u0643",
    "\u0640": "" };
  var ARABIC_RE = /[\u0671\u0649\u0629\u06cc\u06a9\u0640]/g;

  function normalize(text) {
    return String(text).normalize("NFKD").replace(MARKS, "").replace(ARABIC_RE, function (c) { return ARABIC[c]; })
      .toLowerCase();
  }

  /** The English Snowball stem (Sphinx's stemmer, loaded from _search/stemmer.js) of a word of a-z letters. */
  function stem(word) {
    var stemmer = root.DailyArchiveStemmer;
    return stemmer && /^[a-z]+$/.test(word) ? stemmer.stemWord(word) : word;
  }

  /** Normalised words before stemming: apostrophes joined, thousands separators and stop words dropped. */
  function words(text) {
    var flat = normalize(text).replace(APOSTROPHES, "").replace(THOUSANDS, "$1");
    return (flat.match(WORD) || []).filter(function (w) {
      return (w.length > 1 || /^\d$/.test(w)) && w.length <= 40 && !state.stop.has(w);
    });
  }

  /** The same tokens as searchtext.tokenize in Python: words, stemmed. */
  function tokenize(text) {
    return words(text).map(stem);
  }

  /** A query → its terms (every token, all required) and its phrases (quoted runs of tokens, in order). */
  function parseQuery(q) {
    var phrases = [], loose = String(q || "").replace(/["\u201c\u201d\u201e]([^"\u201c\u201d\u201e]*)["\u201c\u201d\u201e]?/g,
      function (all, inner) { var t = tokenize(inner); if (t.length > 1) phrases.push(t); return " " + inner + " "; });
    return { terms: Array.from(new Set(tokenize(loose))), phrases: phrases };
  }

  function containsRun(tokens, run) {
    outer: for (var i = 0; i + run.length <= tokens.length; i++) {
      for (var j = 0; j < run.length; j++) if (tokens[i + j] !== run[j]) continue outer;
      return true;
    }
    return false;
  }

  /** The tokens of each name (and alias) of a manifest entry, computed once. */
  function nameTokens(entry) {
    if (!entry.tokens) entry.tokens = [entry.name].concat(entry.aliases || []).map(tokenize);
    return entry.tokens;
  }

  /** Whether every phrase occurs, in order, within one field of a document: title, summary, body, caption, an
   * event, a source, or one of the names of its places (and the places enclosing them), actors and tags. */
  function hasPhrases(doc, text, phrases) {
    if (!phrases.length) return true;
    var fields = [doc[2], doc[3]].concat(text ? [text[0]].concat(String(text[1] || "").split("\n")) : []);
    var flat = fields.map(function (f) { return normalize(f).replace(APOSTROPHES, "").replace(THOUSANDS, "$1"); });
    var names = [], manifest = state.manifest;
    placesAndAbove(manifest.places, doc[4]).forEach(function (i) { names = names.concat(nameTokens(manifest.places[i])); });
    doc[5].forEach(function (i) { names = names.concat(nameTokens(manifest.actors[i])); });
    doc[6].forEach(function (i) { names = names.concat(nameTokens(manifest.tags[i])); });
    return phrases.every(function (run) {
      return flat.some(function (field) { return fieldHasRun(field, run); }) ||
        names.some(function (tokens) { return containsRun(tokens, run); });
    });
  }

  var WORD_CHAR = /[\p{L}\p{N}'\u2018\u2019\u02bc`]/u;

  /** Whether a normalised field holds the run of tokens: only the words where its first stem (less its last letter,
   * which stemming may change: happy → happi) occurs are tokenized, so long bodies are cheap to check. */
  function fieldHasRun(field, run) {
    var key = run[0].length > 3 ? run[0].slice(0, -1) : run[0];
    for (var at = field.indexOf(key); at >= 0; at = field.indexOf(key, at + 1)) {
      var start = at;
      while (start > 0 && WORD_CHAR.test(field[start - 1])) start--;
      var end = at + key.length;
      while (end < field.length && WORD_CHAR.test(field[end])) end++;
      var first = tokenize(field.slice(start, end));
      if (first.length !== 1 || first[0] !== run[0]) continue;
      if (containsRun(tokenize(field.slice(start, start + 60 * run.length + 60)).slice(0, run.length), run)) return true;
    }
    return false;
  }

  /* ---- dates, written as the site writes them ("9 July 2019") ---- */

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function daysIn(year, month) { return new Date(Date.UTC(year, month, 0)).getUTCDate(); }

  /** "9 July 2019", "July 2019", "2019" or "2019-07-09" → an ISO date (`end`: the last day of a month or year); null if none. */
  function parseDate(text, end) {
    var t = String(text || "").trim().replace(/,/g, " ").replace(/\s+/g, " ");
    if (!t) return "";
    var iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
    if (iso) return Number(iso[2]) >= 1 && Number(iso[2]) <= 12 && Number(iso[3]) >= 1 &&
      Number(iso[3]) <= daysIn(Number(iso[1]), Number(iso[2])) ? t : null;
    var dm = /^(\d{1,2}) ([A-Za-z]+)\.? (\d{4})$/.exec(t), md = /^([A-Za-z]+)\.? (\d{1,2}) (\d{4})$/.exec(t);
    var my = /^([A-Za-z]+)\.? (\d{4})$/.exec(t);
    var m = dm ? [dm[1], dm[2], dm[3]] : md ? [md[2], md[1], md[3]] : my ? ["", my[1], my[2]] : null;
    if (!m) return /^\d{4}$/.test(t) ? t + (end ? "-12-31" : "-01-01") : null;
    var name = m[1].toLowerCase(), month = -1, year = Number(m[2]);
    MONTHS.forEach(function (full, i) { if (name.length >= 3 && full.toLowerCase().lastIndexOf(name, 0) === 0) month = i + 1; });
    if (month < 0) return null;
    var day = m[0] ? Number(m[0]) : (end ? daysIn(year, month) : 1);
    if (day < 1 || day > daysIn(year, month)) return null;
    return year + "-" + pad(month) + "-" + pad(day);
  }

  function formatDate(iso) {
    var parts = iso.split("-");
    return Number(parts[2]) + " " + MONTHS[Number(parts[1]) - 1] + " " + parts[0];
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

  /** A document's places and every place enclosing them (what the place filter and its counts go by). */
  function placesAndAbove(places, indices) {
    var found = new Set();
    indices.forEach(function (i) {
      while (i >= 0 && !found.has(i)) { found.add(i); i = places[i].parent; }
    });
    return found;
  }

  var FACETS = [["place", "places", 4], ["actor", "actors", 5], ["tag", "tags", 6]];

  /** Parameters (as in the URL) → the filters a document must pass; `problems` lists unknown names and dates. */
  function compileFilters(manifest, params) {
    var f = { series: params.series || "", year: /^\d{4}$/.test(params.year || "") ? params.year : "",
      corrected: !!params.corrected, problems: [] };
    [["from", "From", false], ["to", "To", true]].forEach(function (d) {
      var iso = parseDate(params[d[0]], d[2]);
      if (iso === null) {
        f.badDate = true;
        f.problems.push(d[1] + " \u201c" + params[d[0]] + "\u201d is not a date: write it as 9 July 2019, July 2019 or 2019");
      }
      f[d[0]] = iso || "";
    });
    f.first = f.year && (!f.from || f.from < f.year + "-01-01") ? f.year + "-01-01" : f.from;
    f.last = f.year && (!f.to || f.to > f.year + "-12-31") ? f.year + "-12-31" : f.to;
    FACETS.forEach(function (facet) {
      var value = params[facet[0]];
      f[facet[1]] = null;
      if (!value) return;
      var index = findName(manifest[facet[1]], value);
      if (index < 0) { f.problems.push(facet[0] + " \u201c" + value + "\u201d is not in the archive"); f[facet[1]] = new Set(); return; }
      f[facet[1]] = facet[0] === "place" ? placeAndBelow(manifest.places, index) : new Set([index]);
    });
    return f;
  }

  function anyIn(values, set) {
    if (set === null) return true;
    for (var i = 0; i < values.length; i++) if (set.has(values[i])) return true;
    return false;
  }

  /** Which filters a document passes: {dates, year, corrected, places, actors, tags}. */
  function checks(doc, f) {
    var date = doc[1];
    return { dates: !f.badDate && (!f.from || date >= f.from) && (!f.to || date <= f.to), year: !f.year || date.slice(0, 4) === f.year,
      corrected: !f.corrected || doc[7] > 1, places: anyIn(doc[4], f.places), actors: anyIn(doc[5], f.actors),
      tags: anyIn(doc[6], f.tags) };
  }

  /** Whether every check passes except (optionally) the one named `except`. */
  function allBut(passed, except) {
    for (var name in passed) if (own.call(passed, name) && name !== except && !passed[name]) return false;
    return true;
  }

  /** The shards a search needs: its series and date range, newest first. */
  function neededShards(manifest, f) {
    return manifest.shards.filter(function (s) {
      return (!f.series || s.series === f.series) && (!f.first || s.to >= f.first) && (!f.last || s.from <= f.last);
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

  /** Search the loaded shards: every term must match (AND) and every phrase occur; with no terms, every
   * document that passes the filters. `counts` gives, per filter value, how many results that value would
   * give in place of the current one (the other filters kept): a year or series only when its shards were searched.
   * With `options.phrases === false`, phrases count as their words only (what tells which text files a phrase needs). */
  function search(params, options) {
    var manifest = state.manifest;
    var f = compileFilters(manifest, params);
    var query = parseQuery(params.q || "");
    if (options && options.phrases === false) query.phrases = [];
    var terms = query.terms;
    var shards = neededShards(manifest, f);
    var counts = { series: {}, year: {}, places: {}, actors: {}, tags: {} };
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
      var texts = state.texts[entry.key];
      shard.docs.forEach(function (doc, number) {
        if (scores !== null && !scores.has(number)) return;
        if (query.phrases.length && !hasPhrases(doc, texts && texts[number], query.phrases)) return;
        var passed = checks(doc, f);
        count(counts, manifest, doc, entry, passed);
        if (!allBut(passed, "")) return;
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
    return { results: results, terms: terms, phrases: query.phrases, shards: shards, missing: missing,
      problems: f.problems, sort: sort, counts: countsShown(manifest, f, shards, counts) };
  }

  /** Add one document (that matched the words) to the counts of every filter value it would pass with. */
  function count(counts, manifest, doc, entry, passed) {
    function bump(table, key) { table[key] = (table[key] || 0) + 1; }
    if (allBut(passed, "year")) bump(counts.year, doc[1].slice(0, 4));
    if (allBut(passed, "")) bump(counts.series, entry.series);
    if (allBut(passed, "places")) placesAndAbove(manifest.places, doc[4]).forEach(function (i) { bump(counts.places, i); });
    if (allBut(passed, "actors")) new Set(doc[5]).forEach(function (i) { bump(counts.actors, i); });
    if (allBut(passed, "tags")) new Set(doc[6]).forEach(function (i) { bump(counts.tags, i); });
  }

  /** Keep the year and series counts whose every shard was searched (the others would be guesses). */
  function countsShown(manifest, f, searched, counts) {
    var keys = new Set(searched.map(function (s) { return s.key; }));
    function covered(test) {
      return manifest.shards.filter(test).every(function (s) { return keys.has(s.key); });
    }
    var years = {}, series = {};
    manifest.shards.forEach(function (s) {
      var y = String(s.year);
      if (!own.call(years, y) && covered(function (t) {
        return String(t.year) === y && (!f.series || t.series === f.series) && (!f.from || t.to >= f.from) && (!f.to || t.from <= f.to);
      })) years[y] = counts.year[y] || 0;
      if (!own.call(series, s.series) && covered(function (t) {
        return t.series === s.series && (!f.first || t.to >= f.first) && (!f.last || t.from <= f.last);
      })) series[s.series] = counts.series[s.series] || 0;
    });
    return { series: series, year: years, places: counts.places, actors: counts.actors, tags: counts.tags };
  }

  /** The part of `text` around the first word matching a term, as [text, isMatch] pieces (null if none). */
  function snippet(text, terms, width) {
    if (!text || !terms.length) return null;
    width = width || 220;
    var words = [], match, first = -1, re = /[\p{L}\p{N}'\u2019\u02bc]+/gu;
    while ((match = re.exec(text)) !== null) {
      var norm = stem(normalize(match[0]).replace(APOSTROPHES, ""));
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
      var node = document.createElement("script");
      node.src = url;
      node.onload = function () { resolve(url); };
      node.onerror = function () { reject(new Error("could not load " + url)); };
      document.head.appendChild(node);
    });
  }

  function baseUrl() {
    var scripts = document.getElementsByTagName("script");
    for (var i = 0; i < scripts.length; i++) {
      if (/_search\/manifest\.js(\?|$)/.test(scripts[i].src)) return new URL(".", scripts[i].src);
    }
    return new URL("_search/", document.baseURI);
  }

  var loading = {};

  function loadShards(shards, which) {
    var base = baseUrl();
    var store = which === "text" ? state.texts : state.shards;
    return Promise.all(shards.filter(function (s) { return !store[s.key]; }).map(function (s) {
      var url = new URL(s[which], base).href;
      if (!loading[url]) loading[url] = loadScript(url).catch(function (error) { delete loading[url]; throw error; });
      return loading[url];
    }));
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var FILTERS = ["series", "year", "from", "to", "place", "actor", "tag", "corrected"];

  function fillForm(form, manifest, params) {
    var series = form.elements.series, year = form.elements.year;
    manifest.series.forEach(function (s) {
      series.appendChild(element("option", { value: s.slug, "data-label": s.name }, s.name));
    });
    var years = Array.from(new Set(manifest.shards.map(function (s) { return s.year; }))).sort().reverse();
    years.forEach(function (y) { year.appendChild(element("option", { value: String(y), "data-label": String(y) }, String(y))); });
    [["places", "dailyarchive-places"], ["actors", "dailyarchive-actors"], ["tags", "dailyarchive-tags"]].forEach(function (p) {
      var list = document.getElementById(p[1]);
      manifest[p[0]].forEach(function (entry) { list.appendChild(element("option", { value: entry.name })); });
    });
    ["q", "series", "year", "place", "actor", "tag", "sort"].forEach(function (name) {
      if (params[name] && form.elements[name]) form.elements[name].value = params[name];
    });
    ["from", "to"].forEach(function (name) { form.elements[name].value = shownDate(params[name], name === "to"); });
    form.elements.corrected.checked = !!params.corrected;
  }

  /** A date field's text as the site writes dates ("9 July 2019"); text that is no date is kept as typed. */
  function shownDate(text, end) {
    var iso = parseDate(text, end);
    return iso ? formatDate(iso) : String(text || "");
  }

  /** The form's fields as URL parameters: dates as ISO dates when they parse, the rest as typed. */
  function formParams(form) {
    var params = {};
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      var value = field.type === "checkbox" ? (field.checked ? "1" : "") : String(field.value).trim();
      if ((name === "from" || name === "to") && parseDate(value, name === "to")) value = parseDate(value, name === "to");
      params[name] = value;
    });
    return params;
  }

  /** Only the fields that are set, so result URLs stay short and readable. */
  function queryString(params) {
    var query = new URLSearchParams();
    FIELDS.forEach(function (name) { if (params[name]) query.set(name, params[name]); });
    return query.toString();
  }

  function readParams() {
    var query = new URLSearchParams(root.location.search), params = {};
    FIELDS.forEach(function (name) { params[name] = (query.get(name) || "").trim(); });
    return params;
  }

  function activeFilters(params) {
    return FILTERS.filter(function (name) { return params[name]; }).length;
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
      var pieces = texts && texts[result.number] ? snippet(texts[result.number][0], terms) : null;
      if (!pieces) return;
      text.textContent = "";
      pieces.forEach(function (p) { text.appendChild(p[1] ? element("mark", {}, p[0]) : document.createTextNode(p[0])); });
    };
  }

  /** The series and year choices with the number of results each would give. */
  function labelChoices(form, counts) {
    [["series", counts.series], ["year", counts.year]].forEach(function (pair) {
      Array.prototype.forEach.call(form.elements[pair[0]].options, function (option) {
        if (!option.value) return;
        var label = option.getAttribute("data-label"), n = pair[1][option.value];
        option.textContent = n === undefined ? label : label + " (" + n + ")";
        option.setAttribute("data-count", n === undefined ? "" : String(n));
      });
    });
  }

  /** Buttons for the places, actors and tags of the results, each with the number of results it would give. */
  function renderFacets(container, found, params, pick) {
    var box = element("div", { "class": "dailyarchive-facets", role: "group", "aria-label": "Narrow the results" });
    box.appendChild(element("p", { "class": "dailyarchive-facets-title" }, "Narrow the results (how many each gives)"));
    FACETS.forEach(function (facet) {
      var list = state.manifest[facet[1]], table = found.counts[facet[1]];
      var chosen = params[facet[0]] ? findName(list, params[facet[0]]) : -1;
      var entries = Object.keys(table).map(Number).filter(function (i) { return table[i] > 0; })
        .sort(function (a, b) { return table[b] - table[a] || (list[a].name < list[b].name ? -1 : 1); }).slice(0, 12);
      if (!entries.length) return;
      var line = element("p", { "class": "dailyarchive-facet" });
      line.appendChild(element("span", { "class": "dailyarchive-facet-name" }, facet[1].charAt(0).toUpperCase() + facet[1].slice(1)));
      entries.forEach(function (i) {
        var button = element("button", { type: "button", "data-facet": facet[0], "data-value": list[i].name,
          "data-count": String(table[i]), "aria-pressed": i === chosen ? "true" : "false", dir: "auto" }, list[i].name + " ");
        button.appendChild(element("span", { "class": "dailyarchive-facet-count" }, String(table[i])));
        button.addEventListener("click", function () { pick(facet[0], i === chosen ? "" : list[i].name); });
        line.appendChild(document.createTextNode(" "));
        line.appendChild(button);
      });
      box.appendChild(line);
    });
    if (box.childNodes.length > 1) container.appendChild(box);
  }

  function statusText(found) {
    var years = found.shards.map(function (s) { return s.year; });
    var span = years.length ? Math.min.apply(null, years) + (years.length > 1 ? "\u2013" + Math.max.apply(null, years) : "") : "no year";
    var order = { relevance: "best match first", newest: "newest first", oldest: "oldest first" }[found.sort];
    return found.results.length + (found.results.length === 1 ? " bulletin" : " bulletins") + " found (searched " + span +
      "; " + order + ")";
  }

  /** The results: problems, the count, the list and "Show more" in one column; the counts beside (below on a phone). */
  function render(view, found, shown) {
    var container = view.container, main = element("div", { "class": "dailyarchive-results-main" });
    var seriesNames = {};
    state.manifest.series.forEach(function (s) { seriesNames[s.slug] = s.name; });
    container.textContent = "";
    container.appendChild(main);
    found.problems.forEach(function (p) { main.appendChild(element("p", { "class": "dailyarchive-problem" }, p)); });
    main.appendChild(element("p", { "class": "dailyarchive-count", role: "status" }, statusText(found)));
    labelChoices(view.form, found.counts);
    var list = element("ol", { "class": "dailyarchive-results" });
    main.appendChild(list);
    var page = found.results.slice(0, shown);
    var updates = page.map(function (r) { return renderResult(list, r, found.terms, seriesNames); });
    if (found.results.length > shown) {
      var more = element("button", { type: "button", "class": "dailyarchive-more" }, "Show more");
      more.addEventListener("click", function () { render(view, found, shown + PAGE); });
      main.appendChild(more);
    }
    renderFacets(container, found, view.params, view.pick);
    if (!found.terms.length) return;
    var needed = found.shards.filter(function (s) { return page.some(function (r) { return r.shard === s.key; }); });
    loadShards(needed, "text").then(function () { updates.forEach(function (u) { u(); }); }, function () {});
  }

  var generation = 0;

  /** Load what the search needs (the index files; for a phrase, the text files of the years where its words
   * all occur), then show the results. */
  function run(view) {
    var params = view.params, mine = ++generation;
    var f = compileFilters(state.manifest, params);
    var shards = neededShards(state.manifest, f);
    var status = view.container.querySelector(".dailyarchive-count");
    if (status) status.textContent = "Searching\u2026";
    else view.container.appendChild(element("p", { "class": "dailyarchive-count", role: "status" }, "Searching\u2026"));
    var phrases = parseQuery(params.q).phrases.length > 0;
    loadShards(shards, "index").then(function () {
      if (!phrases) return null;
      var candidates = search(params, { phrases: false }).results;
      return loadShards(shards.filter(function (s) { return candidates.some(function (r) { return r.shard === s.key; }); }), "text");
    }).then(function () {
      if (mine === generation) render(view, search(params), PAGE);
    }, function (error) {
      if (mine !== generation) return;
      view.container.textContent = "";
      view.container.appendChild(element("p", { "class": "dailyarchive-problem" }, "The search index is incomplete: " + error.message));
    });
  }

  var NAMED = { place: "places", actor: "actors", tag: "tags" };

  /** Whether a field's text is worth searching while it is typed: empty, a whole date or a known name (an
   * unfinished one is searched, and reported, when the field is left). */
  function complete(field) {
    var value = String(field.value || "").trim();
    if (!value) return true;
    if (field.name === "from" || field.name === "to") return parseDate(value, field.name === "to") !== null;
    if (own.call(NAMED, field.name)) return findName(state.manifest[NAMED[field.name]], value) >= 0;
    return true;
  }

  function debounce(action, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(action, ms); };
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
    var filters = document.getElementById("dailyarchive-filters");
    var clear = form.querySelector(".dailyarchive-clear");
    var view = { form: form, container: container, params: params };
    function update() {
      view.params = formParams(form);
      var active = activeFilters(view.params);
      clear.hidden = active === 0;
      filters.querySelector("summary").textContent = active ? "Filters (" + active + " set)" : "Filters";
      try { root.history.replaceState(null, "", "?" + queryString(view.params)); } catch (e) { /* file:// may refuse */ }
      if (view.params.q || active) run(view);
      else container.textContent = "";
    }
    view.pick = function (name, value) { form.elements[name].value = value; update(); };
    if (root.matchMedia && root.matchMedia("(min-width: 48em)").matches) filters.open = true;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      root.location.search = queryString(formParams(form));
    });
    var typed = debounce(update, 250);
    form.addEventListener("input", function (event) { if (complete(event.target)) typed(); });
    form.addEventListener("change", function (event) {
      var field = event.target;
      if (field.tagName === "SELECT" || field.type === "checkbox" || !complete(field)) update();
    });
    ["from", "to"].forEach(function (name) {
      form.elements[name].addEventListener("blur", function () {
        form.elements[name].value = shownDate(form.elements[name].value, name === "to");
      });
    });
    clear.addEventListener("click", function () {
      FILTERS.forEach(function (name) {
        var field = form.elements[name];
        if (field.type === "checkbox") field.checked = false; else field.value = "";
      });
      update();
      form.elements.q.focus();
    });
    clear.hidden = activeFilters(params) === 0;
    filters.querySelector("summary").textContent = activeFilters(params) ? "Filters (" + activeFilters(params) + " set)" : "Filters";
    if (params.q || activeFilters(params)) run(view);
  }

  var api = { setManifest: setManifest, addShard: addShard, addText: addText, normalize: normalize, stem: stem,
    words: words, tokenize: tokenize, parseQuery: parseQuery, parseDate: parseDate, formatDate: formatDate,
    decode: decode, compileFilters: compileFilters, neededShards: neededShards, search: search, snippet: snippet,
    state: state };
  root.DailyArchiveSearch = api;
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof document !== "undefined") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})(typeof window !== "undefined" ? window : globalThis);
