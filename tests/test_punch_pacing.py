"""The easy side's probes keep their rate on a loaded machine (webrtc_party/punch.py)."""

from __future__ import annotations

import pytest

from webrtc_party.punch import pace_delay


def test_on_schedule_waits_the_gap_behind_schedule_catches_up() -> None:
    assert pace_delay(10.0, 1, 100.0, 10.0) == pytest.approx(0.01)
    assert pace_delay(10.0, 50, 100.0, 10.2) == pytest.approx(0.3)
    assert pace_delay(10.0, 50, 100.0, 11.0) == 0.0  # half a second late: no wait at all


def test_late_wakeups_and_a_stall_do_not_add_up() -> None:
    """1000 probes at 100/s where every sleep wakes 5 ms late and the loop once stalls for
    0.5 s: the last probe still goes out at about 10 s (a per-probe sleep of 1/rate: 15.5 s,
    past a connect deadline the probes must beat)."""
    now = 0.0
    for n in range(1000):
        now += pace_delay(0.0, n + 1, 100.0, now) + 0.005 + (0.5 if n == 300 else 0.0)
    assert now == pytest.approx(10.005, abs=0.001)
