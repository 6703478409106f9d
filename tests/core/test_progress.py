"""The time-left estimate shown while the implementation-guide check runs."""

from __future__ import annotations

from inspector.core.progress import TimeLeft, format_duration


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_no_estimate_until_the_rate_is_known_then_the_remaining_share():
    clock = Clock()
    eta = TimeLeft(min_seconds=3, clock=clock)
    assert eta.text(0, 1000) == ""  # the first report starts the clock
    clock.now += 1
    assert eta.text(100, 1000) == ""  # too early to trust the rate
    clock.now += 9  # 10 s for 250 of 1000: 30 s left
    assert eta.text(250, 1000) == "about 30 s left"
    clock.now += 20  # 30 s for 500: 30 s left still
    assert eta.text(500, 1000) == "about 30 s left"
    clock.now += 30  # 60 s for 500 since the start: 500 more take 60 s
    assert eta.text(500 + 250, 1000) == "about 20 s left"


def test_start_up_time_before_the_first_report_does_not_count():
    clock = Clock()
    eta = TimeLeft(min_seconds=3, clock=clock)
    clock.now += 50  # a slow start (child process, pyx12 maps) is not in the rate
    eta.text(100, 1100)
    clock.now += 10  # 100 items in 10 s; 900 left: 90 s
    assert eta.text(200, 1100) == "about 2 min left"


def test_a_restarted_count_restarts_the_estimate_and_total_zero_gives_none():
    clock = Clock()
    eta = TimeLeft(min_seconds=0, clock=clock)
    eta.text(500, 1000)
    clock.now += 5
    assert eta.text(0, 1000) == ""
    assert eta.text(10, 0) == ""


def test_durations_read_naturally():
    assert format_duration(1) == "5 s"
    assert format_duration(41) == "45 s"
    assert format_duration(90) == "2 min"
    assert format_duration(3900) == "1 h 5 min"
