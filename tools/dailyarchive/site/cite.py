"""Citations of one version of a bulletin: plain text, BibTeX, RIS, CSL-JSON and Highwire meta tags.

``citations(catalog)`` gives a `Citation` per version; ``directive(citation)`` is the MyST block a page
stages (it carries every value the box shows, so the page changes when the citation does).

Every format carries the version's permanent URL (absolute once the site's base URL is set) and an
access date. A static page cannot know when it is read, so the access date is a placeholder
(`ACCESSED`, in each format's own date syntax) that the page's script replaces with the reader's
date as the page opens; without scripts (PDF, EPUB, a downloaded `.bib`) the reader sees the
placeholder and fills it in. A build date would be wrong for every later reader and would change
every page every day. The note of each format carries the SHA-256 of the version's source file
(`v<N>.md`, published beside the page), so `sha256sum v<N>.md` proves a copy is the version cited.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date as Date
from pathlib import Path
from typing import Any

import pandas as pd

from ..catalog.catalog import Catalog
from ..model.errors import Problem
from ..model.load import file_stamp, volume_of
from ..model.memo import Kept, Memo
from ..model.safefile import read_bytes

DIRECTIVE = "dailyarchive-cite"
#: The access date's placeholders as written in the page and files: ISO (BibTeX, CSL-JSON), RIS, words.
ACCESSED = {"iso": "YYYY-MM-DD", "ris": "YYYY/MM/DD/", "text": "[date accessed]"}
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
                  "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_LATEX_RE = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIAL))


@dataclass(frozen=True)
class Citation:
    """What a citation of one version says. Dates are ISO `YYYY-MM-DD`; `revised` is '' for a first version.

    `page` is the Sphinx docname of the version's permanent page; `url` its absolute URL when the
    archive's base URL is known ('' otherwise); `sha256` the digest of the version's source file,
    published as `source` in the bulletin's folder.
    """

    bulletin_id: str
    version: int
    title: str
    series: str
    series_name: str
    publisher: str
    date: str
    revised: str = ""
    revision_note: str = ""
    summary: str = ""
    language: str = ""
    tags: tuple[str, ...] = ()
    page: str = ""
    url: str = ""
    sha256: str = ""

    @property
    def source(self) -> str:
        """The source file's name in the bulletin's folder (as in the archive and its manifest)."""
        return f"v{self.version}.md"

    def beside(self, name: str) -> str:
        """The path from the output root of a file in this version's folder (`<bulletin folder>/<name>`)."""
        return in_version_folder(self.page, name)

    @property
    def key(self) -> str:
        """A BibTeX key: `<series>:<date>-<slug>:v<N>`."""
        return f"{self.bulletin_id.replace('/', ':')}:v{self.version}"


def in_version_folder(page: str, name: str) -> str:
    """The path from the output root of the file `name` in the folder of the version page `page` (a docname)."""
    folder = posixpath.dirname(page)
    return f"{folder}/{name}" if folder else name


def version_docname(bulletin_url: str, version: int) -> str:
    """Docname of a version's permanent page: `<series>/<year>/<date>-<slug>/v<N>`."""
    return f"{bulletin_url.rstrip('/')}/v{version}"


def citation(bulletin: Mapping[str, Any], version: Mapping[str, Any], series: Mapping[str, Any]) -> Citation:
    """The citation of one version, from rows of the catalog's bulletins, versions and series tables."""
    revised = version.get("revised")
    return Citation(
        bulletin_id=str(version["bulletin_id"]), version=int(version["version"]), title=_text(version["title"]),
        series=str(version["series"]), series_name=_text(series.get("name")) or str(version["series"]),
        publisher=_text(series.get("publisher")), date=f"{version['date']:%Y-%m-%d}",
        revised=f"{revised:%Y-%m-%d}" if revised is not None and not pd.isna(revised) else "",
        revision_note=_text(version.get("revision_note")), summary=_text(version.get("summary")),
        language=_text(series.get("language")), tags=tuple(version.get("tags") or ()),
        page=version_docname(str(bulletin["url"]), int(version["version"])), sha256=_text(version.get("sha256")))


