"""The offline zip, unzipped, works from file://: a search finds the Latakia bulletin and a chart draws its marks."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from browsing import BULLETIN, Site, new_visitor

from dailyarchive.publish.offline import write_zip

LATAKIA_TITLE = "Opposition factions strike regime lines in northern Latakia"


@pytest.fixture(scope="module")
def unzipped(sample_build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site zipped as `invoke build` zips it, then unzipped somewhere else."""
    folder = tmp_path_factory.mktemp("offline")
    target = folder / "sample-offline.zip"
    write_zip(sample_build.outdir, target)
    with zipfile.ZipFile(target) as offline:
        offline.extractall(folder / "unzipped")
    return folder / "unzipped" / "sample-offline"


@pytest.fixture
def zip_visitor(chromium, unzipped):
    visitor, context = new_visitor(chromium, Site("file", unzipped.as_uri() + "/", unzipped))
    yield visitor
    assert not visitor.blocked, f"requests left the machine: {visitor.blocked}"
    context.close()


def test_search_works_in_the_unzipped_copy(zip_visitor):
    page = zip_visitor.open("search.html?q=Latakia")
    page.wait_for_selector(f"a:has-text('{LATAKIA_TITLE}')", timeout=15_000)
    assert page.locator(f"a:has-text('{LATAKIA_TITLE}')").count() >= 1


def test_a_chart_draws_in_the_unzipped_copy(zip_visitor):
    page = zip_visitor.open(BULLETIN)
    page.wait_for_selector("figure.dailyarchive-chart-ready", timeout=15_000)
    marks = page.locator("figure.dailyarchive-chart-ready svg g.role-mark path").count()
    assert marks > 0
    assert zip_visitor.problems() == []
