"""The background sync thread: when it runs, and that it never needs the caller to wait."""

import threading
import time

from torg_kiosk.sync.loop import SyncWorker


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
    worker = SyncWorker(sync_once, interval_seconds=600).start()
    try:
        assert done.wait(2)
    finally:
        worker.stop()


def test_with_data_on_screen_the_first_sync_waits_for_its_delay():
    runs, done, sync_once = counting_sync()
    started = time.monotonic()
    worker = SyncWorker(sync_once, interval_seconds=600, first_delay_seconds=0.5).start()
    try:
        assert not done.wait(0.2)
        assert done.wait(2)
        assert runs[0] - started >= 0.5
    finally:
        worker.stop()


def test_sync_soon_cuts_the_wait_short():
    _runs, done, sync_once = counting_sync()
    worker = SyncWorker(sync_once, interval_seconds=600, first_delay_seconds=60).start()
    try:
        worker.sync_soon()
        assert done.wait(2)
    finally:
        worker.stop()


def test_a_sync_that_raises_does_not_kill_the_thread():
    calls = []

    def broken():
        calls.append(1)
        raise RuntimeError("a bug in one run")

    worker = SyncWorker(broken, interval_seconds=0.05).start()
    try:
        deadline = time.monotonic() + 2
        while len(calls) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(calls) >= 3 and worker.alive
    finally:
        worker.stop()
