"""`invoke serve`: build the site, serve it on 127.0.0.1, and rebuild when a file of the archive changes."""

from __future__ import annotations

import contextlib
import functools
import io
import signal
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from watchfiles import Change, watch

from ..failures import explain
from ..model.collector import release_frozen
from ..policy import HEADER_LINE
from ..publish.html import BuildResult, build
from .refused import Refused

Say = Callable[[str], None]


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves the built site with the site's Content-Security-Policy header; no request log on the terminal."""

    def end_headers(self) -> None:
        name, value = HEADER_LINE.split(": ", 1)
        self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        pass


def watched(change: Change, path: str) -> bool:
    """Files whose change rebuilds the site: not dot-files (the lock, temporary files of a write)."""
    return not any(part.startswith(".") for part in Path(path).parts)


def rebuild(archive: Path, out: Path, docs: Path, say: Say) -> BuildResult | None:
    """One build; its failure is said, not raised, so the preview keeps running."""
    warnings = io.StringIO()
    try:
        result = build(archive, out, docs, "html", status=None, warning=warnings)
    except Exception as exc:
        explained = explain(exc)
        if explained is None:
            raise
        say(f"the build failed: {explained[0]}")
        return None
    finally:
        release_frozen()  # what the build froze for its own speed is this process's to collect again
    count = warnings.getvalue().count("WARNING")
    say(f"built {result.outdir} with {count} warning(s)" + (": run `invoke check`" if count else ""))
    return result


def serve(archive: Path, out: Path, docs: Path, say: Say, port: int = 8000,
          stop: threading.Event | None = None) -> None:
    """Build, serve `out/html` on 127.0.0.1:`port`, rebuild on every change below `archive` or `docs`;
    returns when `stop` is set (or on KeyboardInterrupt). Refuses a build folder inside a watched one."""
    for watched_folder in (archive, docs):
        if out.resolve().is_relative_to(watched_folder.resolve()):
            raise Refused(f"--out {out} is inside {watched_folder}: every build would start another; "
                          "choose a build folder outside it")
    with terminated_as_interrupt():
        rebuild(archive, out, docs, say)
        outdir = out / "html"
        outdir.mkdir(parents=True, exist_ok=True)
        server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_QuietHandler, directory=str(outdir)))
        thread = threading.Thread(target=server.serve_forever, name="preview", daemon=True)
        thread.start()
        say(f"serving http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops); watching {archive}")
        try:
            for changes in watch(archive, docs, watch_filter=watched, stop_event=stop, raise_interrupt=False):
                names = sorted({Path(path).name for _, path in changes})
                say(f"changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}; rebuilding")
                rebuild(archive, out, docs, say)
        finally:
            server.shutdown()
            server.server_close()


@contextlib.contextmanager
def terminated_as_interrupt() -> Iterator[None]:
    """SIGTERM (`kill`, a service manager) stops the preview as Ctrl-C does: a build under way shuts its worker
    processes down before the process ends. Ended at once, it left them running, holding its output open, with
    nothing to read their results. Only the main thread can handle signals; elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
