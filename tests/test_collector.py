"""The collector's pause: off inside the block, as it was after it, nested blocks, freezing what lives on; and its
easing, for work whose garbage has cycles."""

import gc
import weakref

import pytest

from dailyarchive.model.collector import collector_eased, collector_paused, release_frozen


@pytest.fixture(autouse=True)
def collector_on():
    gc.enable()
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.enable()
    gc.set_threshold(*threshold)


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


def test_eased_runs_less_often_still_frees_cycles_and_gives_its_threshold_back():
    class Node:
        pass

    gc.set_threshold(700, 10, 10)
    before = Node()
    with collector_eased(threshold=5_000):
        assert gc.isenabled() and gc.get_threshold() == (5_000, 10, 10)
        assert not any(o is before for o in gc.get_objects())  # alive at the start: frozen out of its sight
        gone = []
        for _ in range(20_000):  # cycles made in the block are still freed, by the collector's own passes
            node = Node()
            node.self = node
            gone.append(weakref.ref(node))
            del node
        assert sum(ref() is None for ref in gone) > 10_000
    assert gc.get_threshold() == (700, 10, 10)


def test_eased_gives_its_threshold_back_when_the_block_fails():
    gc.set_threshold(700, 10, 10)
    with pytest.raises(ValueError), collector_eased():
        raise ValueError("the build failed")
    assert gc.get_threshold() == (700, 10, 10)
