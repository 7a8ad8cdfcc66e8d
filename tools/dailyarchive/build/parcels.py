"""Large results of the local workers, handed back through a file instead of the pool's pipe.

A `ProcessPoolExecutor` worker sends its result down a pipe, and a thread of the parent reads it 64 KB
at a time. While the parent's main thread is busy (it plans pages meanwhile), that thread waits for the GIL
before every read: Python lets a waiting thread in only every 5 ms (`sys.getswitchinterval`). So the 12 MB
of a 10,000-bulletin archive's citations and feeds (41,000 kept files) took 0.6 to 0.7 s to cross, and the
worker could start nothing else until they had: its Sphinx build waited. Left in a file, the result costs the
worker one write and the parent one read, whenever the parent asks for it.

Only a pool of this machine uses parcels: the folder is private to this user (`tempfile.mkdtemp`, mode 0700)
and lives as long as the build that made it, so nothing but this build's workers can write what it unpickles.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Parcel:
    """A worker's result, pickled into a file of the build's parcel folder."""

    path: str

    @staticmethod
    def packed(value: object, folder: str) -> Parcel:
        """Pickle `value` into a new file of `folder`; the parcel that names it."""
        handle, path = tempfile.mkstemp(dir=folder, suffix=".pickle")
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        return Parcel(path)

    def unpacked(self) -> Any:
        """The value, read back; the file is removed."""
        try:
            with open(self.path, "rb") as stream:
                data = stream.read()
        finally:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        return pickle.loads(data)


@dataclass(frozen=True)
class Shared:
    """Bytes that several jobs of the local workers read (the shipped catalog, 20 MB at 10,000 bulletins), left
    once in a file of the build's parcel folder: through the pool's pipe, each job's copy waited for the parent's
    busy thread, as a result would (see the module's docstring). It lives as long as the folder."""

    path: str

    @staticmethod
    def left(data: bytes, folder: str) -> Shared:
        """Write `data` into a new file of `folder`; the name of it."""
        handle, path = tempfile.mkstemp(dir=folder, suffix=".bytes")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        return Shared(path)

    def read(self) -> bytes:
        """The bytes left."""
        with open(self.path, "rb") as stream:
            return stream.read()


def unpacked(value: object) -> Any:
    """`value`, or what it holds when it is a `Parcel`."""
    return value.unpacked() if isinstance(value, Parcel) else value


def parcel_folder() -> tempfile.TemporaryDirectory[str]:
    """A new private folder for a build's parcels, removed by `cleanup()` (or when it is garbage, at the latest)."""
    return tempfile.TemporaryDirectory(prefix="dailyarchive-parcels-")
