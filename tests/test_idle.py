"""The privacy timer, forgetting a visitor and the rotation pace, with a pinned clock."""

from __future__ import annotations

import logging

import pytest

from torg_kiosk.base.settings import IdleConfig, load_kiosk_config
from torg_kiosk.domain.idle import (
    VISITOR_MEMORY,
    IdleEvent,
    IdlePhase,
    IdleTimer,
    RotationPolicy,
    VisitorState,
)

START = 1000.0


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []

    def timer(self, **options) -> IdleTimer:
        return IdleTimer(
            on_warning_started=lambda: self.events.append("warning"),
            on_reset=lambda: self.events.append("reset"),
            **options,
        )


def run(timer: IdleTimer, start: float, end: float) -> list[IdleEvent]:
    """Tick once a second from ``start`` to ``end`` inclusive, like the Kivy clock would."""
    events = []
    for second in range(int(start), int(end) + 1):
        event = timer.tick(float(second))
        if event is not None:
            events.append(event)
    return events


@pytest.fixture
def recorder():
    return Recorder()


def test_a_new_timer_is_dormant_and_never_resets(recorder):
    timer = recorder.timer()
    assert timer.phase is IdlePhase.DORMANT
    assert run(timer, START, START + 1000) == []
    assert recorder.events == []
    assert timer.seconds_left(START) is None


def test_the_warning_starts_at_exactly_the_timeout(recorder):
    timer = recorder.timer(timeout=90, warning=20)
    timer.touched(START)
    assert timer.tick(START + 89.999) is None
    assert timer.phase is IdlePhase.ACTIVE
    assert timer.tick(START + 90) is IdleEvent.WARNING_STARTED
    assert timer.phase is IdlePhase.WARNING
    assert recorder.events == ["warning"]


def test_the_reset_comes_at_timeout_plus_warning(recorder):
    timer = recorder.timer(timeout=90, warning=20)
    timer.touched(START)
    timer.tick(START + 90)
    assert timer.tick(START + 109.999) is None
    assert timer.tick(START + 110) is IdleEvent.RESET
    assert recorder.events == ["warning", "reset"]
    assert timer.phase is IdlePhase.DORMANT


def test_a_late_tick_never_shortens_the_warning(recorder):
    timer = recorder.timer(timeout=90, warning=20)
    timer.touched(START)
    timer.tick(START + 95)  # the UI thread was busy: the warning shows five seconds late
    assert timer.seconds_left(START + 95) == 20
    assert timer.tick(START + 114) is None
    assert timer.tick(START + 115) is IdleEvent.RESET


def test_the_reset_fires_once_and_the_timer_then_sleeps(recorder):
    timer = recorder.timer(timeout=90, warning=20)
    timer.touched(START)
    events = run(timer, START, START + 3600)
    assert events == [IdleEvent.WARNING_STARTED, IdleEvent.RESET]
    assert recorder.events == ["warning", "reset"]


def test_the_next_touch_after_a_reset_starts_a_new_visit(recorder):
    timer = recorder.timer(timeout=90, warning=20)
    timer.touched(START)
    run(timer, START, START + 200)
    timer.touched(START + 500)
    assert timer.phase is IdlePhase.ACTIVE
    assert run(timer, START + 501, START + 700) == [IdleEvent.WARNING_STARTED, IdleEvent.RESET]
    assert recorder.events == ["warning", "reset", "warning", "reset"]


def test_a_touch_restarts_the_countdown(recorder):
    timer = recorder.timer(timeout=90, warning=20)
    timer.touched(START)
    assert timer.seconds_left(START + 10) == 100
    timer.touched(START + 60)
    assert timer.seconds_left(START + 60) == 110
    assert timer.tick(START + 100) is None
    assert timer.tick(START + 150) is IdleEvent.WARNING_STARTED


def test_seconds_left_counts_down_the_warning_in_whole_seconds(recorder):
    timer = recorder.timer(timeout=90, warning=20)
    timer.touched(START)
    timer.tick(START + 90)
    assert timer.seconds_left(START + 90) == 20
    assert timer.seconds_left(START + 90.5) == 20
    assert timer.seconds_left(START + 109.2) == 1
    assert timer.seconds_left(START + 200) == 0


def test_more_time_returns_to_active_with_a_fresh_timeout(recorder):
    timer = recorder.timer(timeout=90, warning=20)
    timer.touched(START)
    timer.tick(START + 90)
    assert timer.extend(START + 100)
    assert timer.phase is IdlePhase.ACTIVE
    assert timer.extensions == 1
    assert timer.tick(START + 189) is None
    assert timer.tick(START + 190) is IdleEvent.WARNING_STARTED


def test_a_touch_during_the_warning_counts_as_more_time(recorder):
    timer = recorder.timer()
    timer.touched(START)
    timer.tick(START + 90)
    timer.touched(START + 95)
    assert timer.phase is IdlePhase.ACTIVE
    assert timer.extensions == 1
    assert recorder.events == ["warning"]


def test_unlimited_extensions_allow_many_more_than_ten(recorder):
    timer = recorder.timer(timeout=90, warning=20)
    now = START
    timer.touched(now)
    for _ in range(25):
        now += 90
        assert timer.tick(now) is IdleEvent.WARNING_STARTED
        now += 19
        assert timer.extend(now)
    assert timer.extensions == 25
    assert "reset" not in recorder.events


