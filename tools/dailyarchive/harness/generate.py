"""Synthetic archives for benchmarks and tests: N illustrative bulletins across K series."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..model.load import split_front_matter
from ..build.stage import write_if_changed

#: The last day of every generated series: fixed (so an archive depends on the seed alone) and mid-month,
#: so the bulletin that `append_bulletin` adds is an ordinary day, not the first of a new month or year.
END = dt.date(2024, 6, 14)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Front matter as archivists write it: no anchors, lists of names inline, records as blocks."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(not isinstance(item, (dict, list)) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)
SYLLABLES = [
    ("ka", "كا"), ("la", "لا"), ("ma", "ما"), ("na", "نا"), ("ra", "را"), ("sa", "سا"), ("ta", "تا"),
    ("da", "دا"), ("ba", "با"), ("ha", "حا"), ("fa", "فا"), ("za", "زا"), ("mi", "مي"), ("li", "لي"),
    ("ri", "ري"), ("di", "دي"), ("bi", "بي"), ("si", "سي"), ("nu", "نو"), ("ru", "رو"), ("mu", "مو"),
    ("qu", "قو"), ("al", "ال"), ("an", "ان"), ("ar", "ار"), ("ab", "اب"), ("un", "ون"), ("in", "ين"),
    ("dun", "دون"), ("bar", "بار"), ("jab", "جاب"), ("ham", "حام"), ("lat", "لات"), ("sar", "سار"),
    ("mur", "مور"), ("tal", "تال"), ("kin", "كين"), ("bus", "بوس"), ("dir", "دير"), ("sum", "سوم"),
    ("zan", "زان"), ("qar", "قار"), ("har", "حار"), ("wad", "واد"), ("nab", "ناب"), ("shu", "شو"),
    ("kha", "خا"), ("yun", "يون"), ("tur", "تور"), ("hel", "حل"),
]
TOWN_PREFIXES = [("", ""), ("", ""), ("", ""), ("Kafr ", "كفر "), ("Tell ", "تل "), ("Khan ", "خان "),
                 ("Ain ", "عين "), ("Deir ", "دير "), ("Jabal ", "جبل ")]
COMMON = """the of and to in a on that for was by with as at from has have had were are is be it its
their they said after since two three four five more than least about people forces area villages village
town towns city near north south east west northern southern eastern western province district front line
lines fighting attack attacks attacked strikes airstrikes shelling killed wounded injured displaced families
civilians children women men fighters groups group faction factions regime opposition government army
local residents reported report reports according sources monitors monitoring observers aid agencies
hospital hospitals school schools market markets road roads bridge convoy trucks water bread fuel
electricity camps camp tents winter summer night morning evening day days week weeks month months year
ceasefire talks negotiations agreement truce offensive advance advanced withdrew retreat held hold took
taken control positions position hill hills plain valley river border crossing checkpoint checkpoints
new old first second last latest earlier later again still also while but not no all some many several
dozens hundreds thousands most few other another each every both between during under over into out up
down toward towards against without within across along around behind before because though although
when where which who whom whose what how why this these those there here now then today yesterday
statement claimed claims denied confirmed unconfirmed could would may might will can must should
continued continue began begin ended end remain remained remains stayed fled flee return returned
returning homes home house houses buildings building damage damaged destroyed rubble rescue rescuers
teams volunteers medical doctors nurses ambulances supplies food shelter blankets medicine wells
""".split()
VERBS = ["advance on", "shell", "retake", "withdraw from", "besiege", "strike", "push into", "hold"]
TITLES = [
    "{actor} {verb} {town}", "Civilian toll in {province} rises to {civ:,}", "{displaced:,} displaced as fighting reaches {town}",
    "Airstrikes hit the market of {town}", "Talks stall while {actor} {verb} {town}", "Night of shelling in {town}: \"{word}\"",
    "{town} & {town2}: aid convoys turned back", "Rescuers dig through rubble in {town} (update)",
]
TAGS = [
    "offensive", "counter-attack", "front-line", "airstrikes", "shelling", "displacement", "civilian-casualties",
    "children", "medical-facilities", "rescuers", "ceasefire", "negotiations", "humanitarian-aid", "detentions",
    "protests", "claims", "combatant-casualties", "schools", "markets", "water", "electricity", "returns",
    "landmines", "evacuations", "prisoner-exchange",
]
ACTOR_FORMS = [("{} Front", "armed group"), ("{} Brigades", "armed group"), ("Army of {}", "armed group"),
               ("{} Movement", "armed group"), ("{} Defence Forces", "state"), ("{} Air Force", "state"),
               ("{} Civil Defence", "agency"), ("{} Relief Committee", "agency")]
REGIONS = ["north", "south", "east", "west", "coast", "central", "border", "valley", "delta", "highland"]
ProgressCallback = Callable[[int, int], None]


@dataclass
class World:
    """The generated gazetteer and word list that every bulletin draws from."""

    provinces: list[str]
    towns: dict[str, list[str]]
    actors: list[str]
    monitors: list[str]
    tags: list[str]
    words: list[str]
    weights: list[float] = field(default_factory=list)

    def text(self, rng: random.Random, n: int) -> list[str]:
        """`n` words drawn with a Zipf-like spread: common words often, the long tail rarely."""
        if not self.weights:
            self.weights = list(itertools.accumulate(1.0 / (rank + 3) for rank in range(len(self.words))))
        return rng.choices(self.words, cum_weights=self.weights, k=n)


@dataclass
class SeriesState:
    """What one series has reported so far: its running totals and its bulletins."""

    slug: str
    provinces: list[str]
    since: dt.date
    totals: dict[str, int]
    displaced: int
    ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Generated:
    """What `generate_archive` wrote."""

    root: Path
    bulletins: int
    versions: int
    series: list[str]


def generate_archive(out: Path, bulletins: int, series: int = 1, seed: int = 0,
                     progress: ProgressCallback | None = None) -> Generated:
    """Write an archive of `bulletins` illustrative bulletins across `series` series into `out`.

    The same `seed` gives the same files byte for byte. `progress(done, total)` is called
    after every 1,000 bulletins and at the end.
    """
    if bulletins < 1 or series < 1:
        raise ValueError("bulletins and series must be at least 1")
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    names = _Names(rng)
    world = _world(rng, names)
    slugs = _write_registers(out, rng, names, world, series)
    counts = [bulletins // series + (i < bulletins % series) for i in range(series)]
    states = [SeriesState(slug, world.provinces[i * 2 % len(world.provinces):][:2], END, {}, 20_000)
              for i, slug in enumerate(slugs)]
    schedule = sorted((day, i) for i, count in enumerate(counts) for day in _days(rng, count))
    versions = 0
    for done, (day, i) in enumerate(schedule, start=1):
        versions += write_bulletin(out, rng, world, states[i], states, day)
        if progress and (done % 1000 == 0 or done == bulletins):
            progress(done, bulletins)
    return Generated(out, bulletins, versions, slugs)


def write_bulletin(root: Path, rng: random.Random, world: World, state: SeriesState,
                   others: list[SeriesState], day: dt.date, correction_rate: float = 0.05) -> int:
    """Write one bulletin of `state`'s series dated `day` (and, at `correction_rate`, a v2); returns versions written."""
    meta, body = _bulletin(rng, world, state, others, day)
    slug = _slug(meta["title"])
    folder = root / state.slug / f"{day.year:04d}" / f"{day.isoformat()}-{slug}"
    folder.mkdir(parents=True, exist_ok=True)
    _write_version(folder / "v1.md", meta, body)
    state.ids.append(f"{state.slug}/{day.isoformat()}-{slug}")
    if rng.random() >= correction_rate:
        return 1
    write_correction(folder, rng)
    return 2


