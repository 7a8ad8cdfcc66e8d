"""What a build prints while it runs: one line on the archive it read, no configuration dumps."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from helpers import sphinx_build, write_bulletin

from dailyarchive.publish.html import build

ROOT = Path(__file__).resolve().parents[1]


def test_a_build_says_what_it_read_in_one_line_and_not_the_myst_configuration(archive: Path, tmp_path: Path) -> None:
    write_bulletin(archive, date="2019-07-05", slug="first")
    write_bulletin(archive, date="2019-07-09", slug="second")
    write_bulletin(archive, date="2019-07-09", slug="second", version=2, revised="2019-07-10",
                   revision_note="Fixed a word.")
    status, warnings = io.StringIO(), io.StringIO()
    result = build(archive, tmp_path / "out", ROOT / "docs", "html", status=status, warning=warnings)
    assert result.status == 0, warnings.getvalue()
    text = status.getvalue()
    assert "dailyarchive: 2 bulletins (3 versions) in 1 series, 5 July 2019 to 9 July 2019\n" in text
    assert "MdParserConfig" not in text and "myst v" not in text  # myst-parser's configuration, 1,500 characters
    assert "Writing evaluated template result" not in text  # Sphinx naming a temporary folder's files
    assert "build succeeded" in text


def built_status(source: Path, out: Path, verbosity: int) -> tuple[int, str]:
    """Build a one-page project with the progress extension at `verbosity`: the level Sphinx's logger was left at,
    and what the build printed."""
    status = io.StringIO()
    sphinx_build(source, out, status=status, verbosity=verbosity)
    return logging.getLogger("sphinx").level, status.getvalue()


def test_sphinx_makes_no_message_its_build_would_not_show(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["dailyarchive.sphinxext"]\ndailyarchive_archive = ""\n')  # none
    (source / "index.rst").write_text("Home\n====\n\nA page.\n")
    level, quiet = built_status(source, tmp_path / "quiet", 0)
    assert level == logging.INFO and "build succeeded" in quiet and "[app] emitting event" not in quiet
    level, verbose = built_status(source, tmp_path / "verbose", 2)
    assert level == logging.DEBUG and "[app] emitting event" in verbose  # -vv still shows Sphinx's debug messages
