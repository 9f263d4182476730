"""Forgery, replay, impersonation, flooding and limits: dropped, counted, never a crash."""

from __future__ import annotations

import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from webrtc_party.party import (
    CloseLink,
    CloseReason,
    GamePhase,
    IntroNeeded,
    IntroOfferReceived,
    MemberChange,
    MemberChanged,
    MemberState,
    PartyConfig,
    PartyCore,
    Selection,
)
from webrtc_party.party.messages import StateMessage, encode_message
from webrtc_party.party.signing import public_key_bytes, sign_state

from .network import Network, P, closes, forge, make_identity, violations


def test_a_relay_cannot_alter_forge_or_replay_a_state() -> None:
    net = Network(3, auto_intro=False)
    net.chain()
    net.run(3)
    net.cores[P[0]].set_selection(Selection(1, 1001), net.now)
    net.run(1)
    genuine = net.cores[P[1]].records.states[P[0]]
    before = net.views(P[2])
    # 1. altered body (made newer so it would win), original signature
    body = json.loads(genuine.body)
    body["sel"]["skin_id"] = 1009
    body["seq"] += 1
    altered = StateMessage(genuine.state, json.dumps(body, sort_keys=True), genuine.sig)
    forge(net, P[1], P[2], encode_message(altered))
    # 2. same identity, signed by another key, higher seq
    thief = Ed25519PrivateKey.generate()
    fake = MemberState(make_identity(0), public_key_bytes(thief), genuine.state.seq + 5,
                       Selection(1, 1009), GamePhase.LOBBY)
    forge(net, P[1], P[2], encode_message(sign_state(fake, thief)))
    # 3. a newer state with a garbage signature
    body = json.loads(genuine.body)
    body["seq"] += 1
    unsigned = {"type": "state", "v": 1, "body": json.dumps(body), "sig": "A" * 86 + "=="}
    forge(net, P[1], P[2], json.dumps(unsigned))
    assert net.views(P[2]) == before
    assert violations(net, P[2], P[1]) == 3
    # an altered copy of a version already held is a duplicate: ignored, never used
    body = json.loads(genuine.body)
    body["sel"]["skin_id"] = 1009
    same_seq = {"type": "state", "v": 1, "body": json.dumps(body), "sig": "A" * 86 + "=="}
    forge(net, P[1], P[2], json.dumps(same_seq))
    assert net.views(P[2]) == before
    # 4. a replay of an older genuine state is ignored, not counted
    net.cores[P[0]].set_selection(Selection(1, 1002), net.now)
    net.run(1)
    forge(net, P[1], P[2], encode_message(genuine))
    assert net.views(P[2])[P[0]][1] == Selection(1, 1002)
    assert violations(net, P[2], P[1]) == 3


def test_a_link_that_keeps_forging_is_closed_and_the_node_survives() -> None:
    net = Network(2)
    net.connect(P[0], P[1])
    net.run(2)
    link = net.links_between(P[0], P[1])[0]
    core = net.cores[P[1]]
    for junk in ["", "null", "[]", '{"type":1}', '{"type":"state","v":1}', "\ud800", "{" * 5000]:
        core.receive(link, junk, net.now)
    for _ in range(5):
        core.receive(link, '{"type":"pong","v":1,"id":-1}', net.now)
    assert [e.reason for e in core.events_received() if isinstance(e, CloseLink)] == [
        CloseReason.ABUSE
    ]
    core.receive(link, "more junk after close", net.now)
    assert core.events_received() == []


def test_rate_limit_per_link() -> None:
    net = Network(2, config=PartyConfig(rate=10, burst=20, max_violations=5))
    net.connect(P[0], P[1])
    net.run(2)
    link = net.links_between(P[0], P[1])[0]
    core = net.cores[P[1]]
    core.data_to_send()
    for i in range(20):
        core.receive(link, f'{{"type":"ping","v":1,"id":{i},"beats":[]}}', net.now)
    assert len(core.data_to_send()) == 20
    assert not [e for e in core.events_received() if isinstance(e, CloseLink)]
    for i in range(5):
        core.receive(link, f'{{"type":"ping","v":1,"id":{i},"beats":[]}}', net.now)
    assert core.data_to_send() == []
    assert [e.reason for e in core.events_received() if isinstance(e, CloseLink)] == [
        CloseReason.ABUSE
    ]


def test_violations_are_forgiven_slowly_and_big_messages_cost_more() -> None:
    net = Network(2, config=PartyConfig(max_violations=5, violation_decay=10))
    link = net.connect(P[0], P[1])
    net.run(1)
    core = net.cores[P[1]]
    for _ in range(4):
        core.receive(link, "junk", net.now)
    net.run(20)  # two violations forgiven
    for _ in range(2):
        core.receive(link, "junk", net.now)
    assert not closes(net, P[1], CloseReason.ABUSE)
    assert not [e for e in core.events_received() if isinstance(e, CloseLink)]
    core.receive(link, "junk", net.now)
    assert [e.reason for e in core.events_received() if isinstance(e, CloseLink)] == [
        CloseReason.ABUSE
    ]
    small = Network(2, config=PartyConfig(rate=1, burst=10))
    link = small.connect(P[0], P[1])
    core = small.cores[P[1]]
    pad = '{"type":"pong","v":1,"id":1,"pad":"' + "x" * 13_000 + '"}'
    for _ in range(2):
        core.receive(link, pad, 0.0)  # 4 tokens each
    (lv,) = core.links(0.0)
    assert lv.violations == 0
    core.receive(link, pad, 0.0)
    (lv,) = core.links(0.0)
    assert lv.violations == 1


