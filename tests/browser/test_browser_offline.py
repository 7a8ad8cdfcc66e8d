"""No request leaves the machine: pages of the build load only local files, and the guard does catch one."""

from __future__ import annotations

import pytest
from browsing import BULLETIN, CHRONOLOGY, HOME, SEARCH

from dailyarchive.policy import META

PAGES = [HOME, BULLETIN, SEARCH + "?q=Latakia", CHRONOLOGY, "syria-daily/index.html", "syria-daily/2019/07/index.html",
         "places/latakia-province/index.html", BULLETIN.replace("index.html", "diff-v1-v2.html")]


@pytest.mark.parametrize("relative", PAGES)
def test_page_loads_only_local_files(visitor, relative):
    visitor.open(relative, idle=True)
    assert len(visitor.requested) > 1, "no request but the page itself: the listener is not working"
    assert [url for url in visitor.requested if not visitor.site.is_local(url)] == []
    assert visitor.blocked == []


def test_guard_catches_a_remote_resource(broken_copy):
    remote = "https://cdn.example.org/vega.min.js"

    def add_remote_script(folder):
        """Add the script, and drop the page's policy: it would refuse the script before any request is made."""
        home = folder / HOME
        home.write_text(home.read_text(encoding="utf-8").replace(META, "").replace(
            "</head>", f'<script src="{remote}"></script></head>', 1), encoding="utf-8")

    visitor = broken_copy(add_remote_script)
    visitor.open(HOME)
    assert visitor.blocked == [remote]
    assert any("remote request blocked" in problem for problem in visitor.problems())
