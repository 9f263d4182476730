"""The bridge fuzz targets (tests/rose/bridge_fuzz.py) with a small budget; the long run
(100,000 cases per target) is ``python -m tests.rose.bridge_fuzz`` (docs/bridge.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.rose.bridge_fuzz import (
    FuzzParties,
    admission_case,
    check_admission,
    check_decode,
    frames,
    fuzz_parties,
    paste_frames,
)

BUDGET = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def parties() -> Iterator[FuzzParties]:
    with fuzz_parties() as made:
        yield made


@BUDGET
@given(frames())
def test_decoding_raises_only_the_codec_error(frame: str) -> None:
    check_decode(frame)


@BUDGET
@given(admission_case())
def test_admission_never_raises_and_refuses_what_it_must(
    case: tuple[dict[str, str], str | None, bool],
) -> None:
    check_admission(case)


@BUDGET
@given(frame=frames())
def test_handling_without_a_league_client(parties: FuzzParties, frame: str) -> None:
    parties.handle(parties.idle, frame)


def test_handling_with_the_party_on(parties: FuzzParties) -> None:
    @BUDGET
    @given(paste_frames(lambda: parties.own_tokens))
    def run(frame: Any) -> None:
        parties.handle(parties.enabled, frame)

    run()
    state = parties.enabled.control.snapshot()
    assert state.enabled  # nothing a panel sent in the run broke the party


def test_the_long_run_script_runs_clean_with_a_small_budget(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.rose.bridge_fuzz import main

    assert main(["--cases", "300", "--seed", "5"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["target"] for r in lines] == [
        "decode_request",
        "admission",
        "handle, no League client",
        "handle, party on",
    ]
    assert all(r["cases"] == 300 and r["failures"] == 0 for r in lines)
