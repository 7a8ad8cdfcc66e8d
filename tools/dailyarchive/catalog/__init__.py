"""Models → pandas frames: the catalog, honest series, chart rows, and the rules that check them."""
