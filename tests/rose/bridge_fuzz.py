"""Fuzz targets for the UI bridge (issue 12 item 7): request decoding, request handling and
the admission rules, with Hypothesis strategies. ``test_bridge_fuzz.py`` runs them with a
small budget in the default run; the long run is this module as a script:

    python -m tests.rose.bridge_fuzz --cases 100000

which prints, per target, the cases run, the failures (a failure is any exception other than
the codec's own ``BridgeMessageError`` from decoding, any exception at all from handling or
admission, or a reply that is not a JSON object with a string ``type``) and the peak RSS.

Handling runs the bridge server's own request path (``BridgeServer._handle``: size check,
``handle_ui_message``, the last-line catch, the outbox) against two real parties: one with no
League client (every request type, ``party-enable`` refused) and one enabled on an emulated
League client (token pastes, removals and state requests reach the party and the token codec:
real invites of its own, mutated, and made-up ones).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from webrtc_party.rose.bridge_guard import BridgePolicy
from webrtc_party.rose.bridge_messages import MAX_FRAME, BridgeMessageError, decode_request
from webrtc_party.rose.bridge_server import BridgeServer, Outbox
from webrtc_party.rose.control import PartyControl

__all__ = [
    "FuzzParties",
    "admission_case",
    "check_admission",
    "check_decode",
    "check_replies",
    "frames",
    "fuzz_parties",
    "header_sets",
    "paste_frames",
]

TYPES = [
    "party-enable",
    "party-disable",
    "party-create-invite",
    "party-paste-token",
    "party-add-peer",
    "party-remove-peer",
    "party-get-state",
]
PASTE_TYPES = ["party-paste-token", "party-add-peer", "party-remove-peer", "party-get-state"]
JSON_LEAF = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
TOKENISH = st.one_of(
    st.text(max_size=120),
    st.builds(lambda s: "wpi" + s, st.text(alphabet=st.characters(codec="ascii"), max_size=120)),
    st.builds(lambda s: "wpa" + s, st.text(max_size=120)),
    st.text(min_size=3990, max_size=4010),  # around the paste limit
)
FIELD_VALUE = st.one_of(
    JSON_VALUE,
    TOKENISH,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(alphabet="0123456789", min_size=1, max_size=25),
)


def _message(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"type": kind, **fields}


_FIELDS = st.dictionaries(
    st.sampled_from(["token", "summoner_id", "puuid", "id", "x"]), FIELD_VALUE, max_size=4
)


def _deep(depth: int, opener: str) -> str:
    closer = "]" if opener == "[" else "}"
    if opener == "{":
        return '{"a":' * depth + "1" + closer * depth
    return opener * depth + closer * depth


_RAW = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    st.builds(_deep, st.integers(min_value=900, max_value=6000), st.sampled_from(["[", "{"])),
    st.builds(
        lambda n, body: '{"type":"party-get-state","x":"' + "a" * n + '"}' + body,
        st.integers(min_value=MAX_FRAME - 64, max_value=MAX_FRAME + 64),
        st.sampled_from(["", " "]),
    ),
)


def frames() -> st.SearchStrategy[str]:
    """Any text frame: well-formed messages of every type with odd fields, JSON of any
    shape, deep nesting, sizes around the frame limit, random text."""
    messages = st.builds(_message, st.sampled_from([*TYPES, "party-x", ""]), _FIELDS)
    return st.one_of(
        messages.map(json.dumps),
        JSON_VALUE.map(json.dumps),
        _RAW,
    )


def _mutate(token: str, data: st.DataObject) -> str:
    """One real token, changed a little (a character, a cut, chat clothes)."""
    how = data.draw(st.sampled_from(["char", "cut", "wrap", "same"]))
    if how == "same" or not token:
        return token
    i = data.draw(st.integers(min_value=0, max_value=len(token) - 1))
    if how == "char":
        c = data.draw(st.characters(codec="ascii"))
        return token[:i] + c + token[i + 1 :]
    if how == "cut":
        return token[:i]
    return data.draw(st.sampled_from(["`{}`", '"{}"', "here: {} ok", "{}\n{}"])).format(
        token[:i], token[i:]
    )


def paste_frames(real: Callable[[], list[str]]) -> st.SearchStrategy[str]:
    """Frames for an enabled party: token pastes (made up, or one of ``real()`` mutated),
    removals with odd ids, state requests."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        kind = draw(st.sampled_from(PASTE_TYPES))
        fields: dict[str, Any] = draw(_FIELDS)
        tokens = real()
        if kind in ("party-paste-token", "party-add-peer") and tokens and draw(st.booleans()):
            token = draw(st.sampled_from(tokens))
            fields["token"] = _mutate(token, draw(st.data()))
        return json.dumps(_message(kind, fields))

    return build()


HEADER_NAMES = ["Host", "Origin", "Sec-Fetch-Site", "Sec-Fetch-Mode", "User-Agent", "Upgrade"]
ORIGINS = st.one_of(
    st.sampled_from(
        [
            "null",
            "",
            "https://127.0.0.1:51234",
            "http://127.0.0.1:8123",
            "https://127.0.0.1",
            "https://evil.example",
            "https://127.0.0.1.evil.example",
            "http://[::1]:5",
            "https://riot:x@127.0.0.1:5",
        ]
    ),
    st.text(max_size=60),
    st.builds(lambda p: f"https://127.0.0.1:{p}", st.integers(min_value=-5, max_value=70000)),
)


