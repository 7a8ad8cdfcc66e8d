"""Parcels: a local worker's large result comes back through a private file, not the pool's pipe."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import stat
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from dailyarchive.build.parcels import Parcel, Shared, parcel_folder, unpacked
from dailyarchive.build.stager import with_catalog, worked_or_here
from dailyarchive.model.memo import Kept


def pages(catalog: dict[str, str], suffix: str) -> dict[str, object]:
    """A stand-in for a stager job: what it makes from the catalog it is shipped (here a plain dict)."""
    return {f"{name}{suffix}": Kept(f"/cache/{name}", text) for name, text in catalog.items()}


def test_a_result_packed_in_a_parcel_comes_back_equal_and_leaves_no_file():
    folder = parcel_folder()
    made = {"a/v1.bib": Kept("/cache/texts/1", "1" * 64), "title": "تقرير <b>&</b> \\emph{x}"}
    parcel = Parcel.packed(made, folder.name)
    assert Path(parcel.path).parent == Path(folder.name)
    assert unpacked(parcel) == made
    assert os.listdir(folder.name) == []
    assert unpacked(made) is made  # what is not a parcel passes through
    folder.cleanup()


def test_the_parcel_folder_is_private_and_removed_with_what_is_left_in_it():
    folder = parcel_folder()
    assert stat.S_IMODE(os.stat(folder.name).st_mode) == 0o700
    Parcel.packed(["never read"], folder.name)
    folder.cleanup()
    assert not os.path.exists(folder.name)


def test_a_worker_leaves_its_result_in_the_folder_and_the_stager_opens_it():
    folder = parcel_folder()
    shipped = pickle.dumps({"north/2019-07-09-a": "a" * 64, "north/2019-07-10-b": "b" * 64})
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        future = pool.submit(with_catalog, pages, shipped, ".bib", parcels=folder.name)
        assert isinstance(future.result(), Parcel)
        made = worked_or_here(future, pages, {}, ".never")
    assert made == {"north/2019-07-09-a.bib": Kept("/cache/north/2019-07-09-a", "a" * 64),
                    "north/2019-07-10-b.bib": Kept("/cache/north/2019-07-10-b", "b" * 64)}
    assert os.listdir(folder.name) == []
    folder.cleanup()


def test_a_parcel_gone_before_it_was_opened_is_made_again_here():
    folder = parcel_folder()
    shipped = pickle.dumps({"north/2019-07-09-a": "a" * 64})
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        future = pool.submit(with_catalog, pages, shipped, ".bib", parcels=folder.name)
        os.unlink(future.result().path)
        made = worked_or_here(future, pages, {"here": "h" * 64}, ".ris")
    assert made == {"here.ris": Kept("/cache/here", "h" * 64)}
    folder.cleanup()


def test_a_shared_catalog_is_left_once_and_read_by_every_job_of_the_workers():
    folder = parcel_folder()
    shipped = Shared.left(pickle.dumps({"north/2019-07-09-a": "a" * 64}), folder.name)
    assert Path(shipped.path).parent == Path(folder.name)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        jobs = [pool.submit(with_catalog, pages, shipped, suffix, parcels=folder.name) for suffix in (".bib", ".ris")]
        made = [worked_or_here(job, pages, {}, ".never") for job in jobs]
    assert made == [{"north/2019-07-09-a.bib": Kept("/cache/north/2019-07-09-a", "a" * 64)},
                    {"north/2019-07-09-a.ris": Kept("/cache/north/2019-07-09-a", "a" * 64)}]
    assert os.listdir(folder.name) == [os.path.basename(shipped.path)]  # it lives as long as the folder
    folder.cleanup()
    assert not os.path.exists(shipped.path)
