"""The static search: tokens, stems and Arabic folding (the same in Python and JS), the split index files,
and the JS search run with node on built shards."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
from helpers import needs_tool, write_bulletin

from dailyarchive.catalog.catalog import build_catalog
from dailyarchive.model.load import load_archive
from dailyarchive.publish.html import build
from dailyarchive.site.search import (MANIFEST, SEARCH_DIR, STEMMER, STOP_WORDS, encode_postings, file_digest,
                                 plain_text, script, search_files, tokenize)
from dailyarchive.site.searchtext import normalize, stem, stemmer_script, words

ROOT = Path(__file__).resolve().parents[1]
SEARCH_JS = ROOT / "tools" / "dailyarchive" / "sphinxext" / "static" / "dailyarchive-search.js"
LATAKIA_ID = "syria-daily/2019-07-09-northern-latakia-counter-attack"
needs_node = needs_tool("node", install="install Debian's nodejs (`invoke setup-system`)")


def run_node(files: list[Path], code: str, stemmer: Path | None = None) -> object:
    """Load the search script and `files` in node, run `code` (with `S` the search API); its printed JSON.

    Without a `stemmer.js` among `files`, the one of `stemmer` is loaded (or words stay unstemmed)."""
    files = [stemmer, *files] if stemmer is not None else files
    loads = "".join(f"require({json.dumps(str(f))});\n" for f in files)
    program = f"const S = require({json.dumps(str(SEARCH_JS))});\n{loads}{code}\n"
    result = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def shard_files(folder: Path) -> list[Path]:
    """The manifest first, then the stemmer and every index and text file."""
    return [folder / MANIFEST, *sorted(p for p in folder.glob("*.js") if p.name != MANIFEST)]


@pytest.fixture(scope="module")
def stemmer_js(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The stemmer script the build writes, in a file of its own."""
    path = tmp_path_factory.mktemp("stemmer") / STEMMER
    path.write_text(stemmer_script(), encoding="utf-8")
    return path


def write_search(catalog_root: Path, folder: Path) -> list[Path]:
    """The search files of an archive, written as the build writes them (no Sphinx build); loadable in node."""
    files, _ = search_files(build_catalog(load_archive(catalog_root)))
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return shard_files(folder)


def node_search(files: list[Path], *queries: dict[str, str]) -> list[dict]:
    """Each query's result titles (in order), problems and counts, from the JS search over `files`."""
    code = (f"console.log(JSON.stringify({json.dumps(list(queries))}.map(q => {{ const r = S.search(q); "
            "return {titles: r.results.map(x => x.title), problems: r.problems, counts: r.counts, "
            "dates: r.results.map(x => x.date)}; })));")
    return run_node(files, code)


def test_tokens_fold_case_accents_apostrophes_and_thousands():
    assert tokenize("Hay'at Tahrir al-Sham") == ["hayat", "tahrir", "al", "sham"]
    assert tokenize("Qalʼat al-Maḍīq") == ["qalat", "al", "madiq"]
    assert tokenize("more than 2,100 of the 330,000") == ["2100", "330000"]
    assert tokenize("إِدْلِب") == tokenize("ادلب") == ["ادلب"]


def test_tokens_are_english_snowball_stems():
    assert tokenize("casualty casualties") == ["casualti", "casualti"]
    assert tokenize("Attacked attacks attacking") == ["attack"] * 3
    assert tokenize("civil defence centres") == ["civil", "defenc", "centr"]
    assert tokenize("2019 Kabani") == ["2019", "kabani"]


def test_arabic_letter_forms_fold_to_one_spelling():
    bare = "اللاذقيه"
    for spelling in ("اللاذقية", "اللاذقيـــة", "اللَّاذِقِيَّة", "ٱللاذقية"):
        assert normalize(spelling) == bare, spelling
    assert normalize("أطمة") == normalize("إطمة") == normalize("آطمة") == normalize("اطمه")
    assert normalize("مستشفى") == "مستشفي"
    assert tokenize("محافظة اللاذقية") == tokenize("محافظه اللاذقيه")


def test_plain_text_drops_markup_but_keeps_words():
    body = ("A **bold** [link](https://example.org) and {term}`a role`.\n\n"
            "```{note}\n:class: tip\nInside a note.\n```\n\n- item one\n")
    text = plain_text(body)
    assert text == "A bold link and a role. Inside a note. item one"


