"""``PartyCore.receive`` never raises: every message type at and around every limit.

Deterministic sweep (sizes, counts, hop counts, re-encoding growth) plus a Hypothesis
stateful machine with re-signed mutations; the long run is ``bench/fuzz_core.py``
(docs/security.md).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from webrtc_party.party import (
    CloseLink,
    GamePhase,
    MemberIdentity,
    MemberState,
    PartyConfig,
    PartyCore,
    Selection,
)
from webrtc_party.party._fields import canonical_json
from webrtc_party.party.messages import (
    MAX_BEATS,
    MAX_HOPS,
    MAX_MESSAGE_SIZE,
    MAX_SYNC_RECORDS,
    MAX_TOKEN_SIZE,
    RELAY_HEADROOM,
)
from webrtc_party.party.model import state_to_json
from webrtc_party.party.signing import _signed_bytes, public_key_bytes

from .network import Network, P

LIMIT = MAX_MESSAGE_SIZE
SIZES = [LIMIT - RELAY_HEADROOM - 1, LIMIT - RELAY_HEADROOM, LIMIT - RELAY_HEADROOM + 1,
         LIMIT - 1, LIMIT, LIMIT + 1]


def dump(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def signed(key: Ed25519PrivateKey, kind: str, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    text = canonical_json(body)
    sig = base64.b64encode(key.sign(_signed_bytes(kind, text))).decode()
    return {"type": kind, "v": 1, "body": text, "sig": sig, **extra}


def padded(key: Ed25519PrivateKey, kind: str, body: dict[str, Any], size: int,
           **extra: Any) -> str:
    """A validly signed ``kind`` of exactly ``size`` bytes (an unknown body key pads it)."""
    base = len(dump(signed(key, kind, {**body, "zpad": ""}, **extra)).encode())
    missing = size - base
    wide = missing // 3
    text = dump(signed(key, kind, {**body, "zpad": "\u20ac" * wide + "x" * (missing - 3 * wide)},
                       **extra))
    assert len(text.encode()) == size
    return text


def outer_padded(obj: dict[str, Any], size: int) -> str:
    base = len(dump({**obj, "zpad": ""}).encode())
    text = dump({**obj, "zpad": "x" * (size - base)})
    assert len(text.encode()) == size
    return text


def triangle() -> Network:
    net = Network(3, auto_intro=False)
    net.connect(P[0], P[1])
    net.connect(P[1], P[2])
    net.run(4)
    return net


def feed(net: Network, text: str) -> None:
    """P0 sends ``text`` to P1; P1 must not raise and sends nothing over the limit."""
    (link,) = net.links_between(P[0], P[1])
    core = net.cores[P[1]]
    core.receive(link, text, net.now)
    for _ in range(3):
        net.now += 11  # past the sync interval: full syncs go out
        core.tick(net.now)
    for _, out in core.data_to_send():
        assert len(out.encode()) <= LIMIT
    core.events_received()


def state_body(net: Network, seq: int) -> dict[str, Any]:
    ident = MemberIdentity(P[0], 1000, "Player 0", "EUW")
    pub = public_key_bytes(net.keys[P[0]])
    return state_to_json(MemberState(ident, pub, seq, Selection(1, 1001), GamePhase.LOBBY))


@pytest.mark.parametrize("size", SIZES)
def test_signed_records_and_intros_at_every_size(size: int) -> None:
    net = triangle()
    key = net.keys[P[0]]
    seq = net.cores[P[1]].records.states[P[0]].state.seq + 1
    feed(net, padded(key, "state", state_body(net, seq), size))
    feed(net, padded(key, "leave", {"origin": P[0], "seq": seq + 100}, size))
    for hops in (0, 9, MAX_HOPS - 1, MAX_HOPS, MAX_HOPS + 1):
        for kind in ("intro-offer", "intro-answer"):
            body = {"origin": P[0], "target": P[2], "id": hops + size, "token": "t"}
            feed(net, padded(key, kind, body, size, hops=hops))
    token = "t" * MAX_TOKEN_SIZE
    body = {"origin": P[0], "target": P[2], "id": 1, "token": token + "t"}
    feed(net, dump(signed(key, "intro-offer", body, hops=0)))


@pytest.mark.parametrize("size", SIZES)
def test_unsigned_messages_at_every_size(size: int) -> None:
    net = triangle()
    beats = [[P[2], 1, 1, 0]] * MAX_BEATS
    for obj in (
        {"type": "ping", "v": 1, "id": 1, "beats": beats, "dg": ""},
        {"type": "ping", "v": 1, "id": 1, "beats": [*beats, [P[2], 1, 1, 0]], "dg": ""},
        {"type": "pong", "v": 1, "id": 1},
        {"type": "hello", "v": 1, "app": "x", "caps": [], "member": {}, "key": ""},
        {"type": "nobody-knows", "v": 1},
        {"type": "chat", "text": "hi"},
    ):
        feed(net, outer_padded(obj, size))


@pytest.mark.parametrize("count", [0, 1, MAX_SYNC_RECORDS - 1, MAX_SYNC_RECORDS,
                                   MAX_SYNC_RECORDS + 1])
def test_syncs_at_every_record_count_and_size(count: int) -> None:
    net = triangle()
    key = net.keys[P[0]]
    seq = net.cores[P[1]].records.states[P[0]].state.seq + 1
    record = signed(key, "state", state_body(net, seq))
    feed(net, dump({"type": "sync", "v": 1, "records": [record] * count}))
    for size in (LIMIT - 40 - RELAY_HEADROOM, LIMIT - 40):
        big = json.loads(padded(key, "state", state_body(net, seq + size), size))
        feed(net, dump({"type": "sync", "v": 1, "records": [big]}))


# -- stateful ----------------------------------------------------------------

KEYS = [Ed25519PrivateKey.from_private_bytes(bytes([i]) * 32) for i in range(6)]
IDS = [MemberIdentity(f"m{i}", i, f"M{i}", "EUW") for i in range(6)]
VICTIM = MemberIdentity("m9", 9, "Victim", "EUW")
weird = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.text(max_size=20),
                  st.lists(st.integers(), max_size=3), st.just({}))


class ReceiveMachine(RuleBasedStateMachine):
    """Peers (some of whose keys we hold) send anything; the victim never raises."""

    def __init__(self) -> None:
        super().__init__()
        self.config = PartyConfig(max_members=4, max_tombstones=3, rate=1e6, burst=1e6,
                                  origin_rate=1e6, origin_burst=1e6, max_message_size=2048)
        self.core = PartyCore(VICTIM, Ed25519PrivateKey.generate(), now=0.0, config=self.config)
        self.now = 0.0
        self.seqs = [1] * len(IDS)
        self.links: list[str] = []
        for i in range(3):
            self.open(i)

    def open(self, who: int) -> None:
        lid = f"L{len(self.links)}"
        self.links.append(lid)
        self.core.link_up(lid, self.now)
        ident = IDS[who]
        hello = {"type": "hello", "v": 1, "app": "t", "caps": [],
                 "member": {"puuid": ident.puuid, "summoner_id": ident.summoner_id,
                            "riot_id": ident.riot_id},
                 "key": base64.b64encode(public_key_bytes(KEYS[who])).decode()}
        self.core.receive(lid, dump(hello), self.now)

    def state(self, who: int, seq: int) -> dict[str, Any]:
        pub = public_key_bytes(KEYS[who])
        return state_to_json(MemberState(IDS[who], pub, seq, None, GamePhase.LOBBY))

    def send(self, link: int, text: str) -> None:
        self.core.receive(self.links[link % len(self.links)], text, self.now)

    @rule(link=st.integers(0, 9), who=st.integers(0, 5), step=st.integers(-1, 3),
          mutate=st.none() | st.tuples(st.sampled_from(["seq", "member", "key", "phase", "sel",
                                                         "extra"]), weird),
          pad=st.none() | st.integers(-2, 2))
    def send_state(self, link: int, who: int, step: int,
                   mutate: tuple[str, Any] | None, pad: int | None) -> None:
        self.seqs[who] = max(0, self.seqs[who] + step)
        body = self.state(who, self.seqs[who])
        if mutate is not None:
            body[mutate[0]] = mutate[1]  # then re-signed: it passes the signature check
        limit = self.config.max_message_size
        if pad is None:
            text = dump(signed(KEYS[who], "state", body))
        else:
            text = padded(KEYS[who], "state", body, limit - RELAY_HEADROOM + pad)
        self.send(link, text)

    @rule(link=st.integers(0, 9), who=st.integers(0, 5), seq=st.integers(0, 50))
    def send_leave(self, link: int, who: int, seq: int) -> None:
        body = {"origin": IDS[who].puuid, "seq": seq}
        self.send(link, dump(signed(KEYS[who], "leave", body)))

    @rule(link=st.integers(0, 9), who=st.integers(0, 5), to=st.sampled_from(["m9", "m0", "m5"]),
          hops=st.integers(0, MAX_HOPS + 1), intro_id=st.integers(0, 5),
          kind=st.sampled_from(["intro-offer", "intro-answer"]), pad=st.integers(-2, 2))
    def send_intro(self, link: int, who: int, to: str, hops: int, intro_id: int,
                   kind: str, pad: int) -> None:
        body = {"origin": IDS[who].puuid, "target": to, "id": intro_id, "token": "tok"}
        size = self.config.max_message_size - RELAY_HEADROOM + pad
        self.send(link, padded(KEYS[who], kind, body, size, hops=hops))

    @rule(link=st.integers(0, 9), n=st.integers(0, MAX_BEATS + 1),
          member=st.sampled_from(["m0", "m1", "m4", "stranger"]), hops=st.integers(0, 33))
    def send_ping(self, link: int, n: int, member: str, hops: int) -> None:
        beats = [[f"{member}{i}" if member == "stranger" else member, 1, i, hops]
                 for i in range(n)]
        self.send(link, dump({"type": "ping", "v": 1, "id": n, "beats": beats, "dg": "x"}))

    @rule(link=st.integers(0, 9), who=st.lists(st.integers(0, 5), max_size=6))
    def send_sync(self, link: int, who: list[int]) -> None:
        records = [signed(KEYS[w], "state", self.state(w, self.seqs[w] + 1)) for w in who]
        self.send(link, dump({"type": "sync", "v": 1, "records": records}))

    @rule(link=st.integers(0, 9), text=st.text(max_size=60))
    def send_junk(self, link: int, text: str) -> None:
        self.send(link, text)

    @rule(who=st.integers(0, 5))
    def new_link(self, who: int) -> None:
        self.open(who)

    @rule(dt=st.sampled_from([0.0, 0.1, 1.0, 11.0, 61.0]))
    def tick(self, dt: float) -> None:
        self.now += dt
        self.core.tick(self.now)

    @invariant()
    def bounded(self) -> None:
        cfg = self.config
        for _, text in self.core.data_to_send():
            assert len(text.encode()) <= cfg.max_message_size
        for event in self.core.events_received():
            if isinstance(event, CloseLink):
                self.core.link_down(event.link_id, self.now)
        store = self.core.records
        assert len(store.states) <= cfg.max_members
        assert len(store.tombstones) <= cfg.max_tombstones
        assert len(store.keys) <= cfg.max_members + cfg.max_tombstones
        assert self.core.routes.size()[0] <= cfg.max_members


ReceiveMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestReceive = ReceiveMachine.TestCase
