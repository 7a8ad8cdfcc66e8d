"""Catalog → the files of the site as text: pages, charts, chronology, feeds, search, citations."""