def test_script_is_ascii_and_cannot_close_a_script_element():
    hostile = "</script><script>alert(1)</script> \"quotes\" 'single' \u2028 إدلب <!-- x"
    text = script("addText", "k", [hostile])
    assert text.isascii()
    assert "<" not in text
    assert json.loads(text[text.index("[") : text.rindex("]") + 1]) == [hostile]


@needs_node
def test_hostile_text_round_trips_through_the_js_files(tmp_path):
    hostile = "</script> \"q\" 'a' \\ إدلب \u2028 ${x} `t`"
    (tmp_path / "shard.js").write_text(script("addText", "k", [hostile]), encoding="ascii")
    found = run_node([tmp_path / "shard.js"], "console.log(JSON.stringify(S.state.texts.k[0]));")
    assert found == hostile


PARITY_SAMPLES = [
    "Hay'at Tahrir al-Sham", "Qalʼat al-Maḍīq", "2,100 killed; 330,000 displaced", "إِدْلِب وحماة",
    "Ma’arrat al-Nu’man", "Kafr Nabudah, then KAFR NABŪDAH", "a b c 4 positions", "اللَّاذِقِيَّة اللاذقيـــة ٱللاذقية",
    "أطمة إطمة آطمة مستشفى ؤ ئ", "ﻻ ﺍﻟﻼﺫﻗﻴﺔ", "کبانه یک", "Çağlayan Göktaş Sœur façade naïve",
]
#: English words whose Snowball stems exercise every step of the algorithm (plurals, -ies, -eed, -ing,
#: -ational, -ness, -ful, -ly, double letters, the exceptions list, y/Y handling).
PARITY_WORDS = """
casualty casualties civilians children displaced displacement displacements defence defenses centres attacked
attacking attackers offensives reported reporting reports organisation organizations generously generality
happiness hopefulness conditional rationality relational hopping hoped fizzed agreed feed bleed sky skies dying
lying news innings outing canning herring earring proceed exceed succeed early only singly gently ugly
abominable abandonment consolidation probabilistic electricity formalities skilful commune communities arsenal
emerging generous universal united unity past pasts said says saying yes yesterday syria syrian turkmen
""".split()


@needs_node
def test_js_tokens_match_python_tokens(stemmer_js):
    code = (f"S.setManifest({{stop: {json.dumps(sorted(STOP_WORDS))}}});"
            f"console.log(JSON.stringify({json.dumps(PARITY_SAMPLES)}.map(S.tokenize)));")
    assert run_node([], code, stemmer_js) == [tokenize(s) for s in PARITY_SAMPLES]


@needs_node
def test_js_stems_and_folds_as_python_does(stemmer_js):
    """The same stemmer (Sphinx's Snowball JavaScript, Python's snowballstemmer) and the same folding."""
    texts = PARITY_SAMPLES + [plain_text((ROOT / "docs" / "search.md").read_text(encoding="utf-8"))]
    vocabulary = sorted(set(PARITY_WORDS) | {w for text in texts for w in words(text)})
    code = (f"const w = {json.dumps(vocabulary)}; const t = {json.dumps(texts)};"
            "console.log(JSON.stringify([w.map(S.stem), t.map(S.normalize)]));")
    stems, normalized = run_node([], code, stemmer_js)
    assert dict(zip(vocabulary, stems)) == {w: stem(w) for w in vocabulary}
    assert normalized == [normalize(t) for t in texts]
    assert stem("casualties") == stem("casualty") != "casualty"


def test_stemmer_script_carries_the_snowball_licence():
    text = stemmer_script()
    assert text.startswith("/*") and "Snowball" in text and "Redistribution" in text and "Martin Porter" in text
    assert text.isascii() and "DailyArchiveStemmer" in text


def test_sample_search_has_one_shard_per_series_year_and_no_sphinx_index(sample_build):
    folder = sample_build.outdir / SEARCH_DIR
    catalog = build_catalog(load_archive(ROOT / "archive"))
    years = {f"{s}-{y:04d}" for s, y in catalog.bulletins[["series", "year"]].drop_duplicates().itertuples(index=False)}
    assert {p.name.split(".")[0] for p in folder.glob("*.js")} == {"manifest", "stemmer", *years}
    assert not (sample_build.outdir / "searchindex.js").exists()
    page = (sample_build.outdir / "search.html").read_text(encoding="utf-8")
    assert 'id="dailyarchive-search-form"' in page
    scripts = ['<script src="_search/stemmer.js">', '<script src="_static/dailyarchive-search.js">',
               '<script src="_search/manifest.js">']
    assert all(tag in page for tag in scripts) and sorted(scripts, key=page.index) == scripts