def test_member_limit() -> None:
    net = Network(4, config=PartyConfig(max_members=3))
    net.connect(P[0], P[1])
    net.connect(P[1], P[2])
    net.run(5)
    net.connect(P[2], P[3])
    net.run(15)
    assert closes(net, P[2], CloseReason.PARTY_FULL)
    for name in P[:3]:
        assert {v.member_id for v in net.cores[name].members(net.now)} == set(P[:3])


def test_impersonation_self_link_and_version_are_refused() -> None:
    net = Network(3)
    net.chain()
    net.run(10)
    thief = Ed25519PrivateKey.generate()
    fake = PartyCore(make_identity(1), thief, now=net.now)
    lid = "evil"
    target = net.cores[P[0]]
    target.link_up(lid, net.now)
    fake.link_up(lid, net.now)
    for _, text in fake.data_to_send():
        target.receive(lid, text, net.now)
    assert [e.reason for e in target.events_received() if isinstance(e, CloseLink)] == [
        CloseReason.IMPERSONATION
    ]
    me = PartyCore(make_identity(0), net.keys[P[0]], now=net.now)
    target.link_up("loop", net.now)
    me.link_up("loop", net.now)
    for _, text in me.data_to_send():
        target.receive("loop", text, net.now)
    assert [e.reason for e in target.events_received() if isinstance(e, CloseLink)] == [
        CloseReason.SELF_LINK
    ]
    target.link_up("old", net.now)
    hello = json.loads(fake.hello_text)
    hello["v"] = 2
    target.receive("old", json.dumps(hello), net.now)
    assert [e.reason for e in target.events_received() if isinstance(e, CloseLink)] == [
        CloseReason.VERSION
    ]


def test_a_relay_cannot_alter_an_introduction_token() -> None:
    net = Network(3, auto_intro=False)
    net.chain()
    net.run(6)
    (need,) = [e for e in net.events[P[0]] if isinstance(e, IntroNeeded)]
    assert need.target == P[2]
    sent_before = len(net.events[P[2]])
    captured: list[str] = []

    def tap(src: str, link_id: str, text: str) -> bool:
        if src == P[1] and '"intro-offer"' in text:
            captured.append(text)
            return False  # the relay swallows it
        return True

    net.taps.append(tap)
    assert net.cores[P[0]].send_intro_offer(need.intro_id, "genuine-token", net.now)
    net.flush(P[0])
    net.run(0.5)
    (text,) = captured
    forged = text.replace("genuine-token", "attacker-token")
    forge(net, P[1], P[2], forged)
    assert not [e for e in net.events[P[2]][sent_before:] if isinstance(e, IntroOfferReceived)]
    assert violations(net, P[2], P[1]) == 1
    forge(net, P[1], P[2], text)
    offers = [e for e in net.cores[P[2]].events_received() if isinstance(e, IntroOfferReceived)]
    assert [(e.origin, e.token) for e in offers] == [(P[0], "genuine-token")]


def test_a_replayed_state_cannot_bring_back_a_member_that_left() -> None:
    net = Network(3, auto_intro=False)
    net.chain()
    net.run(4)
    old = net.cores[P[1]].records.texts[P[2]]
    net.cores[P[2]].leave(net.now)
    net.flush(P[2])
    net.run(1)
    assert P[2] not in net.views(P[0])
    forge(net, P[1], P[0], old)
    assert P[2] not in net.views(P[0])


def test_a_member_flooding_its_own_states_is_cut_off_without_hurting_relays() -> None:
    net = Network(3, auto_intro=False)
    net.chain()  # P0 - P1 - P2; P0 turns hostile
    net.run(4)
    key = net.keys[P[0]]
    base = net.views(P[1])[P[0]][0]
    (hostile,) = net.links_between(P[0], P[1])
    core = net.cores[P[1]]
    sent = 0
    for _ in range(40):  # 2 s at 200 states/s
        for _burst in range(10):
            sent += 1
            state = MemberState(make_identity(0), public_key_bytes(key), base + sent,
                                Selection(1, 1000 + sent % 999), GamePhase.LOBBY)
            core.receive(hostile, encode_message(sign_state(state, key)), net.now)
        net.flush(P[1])
        net.step(0.05)
    cfg = net.config
    assert closes(net, P[1], CloseReason.ABUSE)
    assert violations(net, P[2], P[1]) == 0
    updates = [e for e in net.events[P[2]] if isinstance(e, MemberChanged)
               and e.change is MemberChange.UPDATED and e.member.member_id == P[0]]
    assert 0 < len(updates) <= cfg.origin_burst + cfg.origin_rate * 2
