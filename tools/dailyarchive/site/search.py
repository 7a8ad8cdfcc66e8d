"""Catalog → the static search data: a manifest of facets and shards, and one index and text file per series-year.

The files are JavaScript that call ``DailyArchiveSearch.setManifest/addShard/addText`` (see
``sphinxext/static/dailyarchive-search.js``), so the browser loads them with ``<script>`` tags, which
works from ``file://`` where ``fetch`` does not. A reader searching one year loads the manifest, the
stemmer, that year's index and, for the snippets of the results it shows (or to check a phrase), that
year's text file. Tokens are stemmed English words and folded Arabic ones (`searchtext`).

Index format of a shard: ``docs`` is a list of ``[url, date, title, summary, places, actors, tags,
versions]`` (facets as indices into the manifest's vocabularies); ``index`` maps a token to its postings
(document, weight), weight 3 for the title, 2 for the summary, caption and names, 1 for the body, events
and sources, encoded by `encode_postings`. A text file holds ``[body, other fields]`` per document.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from ..addresses import SEARCH_DIR
from ..catalog.catalog import Catalog
from ..model.memo import Memo, digest_of_record
from .searchtext import STOP_WORDS, normalize, plain_text, stemmer_script, token_set, tokenize

#: Bumped when the layout of the files changes (old shards are then rebuilt).
FORMAT = 3
#: Where the files go, relative to the HTML output folder.
MANIFEST = "manifest.js"
#: Sphinx's English Snowball stemmer, copied into the search folder (see `searchtext.stemmer_script`).
STEMMER = "stemmer.js"
#: The global object the script files call (defined by dailyarchive-search.js).
GLOBAL = "DailyArchiveSearch"
TITLE, NAMES, BODY = 3, 2, 1
_HEADER_RE = re.compile(r"^/\* dailyarchive-search format=(\d+) digest=([0-9a-f]+) \*/")
MAX_TEXT = 20_000
__all__ = ["FORMAT", "MANIFEST", "SEARCH_DIR", "STEMMER", "STOP_WORDS", "encode_postings", "file_digest",
           "normalize", "plain_text", "script", "search_files", "tokenize"]


@dataclass(frozen=True)
class Vocabulary:
    """The facet values of the manifest, and their positions (what shards refer to)."""

    series: list[dict[str, str]]
    places: list[dict[str, Any]]
    actors: list[dict[str, Any]]
    tags: list[dict[str, Any]]

    def positions(self, kind: str) -> dict[str, int]:
        """Name → position in the `kind` list."""
        return {entry["name"]: i for i, entry in enumerate(getattr(self, kind))}

    def digest(self) -> str:
        """A digest of the vocabulary, part of every shard's digest."""
        return _digest(json.dumps([self.series, self.places, self.actors, self.tags], sort_keys=True))


def vocabulary(catalog: Catalog) -> Vocabulary:
    """Every series, place, actor and tag (gazetteer entries plus names used but not in it)."""
    bulletins = catalog.bulletins
    events = catalog.latest("events")
    facets: dict[str, list[dict[str, Any]]] = {}
    for kind in ("places", "actors", "tags"):
        gazetteer: pd.DataFrame = getattr(catalog, kind)
        used = set(_flatten(bulletins[kind]))
        used |= set(events["place"].dropna()) if kind == "places" else set()
        used |= set(_flatten(events["actors"])) if kind == "actors" else set()
        names = list(gazetteer.index) + sorted(used - set(gazetteer.index))
        facets[kind] = [{"name": name, "aliases": list(gazetteer.at[name, "aliases"]) if name in gazetteer.index else []}
                        for name in names]
    positions = {entry["name"]: i for i, entry in enumerate(facets["places"])}
    for entry in facets["places"]:
        parent = catalog.places.at[entry["name"], "parent"] if entry["name"] in catalog.places.index else None
        entry["parent"] = positions.get(parent, -1) if isinstance(parent, str) else -1
    series = [{"slug": row.slug, "name": row.name} for row in catalog.series.itertuples()]
    return Vocabulary(series=series, **facets)


def _flatten(column: Iterable[Iterable[str]]) -> Iterable[str]:
    for names in column:
        yield from names


@dataclass(frozen=True)
class ShardPlan:
    """One series-year: its bulletins and a digest of everything its files are made from."""

    series: str
    year: int
    bulletin_ids: tuple[str, ...]
    digest: str

    @property
    def key(self) -> str:
        return f"{self.series}/{self.year:04d}"

    @property
    def index_file(self) -> str:
        return f"{self.series}-{self.year:04d}.js"

    @property
    def text_file(self) -> str:
        return f"{self.series}-{self.year:04d}.text.js"


def plan_shards(catalog: Catalog, vocab: Vocabulary, url_style: str = "") -> list[ShardPlan]:
    """The shards to write, each with a digest of its bulletins' version files, the vocabulary and `url_style`."""
    base = vocab.digest() + url_style + str(FORMAT)
    latest = catalog.latest("versions").set_index("bulletin_id")["sha256"]
    counts = catalog.bulletins["n_versions"]
    plans = []
    for (series, year), rows in catalog.bulletins.groupby(["series", "year"], sort=True):
        ids = tuple(rows.index)
        parts = [base] + [f"{i}:{latest[i]}:{counts[i]}" for i in ids]
        plans.append(ShardPlan(str(series), int(year), ids, _digest("\n".join(parts))))
    return plans