@needs_node
def test_every_sample_bulletin_is_in_its_years_shard(sample_build):
    folder = sample_build.outdir / SEARCH_DIR
    catalog = build_catalog(load_archive(ROOT / "archive"))
    shards = run_node(shard_files(folder), "console.log(JSON.stringify(Object.fromEntries("
                                           "Object.entries(S.state.shards).map(([k, s]) => [k, s.docs.map(d => d[0])]))));")
    expected: dict[str, list[str]] = {}
    for row in catalog.bulletins.itertuples():
        expected.setdefault(f"{row.series}/{row.year:04d}", []).append(f"{row.url}index.html")
    assert {k: sorted(v) for k, v in shards.items()} == {k: sorted(v) for k, v in expected.items()}
    for urls in shards.values():
        assert all((sample_build.outdir / url).is_file() for url in urls)


@needs_node
def test_latakia_finds_every_bulletin_saying_it_and_the_9_july_bulletin_above_those_saying_it_in_the_body(sample_build):
    found = [url for _, url in run_node(shard_files(sample_build.outdir / SEARCH_DIR),
                                        "console.log(JSON.stringify(S.search({q: 'Latakia'}).results"
                                        ".map(r => [r.date, r.url])));")]
    catalog = build_catalog(load_archive(ROOT / "archive"))  # the oracle, whatever the archive holds today
    latest = catalog.versions[catalog.versions["is_latest"]]
    said = {f"{catalog.bulletins.at[row.bulletin_id, 'url']}index.html": f"{row.title} {row.summary}".lower()
            for row in latest.itertuples() if "latakia" in f"{row.title} {row.summary} {row.body}".lower()}
    latakia = f"{catalog.bulletins.at[LATAKIA_ID, 'url']}index.html"
    assert latakia in found and set(said) <= set(found)
    in_body_only = [url for url, heading in said.items() if "latakia" not in heading]
    assert all(found.index(latakia) < found.index(url) for url in in_body_only), found


@needs_node
def test_place_filter_includes_the_places_below(sample_build):
    catalog = build_catalog(load_archive(ROOT / "archive"))
    events = catalog.latest("events")
    turkmen = {i for i, places in catalog.bulletins["places"].items() if "Mount Turkmen" in places}
    turkmen |= set(events[events["place"] == "Mount Turkmen"]["bulletin_id"])
    assert LATAKIA_ID in turkmen
    found = run_node(shard_files(sample_build.outdir / SEARCH_DIR),
                     "console.log(JSON.stringify([S.search({place: 'Latakia Province'}).results.map(r => r.url),"
                     "S.search({place: 'Lattakia', year: '2019', corrected: '1'}).results.map(r => r.url),"
                     "S.search({place: 'Nowhere'}).problems]));")
    province, corrected, problems = found
    assert {f"{catalog.bulletins.at[i, 'url']}index.html" for i in turkmen} <= set(province)
    assert set(corrected) <= set(province)
    assert f"{catalog.bulletins.at[LATAKIA_ID, 'url']}index.html" in corrected
    assert problems == ["place \u201cNowhere\u201d is not in the archive"]


@needs_node
def test_snippet_comes_from_the_text_file_around_the_match(sample_build):
    found = run_node(shard_files(sample_build.outdir / SEARCH_DIR),
                     "const r = S.search({q: 'kabani'}); const hit = r.results[0];"
                     "console.log(JSON.stringify(S.snippet(S.state.texts[hit.shard][hit.number][0], r.terms)));")
    assert [text for text, mark in found if mark] and all(t.lower() == "kabani" for t, m in found if m)


def test_unchanged_shards_are_not_rebuilt(archive):
    write_bulletin(archive, date="2018-03-01", slug="old", title="Older year")
    write_bulletin(archive, date="2019-07-09", slug="new", title="Newer year")
    catalog = build_catalog(load_archive(archive))
    first, names = search_files(catalog)
    assert names == set(first) == {MANIFEST, STEMMER, "test-daily-2018.js", "test-daily-2018.text.js",
                                   "test-daily-2019.js", "test-daily-2019.text.js"}
    write_bulletin(archive, date="2019-07-10", slug="newer", title="Another")
    changed = build_catalog(load_archive(archive))
    again, _ = search_files(changed, existing=lambda name: file_digest(first[name]))
    assert set(again) == {MANIFEST, STEMMER, "test-daily-2019.js", "test-daily-2019.text.js"}