def citations(catalog: Catalog, versions: pd.DataFrame | None = None) -> dict[tuple[str, int], Citation]:
    """A citation for every version of the catalog (or of `versions`, rows of its versions), keyed by
    (bulletin id, version)."""
    series = {row["slug"]: row for row in catalog.series.to_dict("records")}
    urls = catalog.bulletins["url"].to_dict()
    rows = catalog.versions if versions is None else versions
    return {(row["bulletin_id"], int(row["version"])): citation({"url": urls[row["bulletin_id"]]}, row,
                                                                  series.get(row["series"], {}))
            for row in rows[CITED_COLUMNS].to_dict("records")}


#: The columns of the catalog's versions that a citation reads (not the bodies).
CITED_COLUMNS = ["bulletin_id", "version", "title", "series", "date", "revised", "revision_note", "summary", "tags",
                 "sha256"]


def directive(citation: Citation) -> str:
    """The MyST block that renders the "Cite this version" box (the data as one line of ASCII JSON)."""
    data = json.dumps(asdict(citation), ensure_ascii=True, sort_keys=True)
    return f"```{{{DIRECTIVE}}}\n{data}\n```\n"


def from_json(text: str) -> Citation:
    """The citation that `directive` wrote (raises ValueError or TypeError on anything else)."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("a citation is a JSON object")
    data["tags"] = tuple(data.get("tags", ()))
    return Citation(**data)


def with_url(citation: Citation, url: str) -> Citation:
    """The same citation with its permanent URL."""
    return replace(citation, url=url)


def human_date(iso: str) -> str:
    """`2019-07-09` → `9 July 2019`."""
    day = Date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def plain(citation: Citation) -> str:
    """A plain-text citation: publisher, title, series and date, version, URL, access date, source digest."""
    parts = [f"{citation.publisher}." if citation.publisher else "", f"\u201c{citation.title}.\u201d",
             f"{citation.series_name}, {human_date(citation.date)}.", f"{_version_words(citation)}."]
    if citation.url:
        parts.append(f"{citation.url}.")
    parts.append(f"Accessed {ACCESSED['text']}.")
    if citation.sha256:
        parts.append(f"{_digest_words(citation)}.")
    return " ".join(p for p in parts if p)


def _digest_words(citation: Citation) -> str:
    return f"Source file {citation.source}, SHA-256 {citation.sha256}"


def _version_words(citation: Citation) -> str:
    words = f"Version {citation.version}"
    return f"{words}, corrected {human_date(citation.revised)}" if citation.revised else words


def note(citation: Citation) -> str:
    """The version note: `Version 2, corrected 12 July 2019: <revision note>. Source file v2.md, SHA-256 <hex>`."""
    words = _version_words(citation)
    words = f"{words}: {citation.revision_note}" if citation.revision_note else words
    if not citation.sha256:
        return words
    return f"{words.rstrip('.')}. {_digest_words(citation)}"


def latex_escape(text: str) -> str:
    """Text safe inside a BibTeX field: LaTeX special characters escaped, one line."""
    return _LATEX_RE.sub(lambda m: _LATEX_SPECIAL[m.group()], " ".join(text.split()))


def bibtex(citation: Citation) -> str:
    """A BibTeX `@misc` entry (biblatex reads `date`, `url`, `language` too)."""
    day = Date.fromisoformat(citation.date)
    fields = [("author", "{" + latex_escape(citation.publisher or citation.series_name) + "}"),
              ("title", "{" + latex_escape(citation.title) + "}"),
              ("howpublished", latex_escape(citation.series_name)),
              ("year", str(day.year)), ("month", str(day.month)), ("date", citation.date),
              ("version", str(citation.version)), ("note", latex_escape(note(citation)))]
    if citation.publisher:
        fields.append(("publisher", latex_escape(citation.publisher)))
    if citation.language:
        fields.append(("language", latex_escape(citation.language)))
    if citation.url:
        fields.append(("url", re.sub(r"[\s{}]", "", citation.url)))
    fields.append(("urldate", ACCESSED["iso"]))
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name:<{width}} = {{{value}}}" for name, value in fields)
    return f"@misc{{{citation.key},\n{body}\n}}\n"


def ris(citation: Citation) -> str:
    """A RIS record (type NEWS: an article of a news series)."""
    day = Date.fromisoformat(citation.date)
    lines = [("TY", "NEWS"), ("TI", citation.title), ("AU", citation.publisher or citation.series_name),
             ("T2", citation.series_name), ("PB", citation.publisher), ("PY", str(day.year)),
             ("DA", f"{day:%Y/%m/%d}/"), ("ET", str(citation.version)), ("N1", note(citation)),
             ("AB", citation.summary), ("LA", citation.language), ("UR", citation.url), ("Y2", ACCESSED["ris"])]
    lines += [("KW", tag) for tag in citation.tags]
    text = "".join(f"{tag}  - {' '.join(value.split())}\n" for tag, value in lines if value)
    return text + "ER  - \n"


def csl(citation: Citation) -> dict[str, object]:
    """The CSL-JSON item (type article-newspaper)."""
    item: dict[str, object] = {
        "id": f"{citation.bulletin_id}/v{citation.version}", "type": "article-newspaper",
        "title": citation.title, "container-title": citation.series_name,
        "author": [{"literal": citation.publisher or citation.series_name}],
        "issued": {"date-parts": [_date_parts(citation.date)]}, "version": str(citation.version),
        "note": note(citation), "accessed": {"raw": ACCESSED["iso"]},
    }
    if citation.revised:
        item["available-date"] = {"date-parts": [_date_parts(citation.revised)]}
    optional = {"publisher": citation.publisher, "abstract": citation.summary, "language": citation.language,
                "URL": citation.url, "keyword": ", ".join(citation.tags)}
    item.update({k: v for k, v in optional.items() if v})
    return item


def csl_json(citation: Citation) -> str:
    """CSL-JSON text: a list holding the one item, as citation managers import it."""
    return json.dumps([csl(citation)], ensure_ascii=False, indent=2) + "\n"


def highwire(citation: Citation) -> list[tuple[str, str]]:
    """Highwire Press `citation_*` meta tags (name, content), as Zotero and Google Scholar read them."""
    tags = [("citation_title", citation.title), ("citation_author", citation.publisher or citation.series_name),
            ("citation_publisher", citation.publisher),
            ("citation_publication_date", citation.date.replace("-", "/")),
            ("citation_online_date", citation.revised.replace("-", "/")),
            ("citation_language", citation.language), ("citation_abstract", citation.summary),
            ("citation_keywords", "; ".join(citation.tags)), ("citation_public_url", citation.url)]
    return [(name, content) for name, content in tags if content]


def files(citation: Citation) -> dict[str, str]:
    """The `.bib` and `.ris` files of a version, by path from the output root (`<bulletin folder>/v<N>.bib`)."""
    stem = f"v{citation.version}"
    return {citation.beside(f"{stem}.bib"): bibtex(citation), citation.beside(f"{stem}.ris"): ris(citation)}


def remembered_files(citation: Citation, memo: Memo | None) -> dict[str, str | Kept]:
    """`files`, kept in `memo` under a digest of the citation (its every field) when given."""
    if memo is None:
        return dict(files(citation))
    key, digest = f"{citation.bulletin_id}/v{citation.version}", hashlib.sha256(repr(citation).encode()).hexdigest()
    return dict(memo.recall_texts(key, digest) or memo.keep_texts(key, digest, files(citation)))


#: What to do about a version file that changed while the site was built.
CHANGED_FIX = "build again (and run `invoke verify` if it was sealed)"


@dataclass(frozen=True)
class VolumeCitations:
    """Where the `.bib` and `.ris` files of a volume's versions are named whole: `records`, one entry a volume (the
    digests of its texts, kept in the citations' own memo), under the digest of what its version files were read
    from (`read_from`: `build.reading.Reading.digests`) and of `inputs` (what else a citation shows: the base URL)."""

    records: Memo
    read_from: dict[str, str]
    inputs: str

    def digest(self, volume: str) -> str | None:
        """The digest a volume's files are kept under, or None when it was not read as a volume."""
        read = self.read_from.get(volume)
        return None if read is None else hashlib.sha256(f"{read}\n{self.inputs}".encode()).hexdigest()