def bulletin_records(catalog: Catalog, ids: set[str]) -> dict[str, dict[str, Any]]:
    """The searchable fields of the latest version of the bulletins `ids`, as plain dicts (no pandas in loops)."""
    def rows(table: str) -> list[dict[str, Any]]:
        frame = catalog.latest(table)
        return frame[frame["bulletin_id"].isin(ids)].to_dict("records")

    records = {row["bulletin_id"]: {**row, "what": [], "sources": [], "event_places": [], "event_actors": []}
               for row in rows("versions")}
    bulletins = catalog.bulletins[catalog.bulletins.index.isin(ids)]
    for bulletin_id, url, count in zip(bulletins.index, bulletins["url"], bulletins["n_versions"]):
        records[bulletin_id].update(url=url, n_versions=int(count))
    for event in rows("events"):
        record = records[event["bulletin_id"]]
        record["what"].append(_text(event["what"]))
        record["event_places"].extend([event["place"]] if isinstance(event["place"], str) else [])
        record["event_actors"].extend(event["actors"])
    for source in rows("sources"):
        records[source["bulletin_id"]]["sources"].append(f"{_text(source['title'])} {_text(source['publisher'])}")
    return records


def shard_payloads(plan: ShardPlan, records: dict[str, dict[str, Any]], vocab: Vocabulary,
                   page_url: Callable[[str], str], tokens: Memo | None = None) -> tuple[dict[str, Any], list[list[str]]]:
    """The index payload and the texts (snippet and phrase source) of one shard (`tokens`: where each bulletin's
    tokens are kept, `bulletin_tokens`).

    A bulletin's names are its places, actors and tags with their aliases, and every place enclosing its
    places with theirs (a bulletin about Mount Turkmen is about Latakia Province): so a name typed as a word
    finds what the same name chosen as a filter finds. Its text is ``[body, other fields]``, the other
    fields one per line (caption, events, sources), so that a phrase never spans two fields; the JS takes
    the names for phrases from the manifest.
    """
    pos = {kind: vocab.positions(kind) for kind in ("places", "actors", "tags")}
    aliases = {kind: {e["name"]: e["aliases"] for e in getattr(vocab, kind)} for kind in pos}
    enclosing = enclosing_places(vocab)
    docs: list[list[Any]] = []
    texts: list[list[str]] = []
    postings: dict[str, dict[int, int]] = {}
    ordered = sorted((records[i] for i in plan.bulletin_ids), key=lambda r: (r["date"], r["slug"]))
    for number, record in enumerate(ordered):
        places = list(dict.fromkeys([*record["places"], *record["event_places"]]))
        actors = list(dict.fromkeys([*record["actors"], *record["event_actors"]]))
        named = {"places": list(dict.fromkeys(p for place in places for p in (place, *enclosing.get(place, ())))),
                 "actors": actors, "tags": record["tags"]}
        names = [n for kind, values in named.items() for v in values for n in (v, *aliases[kind].get(v, []))]
        other = [_text(record["caption"]), *record["what"], *record["sources"]]
        weights, text = bulletin_tokens(record, names, tokens)
        for token, weight in weights.items():
            postings.setdefault(token, {})[number] = weight
        docs.append([page_url(record["url"].rstrip("/") + "/index"), f"{record['date']:%Y-%m-%d}",
                     _text(record["title"]), _text(record["summary"]), [pos["places"][p] for p in places],
                     [pos["actors"][a] for a in actors], [pos["tags"][t] for t in record["tags"]],
                     record["n_versions"]])
        texts.append([text, "\n".join(line for line in other if line)])
    index = {token: encode_postings(found.items()) for token, found in sorted(postings.items())}
    return {"docs": docs, "index": index}, texts


def bulletin_tokens(record: dict[str, Any], names: list[str], memo: Memo | None = None) -> tuple[dict[str, int], str]:
    """A bulletin's search tokens, each with the weight of the best field it is in (title, names, body), and the
    start of its body as plain text (the snippet's source). They are kept in `memo` under a digest of exactly the
    texts they are made from, so a year's shard made again (a bulletin added to it) tokenizes only the bulletins
    that changed: half the time of its making."""
    fields = [(TITLE, _text(record["title"])), (NAMES, _text(record["summary"])), (NAMES, _text(record["caption"])),
              (NAMES, " ".join(names)), (BODY, str(record["body"] or "")), (BODY, " ".join(record["what"])),
              (BODY, " ".join(record["sources"]))]
    digest = digest_of_record(fields)
    kept = memo.recall(record["bulletin_id"], digest) if memo is not None else None
    if isinstance(kept, dict) and isinstance(kept.get("weights"), dict) and isinstance(kept.get("text"), str):
        return kept["weights"], kept["text"]
    body = plain_text(record["body"])
    fields[4] = (BODY, body)
    weights: dict[str, int] = {}
    for weight, text in fields:
        for token in token_set(text):
            if weights.get(token, 0) < weight:
                weights[token] = weight
    if memo is not None:
        memo.keep(record["bulletin_id"], digest, {"weights": weights, "text": body[:MAX_TEXT]})
    return weights, body[:MAX_TEXT]


