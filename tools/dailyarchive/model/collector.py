"""Python's cyclic garbage collector during batch work: paused while millions of small objects are made.

A full pass of the collector visits every object alive. Beside a large heap (the loaded archive,
the catalog, Sphinx's environment), the passes that a burst of new objects sets off cost more
than the work itself: a third of an add-one rebuild's staging at 10,000 bulletins, three times the
chart series' own time. The toolkit's data hold no reference cycles of their own, so reference
counting frees them while the collector rests; it runs again, on whatever cycles were left, when
the batch ends.

Sphinx's data do hold cycles (every docutils node points to its parent), so a Sphinx build cannot
pause the collector without its memory growing; it eases it instead (`collector_eased`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic collector for the block (nested blocks leave it to the outermost).

    With `freeze`, what is alive at the end (data that lives on, such as loaded versions) is moved
    out of the collector's sight (`gc.freeze`); the garbage waiting at the start is collected first,
    so that freezing never keeps it alive.
    """
    was_enabled = gc.isenabled()
    if freeze:
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


@contextmanager
def collector_eased(threshold: int = 10_000) -> Iterator[None]:
    """Let the collector run less often in the block, for work whose garbage has cycles (a Sphinx build).

    What is alive at the start (the toolkit, Sphinx, what a worker inherited) is collected once and
    frozen out of the collector's sight, and a pass starts after `threshold` new objects instead of
    Python's 700. A volume's Sphinx build takes about 15% less CPU for about 10 MB more at its peak
    (`docs/performance.md`, 7 December 2026). What is frozen stays frozen, as with
    `collector_paused(freeze=True)`: a process that builds again and again calls `release_frozen`.
    """
    gc.collect()
    gc.freeze()
    before = gc.get_threshold()
    gc.set_threshold(threshold, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def release_frozen() -> None:
    """Let the collector see again what `collector_paused(freeze=True)` froze. A process that builds again and
    again (`invoke serve`) calls it after each build, so that any cycles the last build left can be freed."""
    gc.unfreeze()
