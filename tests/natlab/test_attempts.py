"""``within_attempts``: a retry only for a failed claim, and the last failure is the test's."""

from __future__ import annotations

import pytest

from .attempts import within_attempts


async def test_a_later_attempt_that_holds_passes_and_the_failure_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs: list[int] = []

    async def attempt() -> int:
        runs.append(1)
        assert len(runs) == 2, "first attempt: no luck"
        return 7

    assert await within_attempts("demo", attempt, tries=3) == 7
    assert len(runs) == 2
    assert "demo: attempt 1 of 3 failed: first attempt: no luck" in caplog.text


async def test_every_attempt_failing_fails_with_the_last_failure() -> None:
    runs: list[int] = []

    async def attempt() -> None:
        runs.append(1)
        raise AssertionError(f"attempt {len(runs)}")

    with pytest.raises(AssertionError, match="attempt 3"):
        await within_attempts("demo", attempt, tries=3)
    assert len(runs) == 3


async def test_a_crash_is_not_retried() -> None:
    runs: list[int] = []

    async def attempt() -> None:
        runs.append(1)
        raise RuntimeError("the lab is broken")

    with pytest.raises(RuntimeError):
        await within_attempts("demo", attempt, tries=3)
    assert len(runs) == 1
