"""``webrtc-party doctor``: what does my network look like, will direct connections work?"""

from __future__ import annotations

import argparse
import json
from typing import Any

from webrtc_party.cli.common import EXIT_CONNECT, EXIT_OK, run_async
from webrtc_party.config import DEFAULT_STUN_SERVERS
from webrtc_party.nat.classify import ProbeResults, Verdict, describe, diagnose
from webrtc_party.nat.mapping import MappingSense, sense_mapping
from webrtc_party.nat.probe import probe

__all__ = ["register"]


def register(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "doctor",
        help="check your network: STUN servers, public address, NAT type, TURN needed?",
        description="Ask STUN servers (in parallel) how your network looks from outside: which "
        "answered and how fast, your public address, your NAT's mapping and "
        "filtering behaviour (RFC 5780 where the server supports it, else a "
        "two-server comparison) and whether you will likely need a TURN server or "
        "another party member as relay. Exit 0 when a STUN server answered, "
        f"{EXIT_CONNECT} when none did.",
    )
    p.add_argument(
        "--stun",
        action="append",
        metavar="URL",
        default=None,
        help="STUN server stun:host[:port] (repeatable; default: the built-in list)",
    )
    p.add_argument("--json", action="store_true", help="one JSON object instead of words")
    p.add_argument(
        "--timeout",
        type=float,
        default=1.5,
        metavar="SECONDS",
        help="how long to wait for each server (default 1.5)",
    )
    p.set_defaults(command=_doctor)


def _report(results: ProbeResults) -> dict[str, Any]:
    diagnosis = diagnose(results)
    servers = [
        {
            "url": s.url,
            "address": f"{s.address[0]}:{s.address[1]}" if s.address else None,
            "answered": s.answered,
            "rtt_ms": s.rtt_ms,
            "mapped": f"{s.mapped[0]}:{s.mapped[1]}" if s.mapped else None,
            "rfc5780": s.other_address is not None,
            "error": s.error,
        }
        for s in results.servers
    ]
    return {"servers": servers, **diagnosis.to_json()}


def _doctor(args: argparse.Namespace) -> int:
    urls = list(args.stun or DEFAULT_STUN_SERVERS)
    results: ProbeResults | None = None
    sense: MappingSense | None = None

    async def go() -> int:
        nonlocal results, sense
        results = await probe(urls, wait_s=max(0.2, args.timeout))
        live = [s.address for s in results.servers if s.answered and s.address]
        if live:  # the allocation pattern (docs/nat.md, "Which side is hard")
            second = live[1] if len(live) > 1 else None
            sense = await sense_mapping(live[0], second, wait_s=max(0.2, args.timeout))
        return EXIT_OK

    run_async(go())
    assert results is not None
    diagnosis = diagnose(results)
    allocation = None
    if sense is not None:
        allocation = {
            "pattern": sense.hint.name.lower(),
            "step": sense.step,
            "ports": list(sense.ports),
            "friend_needs": sense.technique,
        }
    if args.json:
        print(json.dumps({**_report(results), "allocation": allocation}))
    else:
        print("\n".join(describe(results, diagnosis)))
        if sense is not None:
            step = f" (step {sense.step})" if sense.step is not None else ""
            seen = list(sense.ports)
            print(f"Port allocation: {sense.hint.name.lower()}{step}; ports seen {seen}")
            print(f"A friend behind a home router needs: {sense.technique}.")
    return EXIT_CONNECT if diagnosis.verdict is Verdict.NO_UDP else EXIT_OK
