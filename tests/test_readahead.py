"""read_ahead: a generator on a helper thread, faithful to the consumer."""

import threading

import pytest

from torg_kiosk.sync.readahead import read_ahead


def test_items_arrive_in_order_and_complete():
    assert list(read_ahead(iter(range(100)), depth=3)) == list(range(100))


def test_an_error_in_the_producer_is_raised_in_the_consumer_after_the_good_items():
    def produce():
        yield 1
        yield 2
        raise ValueError("feed cut off")

    seen = []
    with pytest.raises(ValueError, match="feed cut off"):
        for item in read_ahead(produce()):
            seen.append(item)
    assert seen == [1, 2]


def test_a_consumer_that_stops_early_stops_the_producer():
    produced = []

    def produce():
        for n in range(10_000):
            produced.append(n)
            yield n

    for item in read_ahead(produce(), depth=2):
        if item == 5:
            break
    # The producer stopped within a few items of the consumer, and its thread is gone.
    assert len(produced) < 20
    assert not [t for t in threading.enumerate() if t.name == "read-ahead"]
