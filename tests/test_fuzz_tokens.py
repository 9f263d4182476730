"""The token fuzz targets with a small budget (the long run: bench/fuzz_tokens.py)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzz_targets import TARGETS, Target

BUDGET = 150  # cases per target in the default run; the documented long run does 100,000


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_fuzz_target(target: Target) -> None:
    @settings(max_examples=BUDGET, suppress_health_check=list(HealthCheck), database=None)
    @given(target.strategy)
    def run(case: object) -> None:
        target.check(case)

    run()
