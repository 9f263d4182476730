"""Fuzz targets for the UI bridge (issue 12 item 7): request decoding, request handling and
the admission rules, with Hypothesis strategies. ``test_bridge_fuzz.py`` runs them with a
small budget in the default run; the long run is this module as a script:

    python -m tests.rose.bridge_fuzz --cases 100000

which prints, per target, the cases run, the failures (a failure is any exception other than
the codec's own ``BridgeMessageError`` from decoding, any exception at all from handling or
admission, or a reply that is not a JSON object with a string ``type``) and the peak RSS. The
long run uses a seeded mutation fuzzer (``Mutator``) over the same checks: Hypothesis'
generation is too slow for 100,000 cases per target on a shared machine.

Handling runs the bridge server's own request path (``BridgeServer.handle_frame``: size check,
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

from hypothesis import strategies as st

from webrtc_party.rose.bridge_guard import BridgePolicy
from webrtc_party.rose.bridge_messages import MAX_FRAME, BridgeMessageError, decode_request
from webrtc_party.rose.bridge_server import BridgeServer, PanelOutbox
from webrtc_party.rose.control import PartyControl

__all__ = [
    "FuzzParties",
    "Mutator",
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


def check_replies(outbox: PanelOutbox, bridge: BridgeServer) -> None:
    """Every reply queued for the panel is one JSON object with a string type."""
    assert not outbox.overflowed
    for text in outbox.drain():
        message = json.loads(text)
        assert isinstance(message, dict) and isinstance(message.get("type"), str), message
    assert len(outbox) == 0 and outbox.queued_bytes == 0


@dataclass
class FuzzParties:
    """A loop of its own (Hypothesis drives sync functions) and two bridges without sockets."""

    loop: asyncio.AbstractEventLoop
    idle: BridgeServer
    enabled: BridgeServer
    own_tokens: list[str] = field(default_factory=list)

    def handle(self, bridge: BridgeServer, frame: str) -> None:
        outbox = PanelOutbox()
        self.loop.run_until_complete(asyncio.wait_for(bridge.handle_frame(frame, outbox), 30))
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
# Hypothesis spends most of its time (and memory: its tree of tried cases grows with every
# case) on generation; 100,000 cases per target would take an hour on the shared machine. The
# long run therefore drives the same checks with a seeded mutation fuzzer: a corpus of valid
# requests, changed by character flips, insertions, cuts, splices, deep nesting and padding
# around the size limit.

_SEED_MESSAGES: list[dict[str, Any]] = [
    {"type": "party-get-state"},
    {"type": "party-enable", "id": 1},
    {"type": "party-disable", "id": "x"},
    {"type": "party-create-invite"},
    {"type": "party-add-peer", "token": "wpiAAAA"},
    {"type": "party-paste-token", "token": "here: `wpaBBBB` ok", "id": 7},
    {"type": "party-remove-peer", "summoner_id": 3894416720352768},
    {"type": "party-remove-peer", "summoner_id": "12345"},
    {"type": "party-remove-peer", "puuid": "p-1"},
]
_ALPHABET = '{}[]":,\\ 0123456789.-+eEtrufalsn\x00\u00e9\ud83d\ude00abcwpi'


class Mutator:
    """Seeded frames for the long run (``random.Random``: reproducible from the seed)."""

    def __init__(self, seed: int, tokens: Callable[[], list[str]] = list) -> None:
        import random

        self.rng = random.Random(seed)
        self.tokens = tokens

    def _value(self, depth: int = 0) -> Any:
        r = self.rng
        pick = r.randrange(9 if depth < 3 else 6)
        if pick == 0:
            return None
        if pick == 1:
            return r.choice([True, False])
        if pick == 2:
            return r.choice([0, -1, 2**53 + 1, 2**64, r.randrange(-(2**70), 2**70)])
        if pick == 3:
            return r.choice([0.5, -0.0, 1e308, float("nan")])
        if pick in (4, 5):
            return "".join(r.choice(_ALPHABET) for _ in range(r.randrange(0, 60)))
        if pick in (6, 7):
            return [self._value(depth + 1) for _ in range(r.randrange(0, 4))]
        return {self._value_key(): self._value(depth + 1) for _ in range(r.randrange(0, 4))}

    def _value_key(self) -> str:
        return self.rng.choice(["type", "token", "summoner_id", "puuid", "id", "x", ""])

    def message(self) -> dict[str, Any]:
        r = self.rng
        msg = dict(r.choice(_SEED_MESSAGES))
        tokens = self.tokens()
        if tokens and "token" in msg and r.random() < 0.7:
            msg["token"] = r.choice(tokens)
        for _ in range(r.randrange(0, 3)):
            msg[self._value_key()] = self._value()
        return msg

    def text(self, base: str) -> str:
        r = self.rng
        for _ in range(r.randrange(0, 5)):
            how = r.randrange(7)
            i = r.randrange(0, len(base) + 1)
            if how == 0 and base:
                base = base[: max(0, i - 1)] + r.choice(_ALPHABET) + base[i:]
            elif how == 1:
                base = (
                    base[:i]
                    + "".join(r.choice(_ALPHABET) for _ in range(r.randrange(1, 20)))
                    + base[i:]
                )
            elif how == 2:
                base = base[:i] + base[r.randrange(i, len(base) + 1) :]
            elif how == 3:
                j = r.randrange(i, len(base) + 1)
                base = base[:i] + base[i:j] * r.randrange(2, 5) + base[j:]
            elif how == 4:
                depth = r.choice([10, 500, 1000, 3000, 6000])
                base = r.choice(["[", '{"a":']) * depth + base
            elif how == 5:
                base = base + " " * r.randrange(MAX_FRAME - len(base) - 64, MAX_FRAME + 64)
            else:
                base = r.choice(["`{}`", '"{}"', "{}\n{}", "x {} y"]).format(base[:i], base[i:])
        return base

    def frame(self) -> str:
        r = self.rng
        if r.random() < 0.1:
            return "".join(chr(r.randrange(0, 0x3000)) for _ in range(r.randrange(0, 80)))
        return self.text(json.dumps(self.message()))

    def paste_frame(self) -> str:
        """Token-bearing requests for the enabled party: real tokens mutated inside them."""
        r = self.rng
        kind = r.choice(PASTE_TYPES)
        msg: dict[str, Any] = {"type": kind}
        tokens = self.tokens()
        if kind in ("party-paste-token", "party-add-peer"):
            token = r.choice(tokens) if tokens and r.random() < 0.8 else self._value()
            msg["token"] = self.text(token) if isinstance(token, str) else token
        elif kind == "party-remove-peer":
            msg[r.choice(["summoner_id", "puuid"])] = self._value()
        text = json.dumps(msg)
        return self.text(text) if r.random() < 0.3 else text

    def admission(self) -> tuple[dict[str, str], str | None, bool]:
        r = self.rng
        headers: dict[str, str] = {}
        if r.random() < 0.9:
            headers["Host"] = r.choice(
                [
                    "127.0.0.1:50000",
                    "localhost:50000",
                    "LOCALHOST:50000",
                    "evil.example:50000",
                    "127.0.0.1",
                    self.text("127.0.0.1:50000"),
                ]
            )
        if r.random() < 0.8:
            headers["Origin"] = r.choice(
                [
                    "null",
                    "https://127.0.0.1:51234",
                    "http://127.0.0.1:8123",
                    "https://evil.example",
                    self.text("https://127.0.0.1:51234"),
                ]
            )
        if r.random() < 0.3:
            headers["Sec-Fetch-Site"] = r.choice(["cross-site", "none"])
        key = r.choice([None, "K" * 43, self.text("K" * 43)])
        return headers, key, r.random() < 0.7


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _run(
    name: str, make: Callable[[], Any], check: Callable[[Any], None], n: int
) -> dict[str, Any]:
    failures = 0
    first: list[str] = []
    started = time.monotonic()
    rss_before = _peak_rss_mb()
    for _ in range(n):
        case = make()
        try:
            check(case)
        except Exception as exc:  # counted and reported, the run goes on
            failures += 1
            if len(first) < 5:
                first.append(f"{type(exc).__name__}: {str(exc)[:200]} <- {str(case)[:200]!r}")
    return {
        "target": name,
        "cases": n,
        "failures": failures,
        "first_failures": first,
        "seconds": round(time.monotonic() - started, 1),
        "peak_rss_mb_before": round(rss_before, 1),
        "peak_rss_mb_after": round(_peak_rss_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the bridge's long fuzz run")
    parser.add_argument("--cases", type=int, default=100_000, help="cases per target")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    fuzz = Mutator(args.seed)
    results = [
        _run("decode_request", fuzz.frame, check_decode, args.cases),
        _run("admission", fuzz.admission, check_admission, args.cases),
    ]
    with fuzz_parties() as parties:
        fuzz.tokens = lambda: parties.own_tokens
        idle, enabled = parties.idle, parties.enabled
        results.append(
            _run(
                "handle, no League client",
                fuzz.frame,
                lambda f: parties.handle(idle, f),
                args.cases,
            )
        )
        results.append(
            _run(
                "handle, party on",
                fuzz.paste_frame,
                lambda f: parties.handle(enabled, f),
                args.cases,
            )
        )
        assert parties.enabled.control.snapshot().enabled
    for r in results:
        sys.stdout.write(json.dumps(r) + "\n")
    return 1 if any(r["failures"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