def enclosing_places(vocab: Vocabulary) -> dict[str, list[str]]:
    """Place name → the names of the places enclosing it, nearest first (from the gazetteer's parents)."""
    places = vocab.places
    found: dict[str, list[str]] = {}
    for entry in places:
        chain, parent = [], entry["parent"]
        while parent >= 0 and places[parent]["name"] not in chain and places[parent]["name"] != entry["name"]:
            chain.append(places[parent]["name"])
            parent = places[parent]["parent"]
        found[entry["name"]] = chain
    return found


def encode_postings(postings: Iterable[tuple[int, int]]) -> str:
    """(document, weight) pairs in document order as letters: each `gap * 4 + weight` in base 26,
    lower-case digits then one upper-case last digit (no separators; the JS `decode` reads it)."""
    table = _base26()
    out: list[str] = []
    previous = 0
    for doc, weight in postings:
        value = (doc - previous) * 4 + weight
        previous = doc
        out.append(table[value] if value < len(table) else _base26_digits(value))
    return "".join(out)


@lru_cache(maxsize=1)
def _base26() -> list[str]:
    return [_base26_digits(value) for value in range(26 ** 3)]


def _base26_digits(value: int) -> str:
    digits = chr(65 + value % 26)
    value //= 26
    while value:
        digits = chr(97 + value % 26) + digits
        value //= 26
    return digits


def manifest_payload(vocab: Vocabulary, plans: list[ShardPlan], catalog: Catalog) -> dict[str, Any]:
    """The manifest: facet vocabularies, stop words and one entry per shard (file names, first and last date)."""
    shards = []
    for plan in plans:
        dates = catalog.bulletins.loc[list(plan.bulletin_ids), "date"]
        shards.append({"key": plan.key, "series": plan.series, "year": plan.year, "docs": len(plan.bulletin_ids),
                       "from": f"{dates.min():%Y-%m-%d}", "to": f"{dates.max():%Y-%m-%d}",
                       "index": plan.index_file, "text": plan.text_file})
    return {"format": FORMAT, "series": vocab.series, "places": vocab.places, "actors": vocab.actors,
            "tags": vocab.tags, "stop": sorted(STOP_WORDS), "shards": shards}


def script(call: str, *arguments: Any, digest: str = "") -> str:
    """A script file calling ``DailyArchiveSearch.<call>(...)`` with JSON arguments, safe to load anywhere.

    JSON is ASCII-only (no encoding trouble from ``file://``) and ``<`` is written ``\\u003c``, so no text can
    close a script element or open an HTML comment.
    """
    header = f"/* dailyarchive-search format={FORMAT} digest={digest} */\n" if digest else ""
    args = ",".join(json.dumps(a, ensure_ascii=True, separators=(",", ":")).replace("<", "\\u003c")
                    for a in arguments)
    return f"{header}{GLOBAL}.{call}({args});\n"


def file_digest(text: str) -> str | None:
    """The digest written in the first line of a shard file (None when absent or of another format)."""
    match = _HEADER_RE.match(text)
    return match.group(2) if match and int(match.group(1)) == FORMAT else None


def search_files(catalog: Catalog, page_url: Callable[[str], str] = lambda d: f"{d}.html", url_style: str = "",
                 existing: Callable[[str], str | None] = lambda name: None,
                 tokens: Memo | None = None) -> tuple[dict[str, str], set[str]]:
    """The search files to write as {name relative to the search folder: JavaScript text}, and every name.

    `existing(name)` gives a shard file's current digest; a shard whose digest is unchanged is not
    rebuilt and is left out of the files to write (it is still among the names). The manifest and the
    stemmer are always returned (written only when their text changed). `tokens` keeps each bulletin's
    tokens for the shards made again (`bulletin_tokens`).
    """
    vocab = vocabulary(catalog)
    plans = plan_shards(catalog, vocab, url_style)
    names = {MANIFEST, STEMMER} | {p.index_file for p in plans} | {p.text_file for p in plans}
    files: dict[str, str] = {}
    outdated = [p for p in plans if existing(p.index_file) != p.digest or existing(p.text_file) != p.digest]
    records = bulletin_records(catalog, {i for plan in outdated for i in plan.bulletin_ids})
    for plan in outdated:
        payload, texts = shard_payloads(plan, records, vocab, page_url, tokens)
        files[plan.index_file] = script("addShard", plan.key, payload, digest=plan.digest)
        files[plan.text_file] = script("addText", plan.key, texts, digest=plan.digest)
    files[MANIFEST] = script("setManifest", manifest_payload(vocab, plans, catalog))
    files[STEMMER] = stemmer_script()
    return files, names


def _text(value: object) -> str:
    """Text of a catalog cell ('' for missing values)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return " ".join(str(value).split())


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
