"""The collector's pause: off inside the block, as it was after it, nested blocks, freezing what lives on."""

import gc
import weakref

import pytest

from dailyarchive.model.collector import collector_paused, release_frozen


@pytest.fixture(autouse=True)
def collector_on():
    gc.enable()
    yield
    gc.unfreeze()
    gc.enable()


def test_paused_inside_and_enabled_again_after():
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_nested_block_leaves_the_collector_to_the_outer_one():
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_enabled_again_when_the_block_fails():
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("the work failed")
    assert gc.isenabled()


def test_freeze_collects_waiting_garbage_first_then_moves_what_lives_on_out_of_sight():
    class Node:
        pass

    waiting = Node()
    waiting.self = waiting  # a cycle: only the collector frees it
    gone = weakref.ref(waiting)
    del waiting
    with collector_paused(freeze=True):
        kept = [Node() for _ in range(1000)]
    assert gone() is None
    assert not any(o is kept[0] for o in gc.get_objects())  # frozen: the collector no longer visits it
    gc.unfreeze()
    assert any(o is kept[0] for o in gc.get_objects())


def test_release_frozen_gives_the_collector_back_what_was_frozen():
    with collector_paused(freeze=True):
        kept = [object() for _ in range(10)]
    assert gc.get_freeze_count() > 0
    release_frozen()
    assert gc.get_freeze_count() == 0 and kept