@needs_node
def test_hostile_bulletin_builds_and_its_shard_loads(archive, tmp_path):
    title = "</script><script>alert(1)</script> \"Quoted\" & {{x}} إدلب"
    write_bulletin(archive, title=title, summary="Summary with </script> and \u2028 a separator.",
                   places=["Mount Turkmen"], body="Body **text** with `</script>` in it.\n")
    warnings = io.StringIO()
    result = build(archive, tmp_path / "out", ROOT / "docs", warnings_as_errors=True, status=None, warning=warnings)
    assert result.status == 0, warnings.getvalue()
    folder = result.outdir / SEARCH_DIR
    assert all(p.read_text(encoding="utf-8").isascii() for p in folder.glob("*.js"))
    found = run_node(shard_files(folder), "console.log(JSON.stringify(S.search({q: 'quoted', place: 'Syria'})"
                                          ".results.map(r => r.title)));")
    assert found == [title]


@needs_node
def test_postings_decode_in_js_to_what_python_encoded():
    postings = [(0, 1), (1, 3), (2, 2), (30, 1), (700, 3), (5000, 2), (5001, 1), (250_000, 3)]
    encoded = encode_postings(postings)
    assert encoded.isalpha() and encoded.isascii()
    found = run_node([], f"const out = []; S.decode({json.dumps(encoded)}, (d, w) => out.push([d, w]));"
                         "console.log(JSON.stringify(out));")
    assert [tuple(p) for p in found] == postings


@pytest.fixture
def small_search(archive, tmp_path, stemmer_js) -> list[Path]:
    """Five bulletins about places of the test gazetteer, searched by the JS over their search files."""
    write_bulletin(archive, date="2019-05-02", slug="plural", title="Casualties rise", places=["Idlib Province"],
                   body="Hospitals counted the casualties of the night, 2,100 killed since May.\n", tags=["airstrikes"])
    write_bulletin(archive, date="2019-06-03", slug="phrase", title="Rescuers at work", places=["Mount Turkmen"],
                   body="Civil defence crews dug through the rubble.\n", tags=["airstrikes"])
    write_bulletin(archive, date="2019-06-20", slug="apart", title="Words apart", places=["Latakia Province"],
                   body="A civil servant spoke about the defence of the town.\n", tags=["offensive"])
    write_bulletin(archive, date="2019-07-09", slug="alias", title="Lattakia front", places=["Syria"],
                   body="Fighting near Lattakia, reported without a place of its own.\n")
    write_bulletin(archive, date="2020-01-15", slug="later", title="A later casualty", places=["Mount Turkmen"],
                   body="One casualty was reported.\n", actors=["HTS"], tags=["offensive"])
    return write_search(archive, tmp_path / "search")


@needs_node
def test_a_word_finds_its_other_forms(small_search):
    plural, singular = node_search(small_search, {"q": "casualty"}, {"q": "Casualties", "sort": "oldest"})
    assert set(plural["titles"]) == set(singular["titles"]) == {"Casualties rise", "A later casualty"}
    assert singular["dates"] == sorted(singular["dates"])


@needs_node
def test_a_phrase_in_quotes_needs_its_words_in_order(small_search):
    words_found, phrase = node_search(small_search, {"q": "civil defence"}, {"q": "\u201ccivil defence\u201d"})
    assert set(words_found["titles"]) == {"Rescuers at work", "Words apart"}
    assert phrase["titles"] == ["Rescuers at work"]
    assert node_search(small_search, {"q": '"defence civil"'})[0]["titles"] == []
    numbers = node_search(small_search, {"q": '"2,100 killed"'}, {"q": '"2100 killed"'}, {"q": '"killed 2,100"'})
    assert [n["titles"] for n in numbers] == [["Casualties rise"], ["Casualties rise"], []]