def version_files(catalog: Catalog, url_of: Callable[[str], str], problems: list[Problem],
                  withheld: frozenset[str] = frozenset(), memo: Memo | None = None,
                  volumes: VolumeCitations | None = None) -> dict[str, str | bytes | Kept]:
    """{path from the output root: content} of every version's source file, `.bib` and `.ris`.

    `url_of(docname)` is a page's absolute URL ('' when the base URL is unknown). A source file is
    published byte for byte, and only while it still has the digest the pages cite (a file with the size and
    time it was read with is `Kept`: read, and its digest checked, only when it must be written); a file changed or
    unreadable since it was loaded is left out and a problem says so. Sources in `withheld` (paths from
    the output root: bodies outside the safe profile, withheld by the build) are left out too.
    With `memo`, the `.bib` and `.ris` texts of a citation made before are taken back from it (`Kept`); with
    `volumes`, those of a volume whose files were read from the same inputs come back whole, no citation made.
    """
    versions = catalog.versions
    urls = catalog.bulletins["url"].to_dict()
    groups = _by_volume(catalog)
    digests = {volume: volumes.digest(volume) if volumes is not None and memo is not None else None
               for volume in groups}
    whole = {volume: memo.kept_texts(volumes.records.recall(volume, digest)) if memo and volumes and digest else None
             for volume, digest in digests.items()}
    unkept = [position for volume, rows in groups.items() if whole[volume] is None for position in rows]
    cited = citations(catalog, versions.iloc[unkept]) if unkept else {}  # once: each call reads every bulletin's URL
    out: dict[str, str | bytes | Kept] = {}
    for volume, rows in groups.items():
        members = versions.iloc[rows]
        kept, digest = whole[volume], digests[volume]
        if kept is None:
            made: dict[str, str | Kept] = {}
            for key in zip(members["bulletin_id"], members["version"].astype(int)):
                made.update(remembered_files(with_url(cited[key], url_of(cited[key].page)), memo))
            if volumes is not None and digest is not None:
                volumes.records.keep(volume, digest, {name: file.sha256 for name, file in made.items()
                                                      if isinstance(file, Kept)})
        out.update(made if kept is None else kept)
        for bulletin_id, version, path, read_as, sha256 in members[SOURCE_COLUMNS].itertuples(index=False):
            published = in_version_folder(version_docname(str(urls[bulletin_id]), int(version)), f"v{int(version)}.md")
            if published not in withheld:
                out.update(_published_source(published, str(path), read_as, str(sha256), problems))
    return out


