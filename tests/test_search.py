"""The static search: tokens, the split index files, and the JS search run with node on built shards."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
from helpers import needs_tool, write_bulletin

from dailyarchive.catalog import build_catalog
from dailyarchive.load import load_archive
from dailyarchive.publish.html import build
from dailyarchive.search import (MANIFEST, SEARCH_DIR, STOP_WORDS, encode_postings, file_digest, plain_text,
                                 script, search_files, tokenize)

ROOT = Path(__file__).resolve().parents[1]
SEARCH_JS = ROOT / "tools" / "dailyarchive" / "sphinxext" / "static" / "dailyarchive-search.js"
LATAKIA_ID = "syria-daily/2019-07-09-northern-latakia-counter-attack"
needs_node = needs_tool("node", install="install Debian's nodejs (`invoke setup-system`)")


def run_node(files: list[Path], code: str) -> object:
    """Load the search script and `files` in node, run `code` (with `S` the search API); its printed JSON."""
    loads = "".join(f"require({json.dumps(str(f))});\n" for f in files)
    program = f"const S = require({json.dumps(str(SEARCH_JS))});\n{loads}{code}\n"
    result = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def shard_files(folder: Path) -> list[Path]:
    """The manifest first, then every index and text file."""
    return [folder / MANIFEST, *sorted(p for p in folder.glob("*.js") if p.name != MANIFEST)]


def test_tokens_fold_case_accents_apostrophes_and_thousands():
    assert tokenize("Hay'at Tahrir al-Sham") == ["hayat", "tahrir", "al", "sham"]
    assert tokenize("Qalʼat al-Maḍīq") == ["qalat", "al", "madiq"]
    assert tokenize("more than 2,100 of the 330,000") == ["2100", "330000"]
    assert tokenize("إِدْلِب") == tokenize("ادلب") == ["ادلب"]


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


@needs_node
def test_js_tokens_match_python_tokens():
    samples = ["Hay'at Tahrir al-Sham", "Qalʼat al-Maḍīq", "2,100 killed; 330,000 displaced", "إِدْلِب وحماة",
               "Ma’arrat al-Nu’man", "Kafr Nabudah, then KAFR NABŪDAH", "a b c 4 positions"]
    code = (f"S.setManifest({{stop: {json.dumps(sorted(STOP_WORDS))}}});"
            f"console.log(JSON.stringify({json.dumps(samples)}.map(S.tokenize)));")
    assert run_node([], code) == [tokenize(s) for s in samples]


def test_sample_search_has_one_shard_per_series_year_and_no_sphinx_index(sample_build):
    folder = sample_build.outdir / SEARCH_DIR
    catalog = build_catalog(load_archive(ROOT / "archive"))
    years = {f"{s}-{y:04d}" for s, y in catalog.bulletins[["series", "year"]].drop_duplicates().itertuples(index=False)}
    assert {p.name.split(".")[0] for p in folder.glob("*.js")} == {"manifest", *years}
    assert not (sample_build.outdir / "searchindex.js").exists()
    page = (sample_build.outdir / "search.html").read_text(encoding="utf-8")
    assert 'id="dailyarchive-search-form"' in page
    assert '<script src="_search/manifest.js">' in page and '<script src="_static/dailyarchive-search.js">' in page


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
def test_latakia_finds_the_9_july_bulletin_first(sample_build):
    found = run_node(shard_files(sample_build.outdir / SEARCH_DIR),
                     "console.log(JSON.stringify(S.search({q: 'Latakia'}).results.map(r => [r.date, r.url])));")
    assert found[0] == ["2019-07-09", "syria-daily/2019/2019-07-09-northern-latakia-counter-attack/index.html"]


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
                     "console.log(JSON.stringify(S.snippet(S.state.texts[hit.shard][hit.number], r.terms)));")
    assert [text for text, mark in found if mark] and all(t.lower() == "kabani" for t, m in found if m)


def test_unchanged_shards_are_not_rebuilt(archive):
    write_bulletin(archive, date="2018-03-01", slug="old", title="Older year")
    write_bulletin(archive, date="2019-07-09", slug="new", title="Newer year")
    catalog = build_catalog(load_archive(archive))
    first, names = search_files(catalog)
    assert names == set(first) == {MANIFEST, "test-daily-2018.js", "test-daily-2018.text.js",
                                   "test-daily-2019.js", "test-daily-2019.text.js"}
    write_bulletin(archive, date="2019-07-10", slug="newer", title="Another")
    changed = build_catalog(load_archive(archive))
    again, _ = search_files(changed, existing=lambda name: file_digest(first[name]))
    assert set(again) == {MANIFEST, "test-daily-2019.js", "test-daily-2019.text.js"}


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
