"""A hostile party member inside every rate limit (issue 12): each attack of the review.

Each test replays what the adversarial review did against real nodes, on pure cores.
"""

from __future__ import annotations

import json
import random

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from webrtc_party.party import (
    CloseReason,
    GamePhase,
    IntroCancelled,
    IntroOfferReceived,
    MemberIdentity,
    MemberState,
    PartyConfig,
    Selection,
)
from webrtc_party.party._fields import canonical_json
from webrtc_party.party.messages import (
    MAX_MESSAGE_SIZE,
    RELAY_HEADROOM,
    IntroKind,
    encode_message,
)
from webrtc_party.party.model import state_to_json
from webrtc_party.party.signing import (
    _signed_bytes,
    public_key_bytes,
    sign_intro,
    sign_leave,
    sign_state,
)

from .network import Network, P, closes, forge, make_identity, violations


def padded_intro(key: Ed25519PrivateKey, origin: str, target: str, size: int, hops: int) -> str:
    """A validly signed intro-offer of exactly ``size`` bytes (padding: an unknown body key)."""

    def build(pad: str) -> str:
        body = canonical_json(
            {"origin": origin, "target": target, "id": 7, "token": "tok", "zpad": pad}
        )
        sig = key.sign(_signed_bytes("intro-offer", body))
        return encode_message_raw("intro-offer", body, sig, hops)

    pad = ""
    while len(build(pad).encode()) < size:
        # 3-byte characters reach the size in few steps; finish with ASCII
        missing = size - len(build(pad).encode())
        pad += "\u20ac" * (missing // 3) if missing >= 3 else "x"
    text = build(pad)
    assert len(text.encode()) == size
    return text


def encode_message_raw(kind: str, body: str, sig: bytes, hops: int) -> str:
    import base64

    obj = {"type": kind, "v": 1, "body": body, "sig": base64.b64encode(sig).decode(), "hops": hops}
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def padded_state(key: Ed25519PrivateKey, ident: MemberIdentity, seq: int, size: int) -> str:
    """A self-signed state of exactly ``size`` bytes."""
    import base64

    state = MemberState(ident, public_key_bytes(key), seq, Selection(1, 1001), GamePhase.LOBBY)

    def build(pad: str) -> str:
        body = canonical_json({**state_to_json(state), "zpad": pad})
        sig = key.sign(_signed_bytes("state", body))
        obj = {"type": "state", "v": 1, "body": body, "sig": base64.b64encode(sig).decode()}
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)

    pad = ""
    while len(build(pad).encode()) < size:
        missing = size - len(build(pad).encode())
        pad += "\u20ac" * (missing // 3) if missing >= 3 else "x"
    text = build(pad)
    assert len(text.encode()) == size
    return text


def test_an_intro_at_the_size_limit_relayed_one_more_hop_never_raises() -> None:
    net = Network(3, auto_intro=False)
    net.chain()  # P0 (hostile) - P1 - P2
    net.run(4)
    relay = net.cores[P[1]]
    (link,) = net.links_between(P[0], P[1])
    for size in (MAX_MESSAGE_SIZE, MAX_MESSAGE_SIZE - RELAY_HEADROOM,
                 MAX_MESSAGE_SIZE - RELAY_HEADROOM + 1):
        text = padded_intro(net.keys[P[0]], P[0], P[2], size, hops=9)
        relay.receive(link, text, net.now)  # must not raise
    sent = relay.data_to_send()
    assert all(len(t.encode()) <= MAX_MESSAGE_SIZE for _, t in sent)
    # the two over the relay limit are refused at decode and counted against the sender
    assert violations(net, P[1], P[0]) == 2
    # the one that fits was relayed, one hop more
    relayed = [t for _, t in sent if '"intro-offer"' in t]
    assert len(relayed) == 1 and '"hops":10' in relayed[0]


def test_a_state_at_the_size_limit_is_refused_and_syncs_never_exceed_the_limit() -> None:
    net = Network(3, auto_intro=False)
    net.connect(P[0], P[1])
    net.connect(P[1], P[2])
    net.connect(P[0], P[2])
    net.run(4)
    key = net.keys[P[0]]
    (link,) = net.links_between(P[0], P[1])
    victim = net.cores[P[1]]
    seq = victim.records.states[P[0]].state.seq + 10
    victim.receive(link, padded_state(key, make_identity(0), seq, MAX_MESSAGE_SIZE), net.now)
    assert violations(net, P[1], P[0]) == 1
    assert victim.records.states[P[0]].state.seq < seq
    fits = padded_state(key, make_identity(0), seq + 1, MAX_MESSAGE_SIZE - RELAY_HEADROOM)
    victim.receive(link, fits, net.now)
    assert victim.records.states[P[0]].state.seq == seq + 1
    for text in victim.records.sync_texts(MAX_MESSAGE_SIZE):
        assert len(text.encode()) <= MAX_MESSAGE_SIZE
    net.run(60)  # many full syncs between the honest members
    assert not closes(net, P[1], CloseReason.ABUSE)
    assert not closes(net, P[2], CloseReason.ABUSE)
    assert violations(net, P[2], P[1]) == 0


def test_a_record_too_large_for_a_sync_is_left_out_not_sent_over_the_limit() -> None:
    net = Network(2, auto_intro=False)
    net.connect(P[0], P[1])
    net.run(2)
    store = net.cores[P[1]].records
    texts = store.sync_texts(200)  # far below every record's size
    assert texts == []
    for text in store.sync_texts(MAX_MESSAGE_SIZE):
        assert len(text.encode()) <= MAX_MESSAGE_SIZE


def test_ping_beats_with_random_member_ids_grow_nothing() -> None:
    cfg = PartyConfig(rate=1e6, burst=1e6)
    net = Network(2, auto_intro=False, config=cfg)
    net.connect(P[0], P[1])
    net.run(3)
    (link,) = net.links_between(P[0], P[1])
    core = net.cores[P[1]]
    rng = random.Random(1)
    for i in range(2000):
        beats = [[f"x{rng.getrandbits(64):x}", 1, i, 0] for _ in range(31)]
        text = json.dumps({"type": "ping", "v": 1, "id": i, "beats": beats, "dg": ""})
        core.receive(link, text, net.now + i * 0.001)
    core.data_to_send()
    members, widest = core.routes.size()
    assert members <= cfg.max_members and widest <= cfg.max_members


def sybil_pairs(net: Network, relay: str, victim: str, count: int) -> None:
    """``relay`` makes up ``count`` members, each joining then leaving, and sends them on."""
    (link,) = net.links_between(relay, victim)
    core = net.cores[victim]
    for i in range(count):
        key = Ed25519PrivateKey.generate()
        ident = MemberIdentity(f"sybil-{i:05d}", 5000 + i, f"Sybil {i}", "EUW")
        state = MemberState(ident, public_key_bytes(key), 1, None, GamePhase.LOBBY)
        net.now += 0.2  # inside every rate limit
        core.receive(link, encode_message(sign_state(state, key)), net.now)
        core.receive(link, encode_message(sign_leave(ident.puuid, 2, key)), net.now)
        core.data_to_send()
        core.events_received()


def test_sybil_join_leave_pairs_cannot_evict_a_real_leavers_goodbye() -> None:
    net = Network(3, auto_intro=False)
    net.connect(P[0], P[1])
    net.connect(P[1], P[2])
    net.connect(P[0], P[2])
    net.run(4)
    last = net.cores[P[1]].records.texts[P[2]]
    net.cores[P[2]].leave(net.now)
    net.flush(P[2])
    net.run(1)
    assert P[2] not in net.views(P[0])
    sybil_pairs(net, P[1], P[0], 32)
    forge(net, P[1], P[0], last)
    assert P[2] not in net.views(P[0])
    # many more: the key ring and the goodbyes stay bounded
    sybil_pairs(net, P[1], P[0], 300)
    store = net.cores[P[0]].records
    cfg = net.config
    assert len(store.tombstones) <= cfg.max_tombstones
    assert len(store.keys) <= cfg.max_members + cfg.max_tombstones
    forge(net, P[1], P[0], last)
    assert P[2] not in net.views(P[0])
    assert not closes(net, P[0], CloseReason.ABUSE)


def test_a_state_only_relayed_is_never_vouched_so_never_injected() -> None:
    """A member relays a self-signed state for a teammate who runs nothing."""
    net = Network(2, auto_intro=False)
    net.connect(P[0], P[1])
    net.run(3)
    stranger_key = Ed25519PrivateKey.generate()
    stranger = MemberIdentity("solo-queue-stranger", 77, "Stranger", "EUW")
    state = MemberState(stranger, public_key_bytes(stranger_key), 1, Selection(1, 1005),
                        GamePhase.CHAMP_SELECT)
    forge(net, P[1], P[0], encode_message(sign_state(state, stranger_key)))
    (view,) = [v for v in net.cores[P[0]].members(net.now) if v.member_id == stranger.puuid]
    assert not view.vouched and view.stale
    # the honest neighbour, met on its own link, is vouched and fresh
    (friend,) = [v for v in net.cores[P[0]].members(net.now) if v.member_id == P[1]]
    assert friend.vouched and not friend.stale


def test_a_member_met_directly_stays_vouched_when_only_relayed_later() -> None:
    net = Network(3, auto_intro=False)
    net.connect(P[0], P[1])
    net.connect(P[1], P[2])
    direct = net.connect(P[0], P[2])
    net.run(4)
    net.disconnect(direct)
    net.run(4)
    (view,) = [v for v in net.cores[P[0]].members(net.now) if v.member_id == P[2]]
    assert view.status.value == "relayed" and view.vouched and not view.stale


def test_sybil_intro_offers_cannot_make_the_victim_open_more_than_the_cap() -> None:
    net = Network(2, auto_intro=False)
    net.connect(P[0], P[1])  # P0 hostile, P1 the victim
    net.run(3)
    (link,) = net.links_between(P[0], P[1])
    victim = net.cores[P[1]]
    cfg = net.config
    sybils = []
    for i in range(cfg.max_members + 5):  # more than fit: the rest are refused as FULL
        key = Ed25519PrivateKey.generate()
        ident = MemberIdentity(f"puuid-00-s{i:03d}", 9000 + i, f"S{i}", "EUW")  # < victim
        state = MemberState(ident, public_key_bytes(key), 1, None, GamePhase.LOBBY)
        victim.receive(link, encode_message(sign_state(state, key)), net.now)
        sybils.append((ident.puuid, key))
    open_answers: set[tuple[str, int]] = set()
    offered = 0
    intro_id = 0
    for step in range(300):  # 30 s, 10 offers/s from rotating sybil origins
        net.now += 0.1
        origin, key = sybils[step % len(sybils)]
        intro_id += 1
        offer = sign_intro(IntroKind.OFFER, origin, P[1], intro_id, f"tok{intro_id}", key)
        victim.receive(link, encode_message(offer), net.now)
        victim.tick(net.now)
        victim.data_to_send()
        for event in victim.events_received():
            if isinstance(event, IntroOfferReceived):
                offered += 1
                # the shell answers every one (a link per answer)
                assert victim.send_intro_answer(event.origin, event.intro_id, "ans", net.now)
                open_answers.add((event.origin, event.intro_id))
            elif isinstance(event, IntroCancelled):
                open_answers.discard((event.origin, event.intro_id))
        assert len(open_answers) <= cfg.max_pending_intros
        origins = [o for o, _ in open_answers]
        assert len(origins) == len(set(origins))  # one per origin
    assert offered > cfg.max_pending_intros  # superseded offers were cancelled, not piled up
    victim.data_to_send()


def test_the_injection_records_skip_a_relayed_stranger_on_my_team() -> None:
    """End to end from the core to the hook's input: the stranger is on my team, not vouched."""
    from webrtc_party.rose.party_view import party_skins
    from webrtc_party.rose.records import TeamView

    net = Network(2, auto_intro=False)
    net.connect(P[0], P[1])
    net.run(3)
    net.cores[P[1]].set_selection(Selection(2, 2003), net.now)
    net.run(1)
    stranger_key = Ed25519PrivateKey.generate()
    stranger = MemberIdentity("solo-queue-stranger", 77, "Stranger", "EUW")
    state = MemberState(stranger, public_key_bytes(stranger_key), 1, Selection(1, 1005),
                        GamePhase.CHAMP_SELECT)
    forge(net, P[1], P[0], encode_message(sign_state(state, stranger_key)))
    team = TeamView.classic(P[0], 3, {stranger.puuid: 1, P[1]: 2})
    lobby = frozenset({P[1]})  # the client shows my friend in my lobby, not the stranger
    skins = party_skins(net.cores[P[0]].members(net.now), team, lobby)
    assert [s.puuid for s in skins] == [P[1]]
