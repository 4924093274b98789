"""The one sync loop: when it syncs, that it stops when told, and that nobody waits on it."""

import itertools
import random
import threading
import time
from dataclasses import dataclass

from torg_kiosk.sync.loop import SyncLoop


def counting_sync():
    runs = []
    done = threading.Event()

    def sync_once():
        runs.append(time.monotonic())
        done.set()
        return []

    return runs, done, sync_once


def test_with_no_data_the_first_sync_starts_at_once():
    _runs, done, sync_once = counting_sync()
    loop = SyncLoop(sync_once, interval_seconds=600).start()
    try:
        assert done.wait(2)
    finally:
        loop.stop()


def test_with_data_on_screen_the_first_sync_waits_for_its_delay():
    runs, done, sync_once = counting_sync()
    started = time.monotonic()
    loop = SyncLoop(sync_once, interval_seconds=600).start(first_delay_seconds=0.5)
    try:
        assert not done.wait(0.2)
        assert done.wait(2)
        assert runs[0] - started >= 0.5
    finally:
        loop.stop()


def test_sync_soon_cuts_the_wait_short():
    _runs, done, sync_once = counting_sync()
    loop = SyncLoop(sync_once, interval_seconds=600).start(first_delay_seconds=60)
    try:
        loop.sync_soon()
        assert done.wait(2)
    finally:
        loop.stop()


def test_a_sync_that_raises_does_not_kill_the_thread():
    calls = []

    def broken():
        calls.append(1)
        raise RuntimeError("a bug in one run")

    loop = SyncLoop(broken, interval_seconds=0.05).start()
    try:
        deadline = time.monotonic() + 2
        while len(calls) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(calls) >= 3 and loop.alive
    finally:
        loop.stop()


@dataclass(frozen=True)
class Result:
    """Stands in for a sync's per-source result: the loop only logs its line."""

    name: str

    def line(self) -> str:
        return f"{self.name}: updated"


def test_in_the_foreground_it_returns_after_its_rounds_with_each_result_handed_on():
    handed = []
    results = iter([[Result("first")], [Result("second")], [Result("third")], [Result("never")]])
    loop = SyncLoop(lambda: next(results), interval_seconds=0.001, rounds=3)
    loop.run(on_done=handed.append)
    assert handed == [[Result("first")], [Result("second")], [Result("third")]]
    assert loop.runs == 3


class LongestJitter(random.Random):
    """Always draws the largest jitter, so the wait is known without timing anything."""

    def uniform(self, a, b):
        return b


def test_between_syncs_it_waits_the_interval_plus_the_drawn_jitter():
    runs, _done, sync_once = counting_sync()
    loop = SyncLoop(
        sync_once, interval_seconds=0.1, jitter_seconds=0.15, rounds=3, rng=LongestJitter()
    )
    loop.run()
    gaps = [later - earlier for earlier, later in itertools.pairwise(runs)]
    assert len(gaps) == 2
    assert all(gap >= 0.25 for gap in gaps), gaps


def test_stop_ends_the_wait_at_once_and_hands_on_nothing_more():
    handed = []
    _runs, done, sync_once = counting_sync()
    loop = SyncLoop(sync_once, interval_seconds=600).start(on_done=handed.append)
    assert done.wait(2)
    loop.stop()
    deadline = time.monotonic() + 2
    while loop.alive and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not loop.alive
    assert loop.runs == 1 and len(handed) == 1


def test_a_sync_stopped_midway_is_not_handed_on():
    handed = []
    inside, release = threading.Event(), threading.Event()

    def slow_sync():
        inside.set()
        release.wait(5)
        return [Result("late")]

    loop = SyncLoop(slow_sync, interval_seconds=600).start(on_done=handed.append)
    assert inside.wait(2)
    loop.stop()  # returns at once, though the sync is still running
    assert loop.busy.is_set()
    release.set()
    deadline = time.monotonic() + 2
    while loop.alive and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not loop.alive and handed == []


@dataclass(frozen=True)
class Locked:
    """A result as the sync gives it when the database stayed locked past its timeout."""

    retry_soon: bool = True

    def line(self) -> str:
        return "central: FAILED — the database stayed locked"


def test_after_a_round_the_database_was_locked_it_tries_again_before_the_interval():
    rounds = iter([[Locked()], []])
    done = threading.Event()
    runs = []

    def sync_once():
        runs.append(time.monotonic())
        return next(rounds)

    loop = SyncLoop(sync_once, interval_seconds=3600, retry_seconds=0.05, rounds=2)
    worker = threading.Thread(target=lambda: (loop.run(), done.set()), daemon=True)
    worker.start()
    try:
        assert done.wait(10), "the second round waited for the hour-long interval"
    finally:
        loop.stop()
    assert len(runs) == 2


def test_a_round_that_went_well_waits_the_whole_interval():
    done = threading.Event()
    loop = SyncLoop(lambda: [], interval_seconds=3600, retry_seconds=0.05, rounds=2)
    worker = threading.Thread(target=lambda: (loop.run(), done.set()), daemon=True)
    worker.start()
    try:
        assert not done.wait(0.5)
        assert loop.runs == 1
    finally:
        loop.stop()