#: The columns of the catalog's versions that publishing a source file reads.
SOURCE_COLUMNS = ["bulletin_id", "version", "path", "read_as", "sha256"]


def _by_volume(catalog: Catalog) -> dict[str, list[int]]:
    """The positions of the catalog's versions, by the volume their files were read from (`volume_of`)."""
    found: dict[str, list[int]] = {}
    for position, path in enumerate(catalog.versions["path"].tolist()):
        found.setdefault(volume_of(catalog.root, path), []).append(position)
    return found


def _published_source(published: str, source: str, read_as: object, sha256: str,
                      problems: list[Problem]) -> dict[str, bytes | Kept]:
    """A version's source file as published at `published`: `Kept` while it has the size and time it was read
    with, else read and published only while it has its cited digest (a problem says why not)."""
    if read_as and file_stamp(source) == read_as:  # as it was read: its digest is known, it is read to be written
        return {published: Kept(source, sha256, "the version file", CHANGED_FIX)}
    data = read_bytes(Path(source), problems)
    if data is not None and hashlib.sha256(data).hexdigest() == sha256:
        return {published: data}
    if data is not None:
        problems.append(Problem(Path(source), 1, "error", "fixity-altered",
                                f"the file changed while the site was built, so it is not published: {CHANGED_FIX}"))
    return {}


def _date_parts(iso: str) -> list[int]:
    day = Date.fromisoformat(iso)
    return [day.year, day.month, day.day]


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return " ".join(str(value).split())
