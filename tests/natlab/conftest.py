"""The NAT lab fixture: built once per session, verified, always torn down.

Tests marked ``natlab`` skip only when this machine cannot build network namespaces (and say
why); under CI (``CI=true``) a missing prerequisite fails instead, because the lab must run.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from types import FrameType

import pytest

from .lab import LabError, NatLab, NatMode, missing_prerequisites, remove_stale_labs


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _why_not() -> list[str]:
    why = missing_prerequisites()
    if not why:
        # root in a container without CAP_SYS_ADMIN cannot create namespaces
        name = f"wpnl{os.getpid()}-check"
        res = subprocess.run(
            ["ip", "netns", "add", name], capture_output=True, text=True, check=False
        )
        if res.returncode != 0:
            why.append(f"`ip netns add` fails: {res.stderr.strip()}")
        else:
            subprocess.run(["ip", "netns", "del", name], capture_output=True, check=False)
    return why


def _sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through the fixture's finally: lab.down()


@pytest.fixture(scope="session")
def natlab_session() -> Iterator[NatLab]:
    why = _why_not()
    if why:
        msg = "NAT lab unavailable: " + "; ".join(why)
        if _in_ci():
            pytest.fail(msg + " (CI=true: the NAT lab must run in CI)", pytrace=False)
        pytest.skip(msg)
    previous = signal.getsignal(signal.SIGTERM)
    if previous is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _sigterm)
    remove_stale_labs()
    lab = NatLab()
    try:
        lab.up()
        lab.verified = lab.verify_modes()
        yield lab
    except LabError as exc:
        pytest.fail(f"the NAT lab is broken: {exc}", pytrace=False)
    finally:
        lab.down()
        if previous is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.fixture
def natlab(natlab_session: NatLab) -> Iterator[NatLab]:
    """The session lab, reset to prc/prc without isolation or netem after each test."""
    yield natlab_session
    lab = natlab_session
    for router in ("ra", "rb"):
        lab.set_netem(router)
        lab.set_nat(router, NatMode.PRC)
    if lab.isolated:
        lab.set_isolation(False)