def header_sets() -> st.SearchStrategy[dict[str, str]]:
    hosts = st.one_of(
        st.sampled_from(["127.0.0.1:50000", "localhost:50000", "evil.example:50000", ""]),
        st.text(max_size=40),
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "Host": hosts,
            "Origin": ORIGINS,
            "Sec-Fetch-Site": st.sampled_from(["cross-site", "same-origin", "none"]),
            "User-Agent": st.text(max_size=20),
        },
    )


def admission_case() -> st.SearchStrategy[tuple[dict[str, str], str | None, bool]]:
    keys = st.one_of(st.none(), st.just("K" * 43), st.text(max_size=50))
    return st.tuples(header_sets(), keys, st.booleans())


POLICY = BridgePolicy.make(50000, "K" * 43, ["http://127.0.0.1:8123"])


def check_admission(case: tuple[dict[str, str], str | None, bool]) -> None:
    headers, key, need_key = case
    refusal = POLICY.check(headers, key, need_key=need_key)
    host = headers.get("Host", "").lower()
    if host not in ("127.0.0.1:50000", "localhost:50000"):
        assert refusal is not None and refusal.status == 421
        return
    origin = headers.get("Origin")
    if origin == "null" or (origin is None and "Sec-Fetch-Site" in headers):
        assert refusal is not None and refusal.status == 403
    if origin is not None and not POLICY.origin_ok(origin):
        assert refusal is not None
    if need_key and key != "K" * 43:
        assert refusal is not None
    if refusal is None:
        assert origin is None or POLICY.origin_ok(origin)


def check_decode(frame: str) -> None:
    try:
        decode_request(frame)
    except BridgeMessageError as exc:
        assert isinstance(exc.code, str) and str(exc)


def check_replies(outbox: Outbox, bridge: BridgeServer) -> None:
    """Every reply queued for the panel is one JSON object with a string type."""
    assert not outbox.overflowed
    while len(outbox):
        text = outbox._items.popleft()
        outbox._bytes -= len(text)
        message = json.loads(text)
        assert isinstance(message, dict) and isinstance(message.get("type"), str), message


@dataclass
class FuzzParties:
    """A loop of its own (Hypothesis drives sync functions) and two bridges without sockets."""

    loop: asyncio.AbstractEventLoop
    idle: BridgeServer
    enabled: BridgeServer
    own_tokens: list[str] = field(default_factory=list)

    def handle(self, bridge: BridgeServer, frame: str) -> None:
        outbox = Outbox()
        self.loop.run_until_complete(asyncio.wait_for(bridge._handle(frame, outbox), 30))
        check_replies(outbox, bridge)


@contextlib.contextmanager
def fuzz_parties() -> Any:
    """Two real parties on one loop: ``idle`` (no League client) and ``enabled``."""
    from tests.helpers import loopback_config
    from tests.rose.party_kit import clients_known, members
    from webrtc_party.rose.service import PartyService

    loop = asyncio.new_event_loop()
    stack = contextlib.AsyncExitStack()
    folder = tempfile.TemporaryDirectory(prefix="bridge-fuzz-")

    async def open_all() -> FuzzParties:
        idle: PartyControl = await stack.enter_async_context(
            PartyService(loopback_config(), None, identity_wait=0.0)
        )
        (member,) = await stack.enter_async_context(members(Path(folder.name), 1))
        await clients_known(member.service)
        await member.service.enable()
        invite = await member.service.create_invite()
        parties = FuzzParties(loop, BridgeServer(idle), BridgeServer(member.service))
        parties.own_tokens.append(invite.token)
        return parties

    try:
        yield loop.run_until_complete(open_all())
    finally:
        loop.run_until_complete(stack.aclose())
        loop.close()
        folder.cleanup()


# -- the long run --------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _run(
    name: str, strategy: st.SearchStrategy[Any], check: Callable[[Any], None], n: int
) -> dict[str, Any]:
    cases = 0
    failures: list[str] = []

    @settings(
        max_examples=n,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def target(value: Any) -> None:
        nonlocal cases
        cases += 1
        try:
            check(value)
        except Exception as exc:  # counted and reported, the run goes on
            if len(failures) < 20:
                failures.append(f"{type(exc).__name__}: {str(exc)[:200]}")
            else:
                failures.append("")

    started = time.monotonic()
    target()
    return {
        "target": name,
        "cases": cases,
        "failures": len(failures),
        "first_failures": [f for f in failures if f][:5],
        "seconds": round(time.monotonic() - started, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases per target")
    args = parser.parse_args(argv)
    results = [
        _run("decode_request", frames(), check_decode, args.cases),
        _run("admission", admission_case(), check_admission, args.cases),
    ]
    with fuzz_parties() as parties:
        results.append(
            _run(
                "handle (no League client)",
                frames(),
                lambda f: parties.handle(parties.idle, f),
                args.cases,
            )
        )
        pastes = paste_frames(lambda: parties.own_tokens)
        results.append(
            _run(
                "handle (party on)",
                pastes,
                lambda f: parties.handle(parties.enabled, f),
                args.cases,
            )
        )
    for r in results:
        sys.stdout.write(json.dumps(r) + "\n")
    return 1 if any(r["failures"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