@needs_node
def test_an_arabic_alias_finds_the_place_and_the_places_inside_it(small_search):
    with_marks, bare, as_filter = node_search(small_search, {"q": "مُحافَظة إدلب"}, {"q": "محافظه ادلب"},
                                              {"place": "محافظة ادلب"})
    assert with_marks["titles"] == bare["titles"] == as_filter["titles"] == ["Casualties rise"]


@needs_node
def test_a_name_as_a_word_finds_what_the_same_name_as_a_filter_finds(small_search):
    word, place = node_search(small_search, {"q": "Lattakia", "sort": "newest"}, {"place": "Lattakia"})
    assert set(place["titles"]) == {"Rescuers at work", "Words apart", "A later casualty"}
    assert set(place["titles"]) <= set(word["titles"])
    assert set(word["titles"]) - set(place["titles"]) == {"Lattakia front"}  # named in its text only


@needs_node
def test_every_count_is_what_choosing_that_value_gives(small_search, archive):
    catalog = build_catalog(load_archive(archive))
    places, actors, tags = list(catalog.places.index), list(catalog.actors.index), list(catalog.tags.index)
    for base in ({}, {"q": "casualty"}, {"tag": "offensive"}, {"place": "Syria", "year": "2019"}):
        counts = node_search(small_search, base)[0]["counts"]
        checks = [("place", places[int(i)], n) for i, n in counts["places"].items()]
        checks += [("actor", actors[int(i)], n) for i, n in counts["actors"].items()]
        checks += [("tag", tags[int(i)], n) for i, n in counts["tags"].items()]
        checks += [("year", year, n) for year, n in counts["year"].items()]
        assert checks
        found = node_search(small_search, *({**base, name: value} for name, value, _ in checks))
        assert [len(f["titles"]) for f in found] == [n for _, _, n in checks], (base, checks)


@needs_node
def test_dates_are_read_as_the_site_writes_them(small_search, stemmer_js):
    code = ("console.log(JSON.stringify([S.parseDate('9 July 2019'), S.parseDate('July 2019', true), "
            "S.parseDate('Feb 2020', true), S.parseDate('2019'), S.parseDate('July 9, 2019'), "
            "S.parseDate('2019-07-09'), S.parseDate('31 June 2019'), S.parseDate('07/09/2019'), "
            "S.formatDate('2019-07-09')]));")
    assert run_node([], code, stemmer_js) == ["2019-07-09", "2019-07-31", "2020-02-29", "2019-01-01", "2019-07-09",
                                              "2019-07-09", None, None, "9 July 2019"]
    june, wrong = node_search(small_search, {"from": "1 June 2019", "to": "June 2019"}, {"from": "07/09/2019"})
    assert set(june["titles"]) == {"Rescuers at work", "Words apart"}
    assert wrong["titles"] == [] and "9 July 2019" in wrong["problems"][0]


def test_a_bulletins_tokens_are_kept_and_made_again_only_when_a_text_they_come_from_changes(tmp_path, monkeypatch):
    from dailyarchive.build.stage import FileMemo
    from dailyarchive.site import search

    record = {"bulletin_id": "north/2019-07-09-a", "title": "Shelling near Idleb", "summary": "A market <b>&</b> hit",
              "caption": None, "body": "**Shelling** hit the market of \u2067حلب\u2069.\x07\n\n\\emph{x} <script>"
                                       + "x" * 200_000, "what": ["Shelling"],
              "sources": ["SOHR report"]}
    memo = FileMemo(tmp_path / "tokens", salt="s")
    fresh = search.bulletin_tokens(record, ["Idleb Province"])
    assert search.bulletin_tokens(record, ["Idleb Province"], memo) == fresh
    assert FileMemo(tmp_path / "tokens", salt="s").recall(record["bulletin_id"], "other digest") is None
    (shelling,) = search.token_set("shelling")
    assert fresh[0][shelling] == search.TITLE and "حلب" in fresh[1]
    made: list[str] = []
    monkeypatch.setattr(search, "plain_text", lambda body: made.append(body) or body)
    assert search.bulletin_tokens(record, ["Idleb Province"], memo) == fresh and made == []  # kept: not made again
    changed = search.bulletin_tokens({**record, "title": "Shelling near Aleppo"}, ["Idleb Province"], memo)
    assert made == [record["body"]] and set(search.token_set("aleppo")) <= set(changed[0])
    search.bulletin_tokens(record, ["Aleppo Province"], memo)  # a name's alias or enclosing place changed
    assert len(made) == 2
