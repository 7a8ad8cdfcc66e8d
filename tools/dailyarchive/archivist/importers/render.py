"""The text of an imported bulletin's v1.md: front matter written field by field (with comments that
name the input and each suggested figure's sentence), then the Markdown body."""

from __future__ import annotations

from typing import Any

from ..template import quoted
from .figures import Suggestion
from .model import ImportedBulletin

FIGURE_KEYS = ("id", "measure", "group", "parent", "value", "qualifier", "low", "high", "text", "kind", "since",
               "as_of", "place", "review")


def imported_version(series: str, bulletin: ImportedBulletin, see_also: list[str], tags: list[str],
                     figures: list[Suggestion]) -> str:
    """v1.md of an imported bulletin (date and title are known here)."""
    assert bulletin.date is not None
    lines = ["---", f"# Imported from {_comment(bulletin.source.name)} by invoke import: check every field.",
             f"series: {series}", f"date: {bulletin.date.isoformat()}", f"title: {quoted(bulletin.title)}",
             "version: 1", 'summary: ""', f"caption: {quoted(bulletin.caption)}", "places: []", "actors: []",
             f"tags: [{', '.join(quoted(t) for t in tags)}]", f"see_also: [{', '.join(see_also)}]",
             "sources: []", "events: []"]
    if figures:
        lines.append("# Suggested by the import: check each against its sentence, then remove `review: pending`.")
        lines.append("figures:")
        for suggestion in figures:
            lines += _figure_lines(suggestion)
    else:
        lines.append("figures: []")
    body = "\n\n".join(bulletin.paragraphs)
    return "\n".join(lines) + "\n---\n" + body + "\n"


def _figure_lines(suggestion: Suggestion) -> list[str]:
    """One figure as YAML list lines, after a comment holding its sentence."""
    lines = [f"  # {_comment(suggestion.sentence)}"]
    if suggestion.note:
        lines.append(f"  # {_comment(suggestion.note)}")
    keys = [k for k in FIGURE_KEYS if k in suggestion.figure]
    for n, key in enumerate(keys):
        lines.append(f"  {'- ' if n == 0 else '  '}{key}: {_scalar(suggestion.figure[key])}")
    return lines


def _scalar(value: Any) -> str:
    """A YAML scalar: numbers and the format's own words as they are, other text quoted."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}" if isinstance(value, float) else str(value)
    text = str(value)
    if text.lower() in ("yes", "no", "true", "false", "null", "on", "off", "y", "n"):
        return quoted(text)
    return text if text.replace("-", "").replace(" ", "").isalnum() and text.isascii() else quoted(text)


def _comment(text: str) -> str:
    """Text for a YAML comment: one line."""
    return " ".join(text.split())