def write_correction(folder: Path, rng: random.Random) -> Path:
    """Add the next version to the bulletin in `folder`: one figure changed, `revised` and `revision_note` set."""
    latest = _latest(folder)
    front, body, _ = split_front_matter(latest.read_text(encoding="utf-8"))
    meta = yaml.load(front or "", Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    number = int(latest.stem[1:]) + 1
    figure = next(f for f in meta["figures"] if f["kind"] == "increment")
    old, figure["value"] = figure["value"], figure["value"] + rng.randint(1, 9)
    figure.pop("low", None), figure.pop("high", None)
    previous = meta.get("revised") or meta["date"]
    meta.update(version=number, revised=previous + dt.timedelta(days=rng.randint(1, 5)),
                revision_note=f"Corrected the number of {figure['group']} {figure['measure']} in "
                              f"{figure['place']} from {old} to {figure['value']}, after a later report.")
    meta = {k: meta.pop(k) for k in ("series", "date", "title", "version", "revised", "revision_note")} | meta
    body = body.rstrip() + f"\n\n*Correction: this version gives {figure['value']} where the first gave {old}.*\n"
    path = folder / f"v{number}.md"
    _write_version(path, meta, body)
    return path


def _write_version(path: Path, meta: dict[str, Any], body: str) -> None:
    front = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    write_if_changed(path, f"---\n{front}---\n{body}")  # whole or not at all, even on a full disk


def _days(rng: random.Random, count: int) -> list[dt.date]:
    """`count` dates ending on END, mostly consecutive, with about one day in twelve missing."""
    steps = [1 + (rng.random() < 0.08) for _ in range(count - 1)]
    start = END - dt.timedelta(days=sum(steps))
    return [start + dt.timedelta(days=offset) for offset in itertools.accumulate(steps, initial=0)]


def _bulletin(rng: random.Random, world: World, state: SeriesState, others: list[SeriesState],
              day: dt.date) -> tuple[dict[str, Any], str]:
    """Front matter and body of one bulletin; advances the series' running totals."""
    province = state.provinces[0]
    towns = rng.sample(world.towns[rng.choice(state.provinces)], 3)
    actors = rng.sample(world.actors, 3)
    figures = _figures(rng, state, day, province, towns[0])
    civ, today = state.totals["civ"], figures[2]["value"]
    title = rng.choice(TITLES).format(actor=actors[0], verb=rng.choice(VERBS), town=towns[0], town2=towns[1],
                                      province=province, civ=civ, displaced=state.displaced,
                                      word=" ".join(world.text(rng, 3)))
    meta: dict[str, Any] = {
        "series": state.slug, "date": day, "title": title, "version": 1,
        "summary": f"At least {today} civilians were killed in {towns[0]}; the toll in {province} since "
                   f"{state.since:%d %B %Y} stands at {civ:,}.",
        "illustrative": True,
    }
    meta |= {"places": [province, *towns[:2]], "actors": actors[:2], "tags": rng.sample(world.tags, rng.randint(1, 4))}
    see_also = _see_also(rng, state, others, day.isoformat())
    if see_also:
        meta["see_also"] = see_also
    meta["sources"] = [{"title": f"Daily report, {day:%d %B %Y}", "publisher": rng.choice(world.monitors),
                        "url": f"https://example.org/{state.slug}/{day.isoformat()}/{n}", "accessed": day}
                       for n in range(rng.randint(1, 2))]
    meta["events"] = [_event(rng, world, day, town, actors) for town in towns[: rng.randint(1, 3)]]
    meta["figures"] = figures
    return meta, _body(rng, world, meta, towns, actors)


def _figures(rng: random.Random, state: SeriesState, day: dt.date, province: str, town: str) -> list[dict[str, Any]]:
    """Running totals that rise, subgroups below parents, an increment, and sometimes a stock and a window."""
    if not state.totals or (day - state.since).days > 400:
        state.since, state.totals = day, {"civ": 0, "children": 0, "injured": 0, "facilities": 0}
    killed = rng.randint(1, 25)
    totals = state.totals
    totals["civ"] += killed
    totals["children"] += rng.randint(0, killed // 3)
    totals["injured"] += rng.randint(killed, 3 * killed + 2)
    totals["facilities"] += rng.random() < 0.05
    state.displaced = max(1000, state.displaced + rng.randint(-1500, 2500))
    running = {"kind": "running-total", "since": state.since, "place": province}
    figures: list[dict[str, Any]] = [
        {"id": "civ-killed", "measure": "killed", "group": "civilians", "value": totals["civ"],
         "qualifier": rng.choice(["at least", "at least", "more than", "exact"]), **running},
        {"measure": "killed", "group": "children", "parent": "civ-killed", "value": totals["children"],
         "qualifier": "at least", **running},
        {"measure": "killed", "group": "civilians", "value": killed, "qualifier": "exact", "kind": "increment",
         "place": town, "reported_by": "local monitors"},
    ]
    if rng.random() < 0.7:
        figures.append({"measure": "injured", "group": "civilians", "value": totals["injured"],
                        "qualifier": "more than", **running})
    if rng.random() < 0.15:
        figures.append({"measure": "facilities-attacked", "group": "medical-facilities",
                        "value": totals["facilities"], "qualifier": "exact", **running})
    if rng.random() < 0.3:
        figures.append({"measure": "displaced", "group": "all", "value": state.displaced, "qualifier": "about",
                        "kind": "stock", "place": province})
    if rng.random() < 0.2:
        low = rng.randint(10, 60)
        figures.append({"measure": "airstrikes", "group": "all", "value": low + 5, "qualifier": "about", "low": low,
                        "high": low + 12, "kind": "window", "since": day - dt.timedelta(days=6), "place": province})
    if rng.random() < 0.1:
        figures.append({"measure": "casualties", "group": "combatants", "qualifier": "vague",
                        "text": rng.choice(["scores", "dozens", "several"]), "kind": "increment", "place": town})
    return figures


def _see_also(rng: random.Random, state: SeriesState, others: list[SeriesState], day: str) -> list[str]:
    """Up to three earlier bulletins of the series (by date) and now and then one of another series (by id)."""
    recent = state.ids[-60:]
    links = [i.split("/", 1)[1][:10] for i in rng.sample(recent, min(len(recent), rng.choice([0, 0, 1, 1, 2, 3])))]
    other = rng.choice(others)
    earlier = [i for i in other.ids[-30:] if other is not state and i.split("/", 1)[1][:10] < day]
    if earlier and rng.random() < 0.2:
        links.append(rng.choice(earlier))
    return list(dict.fromkeys(links))


def _event(rng: random.Random, world: World, day: dt.date, town: str, actors: list[str]) -> dict[str, Any]:
    roll = rng.random()
    date: str | dt.date = day if roll < 0.8 else (day - dt.timedelta(days=1) if roll < 0.9 else f"{day:%Y-%m}")
    if roll >= 0.97:
        date = f"{day:%Y-%m}~"  # an approximate month (EDTF): the timeline draws it outlined
    what = _sentence(rng, world, 10, f"in {town}")
    return {"date": date, "place": town, "actors": actors[: rng.randint(1, 2)], "what": what}


def _sentence(rng: random.Random, world: World, length: int, insert: str = "") -> str:
    words = world.text(rng, length)
    if insert:
        words.insert(rng.randrange(1, length), insert)
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _body(rng: random.Random, world: World, meta: dict[str, Any], towns: list[str], actors: list[str]) -> str:
    """About 400 words: a lead with the figures, then paragraphs that name places and actors."""
    figures = meta["figures"]
    lead = (f"At least {figures[2]['value']} civilians were killed today in {towns[0]}, local monitors said. "
            f"Since {figures[0]['since']:%d %B %Y}, {figures[0]['qualifier'].replace('exact', 'in all')} "
            f"{figures[0]['value']:,} civilians "
            f"have been killed in {figures[0]['place']}, {figures[1]['value']:,} of them children.")
    paragraphs = [lead]
    words = len(lead.split())
    target = rng.randint(340, 460)
    names = [*towns, *actors]
    while words < target:
        sentences = [_sentence(rng, world, rng.randint(8, 22), rng.choice(names) if rng.random() < 0.5 else "")
                     for _ in range(rng.randint(3, 6))]
        paragraphs.append(" ".join(sentences))
        words += sum(len(s.split()) for s in sentences)
    if rng.random() < 0.2:
        paragraphs.insert(2, "\n".join(f"- {event['what']}" for event in meta["events"]))
    return "\n\n".join(paragraphs) + "\n"


def _slug(title: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", title.casefold()).split()
    return "-".join(words[:6]) or "bulletin"


class _Names:
    """Unique pseudo-Arabic names with an Arabic-script spelling, never reusing a name or alias."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def take(self, *forms: str) -> bool:
        folded = [f.casefold() for f in forms]
        if any(f in self.used for f in folded) or len(set(folded)) < len(folded):
            return False
        self.used.update(folded)
        return True

    def word(self, syllables: tuple[int, int] = (2, 3)) -> tuple[str, str]:
        parts = self.rng.choices(SYLLABLES, k=self.rng.randint(*syllables))
        return "".join(p[0] for p in parts).capitalize(), "".join(p[1] for p in parts)


def _world(rng: random.Random, names: _Names) -> World:
    """Provinces, towns (with Arabic aliases), actors, monitors, tags and a word list with a long tail."""
    world = World([], {}, [], [], list(TAGS), [])
    tail: list[str] = []
    while len(tail) < 30_000:
        word = names.word((2, 4))[0].casefold()
        if names.take(word):
            tail.append(word)
    world.words = COMMON + tail
    return world


def _write_registers(out: Path, rng: random.Random, names: _Names, world: World, series: int) -> list[str]:
    """series.yml, places.yml, actors.yml and tags.yml; fills `world` with the names they hold."""
    country = _unique(names, "{}", "{}")
    places = [{"name": country[0], "aliases": [country[1]], "kind": "country"}]
    for _ in range(max(6, 2 * series)):
        name, arabic = _unique(names, "{} Province", "محافظة {}")
        world.provinces.append(name)
        world.towns[name] = []
        places.append({"name": name, "aliases": [name.replace("Province", "Governorate"), arabic],
                       "parent": country[0], "kind": "province"})
        for _ in range(4):
            district, district_ar = _unique(names, "{} District", "منطقة {}")
            places.append({"name": district, "aliases": [district_ar], "parent": name, "kind": "district"})
            for _ in range(8):
                prefix, prefix_ar = rng.choice(TOWN_PREFIXES)
                town, town_ar = _unique(names, prefix + "{}", prefix_ar + "{}")
                aliases = [town_ar] if rng.random() < 0.7 else []
                world.towns[name].append(town)
                places.append({"name": town, "aliases": aliases, "parent": district, "kind": "town"})
    actors = []
    for index in range(32):
        form, kind = ACTOR_FORMS[index % len(ACTOR_FORMS)]
        name, arabic = _unique(names, form, "{}")
        (world.monitors if kind == "agency" else world.actors).append(name)
        actors.append({"name": name, "aliases": [arabic] if index % 3 == 0 else [], "kind": kind})
    tags = [{"name": tag, "description": f"Bulletins about {tag.replace('-', ' ')}."} for tag in TAGS]
    slugs = [REGIONS[i % len(REGIONS)] + (f"-{i // len(REGIONS) + 1}" if i >= len(REGIONS) else "") + "-daily"
             for i in range(series)]
    register = [{"slug": slug, "name": slug.replace("-", " ").title(), "publisher": "Synthetic Monitor (illustrative)",
                 "language": "en", "description": "A generated series for benchmarks: every bulletin is illustrative."}
                for slug in slugs]
    for file, data in (("series", register), ("places", places), ("actors", actors), ("tags", tags)):
        write_if_changed(out / f"{file}.yml", yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True))
    return slugs


def _unique(names: _Names, latin: str, arabic: str) -> tuple[str, str]:
    """A fresh name formatted into `latin` with its Arabic spelling formatted into `arabic`."""
    while True:
        word, script = names.word()
        name, alias = latin.format(word), arabic.format(script)
        if names.take(name, alias):
            return name, alias


def append_bulletin(root: Path, seed: int = 0) -> Path:
    """Add one bulletin (v1 only) the day after the last bulletin of the first series; returns its v1.md.

    It continues the running totals of that last bulletin, so `check` stays clean.
    """
    rng = random.Random(seed)
    world = _world(rng, _Names(rng))
    load = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    read = {name: yaml.load((root / f"{name}.yml").read_text(encoding="utf-8"), Loader=load)
            for name in ("series", "places", "actors", "tags")}
    _gazetteer_into(world, read["places"], read["actors"], read["tags"])
    slug = read["series"][0]["slug"]
    folders = sorted(root.glob(f"{slug}/*/*-*/"))
    recent = [yaml.load(split_front_matter(_latest(folder).read_text(encoding="utf-8"))[0] or "", Loader=load)
              for folder in reversed(folders[-60:])]
    state = _state_from(slug, recent, [f"{slug}/{f.name}" for f in folders[-60:]])
    write_bulletin(root, rng, world, state, [state], recent[0]["date"] + dt.timedelta(days=1), correction_rate=0.0)
    series, name = state.ids[-1].split("/")
    return root / series / name[:4] / name / "v1.md"


def _latest(folder: Path) -> Path:
    return max(folder.glob("v*.md"), key=lambda p: int(p.stem[1:]))


def _gazetteer_into(world: World, places: list[dict], actors: list[dict], tags: list[dict]) -> None:
    """Fill `world` with the provinces, towns, actors, monitors and tags of existing registers."""
    parent = {p["name"]: p.get("parent") for p in places}
    world.provinces = [p["name"] for p in places if p.get("kind") == "province"]
    world.towns = {name: [] for name in world.provinces}
    for place in places:
        if place.get("kind") == "town":
            world.towns[parent[parent[place["name"]]]].append(place["name"])
    world.actors = [a["name"] for a in actors if a.get("kind") != "agency"]
    world.monitors = [a["name"] for a in actors if a.get("kind") == "agency"]
    world.tags = [t["name"] for t in tags]


def _state_from(slug: str, recent: list[dict[str, Any]], ids: list[str]) -> SeriesState:
    """The running totals a series reached, from its latest bulletins' front matter (newest first)."""
    def last(measure: str, group: str, kind: str, default: int) -> dict[str, Any]:
        for meta in recent:
            for figure in meta.get("figures", []):
                if (figure["measure"], figure["group"], figure["kind"]) == (measure, group, kind) and (
                        kind == "stock" or figure.get("since") == civ["since"]):
                    return figure
        return {"value": default, "place": None, "since": None}

    civ = next(f for f in recent[0]["figures"] if f.get("id") == "civ-killed")
    totals = {"civ": int(civ["value"]),
              "children": int(last("killed", "children", "running-total", 0)["value"]),
              "injured": int(last("injured", "civilians", "running-total", 0)["value"]),
              "facilities": int(last("facilities-attacked", "medical-facilities", "running-total", 0)["value"])}
    displaced = int(last("displaced", "all", "stock", 20_000)["value"])
    return SeriesState(slug, [civ["place"]], civ["since"], totals, displaced, ids)
