"""The text of a new bulletin's first version: every front-matter field, each with a short comment."""

from __future__ import annotations

import datetime as dt
import json


def quoted(text: str) -> str:
    """A YAML scalar for any text (a JSON string is a YAML double-quoted scalar)."""
    return json.dumps(text, ensure_ascii=False)


def first_version(series: str, date: dt.date, title: str, see_also: list[str]) -> str:
    """The `v1.md` of a new bulletin. Its body is empty on purpose: `invoke check` reports
    body-empty (an error) until the archivist writes it, so a blank bulletin is never published."""
    links = ", ".join(see_also)
    return f"""---
# Front matter (docs/format.md explains every field). Lists may stay empty: [].
series: {series}
date: {date.isoformat()}
title: {quoted(title)}
version: 1
# One sentence: what happened. It leads the bulletin's page and the feeds.
summary: ""
# The photo caption, and the name of the image file in this folder (or leave image out).
caption: ""
# image: photo.jpg
# true only for demonstration content that is not part of the record.
illustrative: false
# Names from places.yml, actors.yml and tags.yml (canonical names or aliases).
places: []
actors: []
tags: []
# Earlier bulletins by date (2019-07-05) or full id (series/2019-07-05-slug).
see_also: [{links}]
# Who reported what:  - title: ...  publisher: ...  url: https://...  accessed: YYYY-MM-DD
sources: []
# What happened:  - date: YYYY-MM-DD (or YYYY-MM, YYYY)  place: ...  actors: [...]  what: ...
events: []
# One per number reported:  - measure: killed  group: civilians  value: 544  qualifier: at least
#   kind: running-total (or increment, stock, window)  since: YYYY-MM-DD  place: ...
figures: []
---
"""