def test_a_limit_of_ten_allows_exactly_ten_extensions(recorder):
    timer = recorder.timer(timeout=90, warning=20, max_extensions=10)
    now = START
    timer.touched(now)
    for _ in range(10):
        now += 90
        timer.tick(now)
        assert timer.extend(now + 1)
        now += 1
    now += 90
    timer.tick(now)
    assert not timer.can_extend
    assert not timer.extend(now + 1)
    assert timer.phase is IdlePhase.WARNING
    assert timer.tick(now + 20) is IdleEvent.RESET


def test_the_extension_count_starts_again_for_the_next_visitor(recorder):
    timer = recorder.timer(timeout=90, warning=20, max_extensions=10)
    timer.touched(START)
    timer.tick(START + 90)
    timer.extend(START + 91)
    run(timer, START + 92, START + 400)
    timer.touched(START + 500)
    assert timer.extensions == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timeout": 29}, "at least 30"),
        ({"warning": 19}, "at least 20"),
        ({"max_extensions": 9}, "at least 10 times"),
    ],
)
def test_settings_that_rush_a_visitor_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        IdleTimer(**options)


def test_the_deployed_idle_settings_are_accepted():
    config = load_kiosk_config()
    timer = IdleTimer.from_config(config.idle)
    assert timer.warning >= 20


def test_from_config_passes_the_callbacks():
    resets = []
    timer = IdleTimer.from_config(IdleConfig(30, 20), on_reset=lambda: resets.append(1))
    timer.touched(0)
    run(timer, 0, 100)
    assert resets == [1]


def test_forget_visitor_calls_every_registered_reset():
    calls = []
    visitor = VisitorState()
    for name in VISITOR_MEMORY:
        visitor.register(name, lambda name=name: calls.append(name))
    assert visitor.forget_visitor() == []
    assert calls == list(VISITOR_MEMORY)


def test_one_failing_reset_does_not_stop_the_others(caplog):
    calls = []
    visitor = VisitorState()
    visitor.register("language", lambda: calls.append("language"))

    def broken():
        raise RuntimeError("the QR widget is gone")

    visitor.register("qr", broken)
    visitor.register("volume", lambda: calls.append("volume"))
    with caplog.at_level(logging.ERROR, logger="torg_kiosk.domain.idle"):
        failures = visitor.forget_visitor()
    assert calls == ["language", "volume"]
    assert [failure.name for failure in failures] == ["qr"]
    assert "the QR widget is gone" in str(failures[0].error)
    assert "qr" in caplog.text


def test_a_name_can_be_registered_only_once():
    visitor = VisitorState()
    visitor.register("volume", lambda: None)
    with pytest.raises(ValueError, match="already registered"):
        visitor.register("volume", lambda: None)


def test_missing_names_what_a_reset_would_not_forget():
    visitor = VisitorState()
    visitor.register("language", lambda: None)
    assert "language" not in visitor.missing()
    assert set(visitor.missing()) == set(VISITOR_MEMORY) - {"language"}


def test_the_idle_reset_can_drive_forgetting(recorder):
    forgotten = []
    visitor = VisitorState()
    visitor.register("large_text", lambda: forgotten.append("large_text"))
    timer = IdleTimer(on_reset=visitor.forget_visitor)
    timer.touched(START)
    run(timer, START, START + 300)
    assert forgotten == ["large_text"]


def test_rotation_refuses_less_than_five_seconds():
    assert RotationPolicy.MIN_SECONDS == 5
    with pytest.raises(ValueError, match="at least 5 seconds"):
        RotationPolicy(["a", "b"], 4.9, now=START)
    RotationPolicy(["a", "b"], 5, now=START)


def test_rotation_shows_each_item_for_its_time_in_turn():
    rotation = RotationPolicy(["a", "b", "c"], 8, now=START)
    assert rotation.current(START) == "a"
    assert rotation.current(START + 7.99) == "a"
    assert rotation.current(START + 8) == "b"
    assert rotation.current(START + 16) == "c"
    assert rotation.current(START + 24) == "a"
    assert rotation.seconds_until_next(START + 3) == 5


def test_a_paused_rotation_keeps_the_item_and_resumes_where_it_was():
    rotation = RotationPolicy(["a", "b", "c"], 8, now=START)
    rotation.pause(START + 10)
    assert rotation.current(START + 10) == "b"
    assert rotation.current(START + 500) == "b"
    assert rotation.seconds_until_next(START + 500) is None
    rotation.resume(START + 500)
    assert rotation.current(START + 505) == "b"
    assert rotation.current(START + 506) == "c"


def test_pausing_twice_and_resuming_twice_is_harmless():
    rotation = RotationPolicy(["a", "b"], 5, now=START)
    rotation.pause(START + 1)
    rotation.pause(START + 3)
    rotation.resume(START + 10)
    rotation.resume(START + 12)
    # One second ran before the pause, so the item changes four seconds after resuming.
    assert rotation.current(START + 13.9) == "a"
    assert rotation.current(START + 14) == "b"


def test_new_items_start_again_at_the_first():
    rotation = RotationPolicy(["a", "b"], 5, now=START)
    rotation.replace(["x", "y", "z"], START + 7)
    assert rotation.current(START + 7) == "x"
    assert rotation.current(START + 12) == "y"


def test_no_items_show_nothing_and_one_item_never_moves():
    assert RotationPolicy([], 5, now=START).current(START) is None
    single = RotationPolicy(["only"], 5, now=START)
    assert single.current(START + 999) == "only"
    assert single.seconds_until_next(START) is None
