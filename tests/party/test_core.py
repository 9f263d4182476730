"""The party core, driven synchronously through the simulated ``Network``."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from webrtc_party.party import (
    CloseLink,
    CloseReason,
    FieldError,
    GamePhase,
    IntroExpired,
    IntroNeeded,
    IntroOfferReceived,
    LinkIdentified,
    MemberChange,
    MemberChanged,
    MemberState,
    MemberStatus,
    PartyConfig,
    PartyCore,
    Selection,
    Source,
)
from webrtc_party.party.messages import StateMessage, encode_message
from webrtc_party.party.signing import public_key_bytes, sign_state

from .network import Network, make_identity

P = [make_identity(i).puuid for i in range(10)]


def _closes(net: Network, name: str, reason: CloseReason) -> list[CloseLink]:
    return [e for e in net.events[name] if isinstance(e, CloseLink) and e.reason is reason]


def test_pair_shares_selection_and_reports_direct_with_rtt() -> None:
    net = Network(2)
    net.connect(P[0], P[1])
    net.run(1)
    net.cores[P[0]].set_selection(Selection(103, 103002, source=Source.HISTORIC), net.now)
    net.run(1)
    view = {v.member_id: v for v in net.cores[P[1]].members(net.now)}[P[0]]
    assert view.selection == Selection(103, 103002, source=Source.HISTORIC)
    assert view.status is MemberStatus.DIRECT and not view.stale
    assert view.rtt is not None and 0 < view.rtt < 1
    assert view.last_seen is not None and net.now - view.last_seen < 3


def test_chain_of_five_becomes_a_full_mesh_from_four_handshakes() -> None:
    net = Network(5)
    net.chain()
    net.run(10)
    assert net.manual_links == 4
    assert len(net.direct_pairs()) == 10
    events = [e for evs in net.events.values() for e in evs]
    assert sum(isinstance(e, IntroNeeded) for e in events) == 6
    assert not [e for e in events if isinstance(e, IntroExpired)]
    for name in net.names:
        statuses = {v.member_id: v.status for v in net.cores[name].members(net.now)}
        assert statuses.pop(name) is MemberStatus.SELF
        assert set(statuses.values()) == {MemberStatus.DIRECT}


def test_chain_of_five_converges_over_relays_and_says_via_whom() -> None:
    net = Network(5, auto_intro=False)
    net.chain()
    net.run(8)
    for i, name in enumerate(net.names):
        net.cores[name].set_selection(Selection(i + 1, (i + 1) * 1000 + 3), net.now)
    net.run(2)
    assert net.converged()
    assert len(net.cores[P[0]].members(net.now)) == 5
    assert net.status(P[0], P[4]) == (MemberStatus.RELAYED, P[1])
    assert net.status(P[4], P[0]) == (MemberStatus.RELAYED, P[3])
    assert net.status(P[2], P[3]) == (MemberStatus.DIRECT, None)


def test_a_change_in_a_full_mesh_costs_one_message_per_other_member() -> None:
    net = Network(5)
    net.chain()
    net.run(12)
    assert len(net.direct_pairs()) == 10
    before = net.sent_states
    net.cores[P[2]].set_selection(Selection(99, 99001), net.now)
    net.run(0.5)
    assert net.converged()
    assert net.sent_states - before == 4  # no relays: everyone heard the origin itself


def test_unlinkable_pair_stays_relayed_through_a_member_who_reaches_both() -> None:
    net = Network(3)
    net.unlinkable.add(frozenset((P[0], P[2])))
    net.chain()
    net.run(40)
    assert net.status(P[0], P[2]) == (MemberStatus.RELAYED, P[1])
    assert net.status(P[2], P[0]) == (MemberStatus.RELAYED, P[1])
    net.cores[P[2]].set_selection(Selection(7, 7001), net.now)
    net.run(1)
    assert net.converged()


def _forge(net: Network, relay: str, to: str, text: str) -> None:
    link = net.links_between(relay, to)[0]
    net.cores[to].receive(link, text, net.now)
    net.cores[to].data_to_send()


def _violations(net: Network, name: str, peer: str) -> int:
    link = net.links_between(name, peer)[0]
    return next(lv.violations for lv in net.cores[name].links(net.now) if lv.link_id == link)


def test_a_relay_cannot_alter_forge_or_replay_a_state() -> None:
    net = Network(3, auto_intro=False)
    net.chain()
    net.run(3)
    net.cores[P[0]].set_selection(Selection(1, 1001), net.now)
    net.run(1)
    genuine = net.cores[P[1]]._store.states[P[0]]
    before = net.views(P[2])
    # 1. altered body (made newer so it would win), original signature
    body = json.loads(genuine.body)
    body["sel"]["skin_id"] = 1009
    body["seq"] += 1
    altered = StateMessage(genuine.state, json.dumps(body, sort_keys=True), genuine.sig)
    _forge(net, P[1], P[2], encode_message(altered))
    # 2. same identity, signed by another key, higher seq
    thief = Ed25519PrivateKey.generate()
    fake = MemberState(make_identity(0), public_key_bytes(thief), genuine.state.seq + 5,
                       Selection(1, 1009), GamePhase.LOBBY)
    _forge(net, P[1], P[2], encode_message(sign_state(fake, thief)))
    # 3. a newer state with a garbage signature
    body = json.loads(genuine.body)
    body["seq"] += 1
    unsigned = {"type": "state", "v": 1, "body": json.dumps(body), "sig": "A" * 86 + "=="}
    _forge(net, P[1], P[2], json.dumps(unsigned))
    assert net.views(P[2]) == before
    assert _violations(net, P[2], P[1]) == 3
    # an altered copy of a version already held is a duplicate: ignored, never used
    body = json.loads(genuine.body)
    body["sel"]["skin_id"] = 1009
    same_seq = {"type": "state", "v": 1, "body": json.dumps(body), "sig": "A" * 86 + "=="}
    _forge(net, P[1], P[2], json.dumps(same_seq))
    assert net.views(P[2]) == before
    # 4. a replay of an older genuine state is ignored, not counted
    net.cores[P[0]].set_selection(Selection(1, 1002), net.now)
    net.run(1)
    _forge(net, P[1], P[2], encode_message(genuine))
    assert net.views(P[2])[P[0]][1] == Selection(1, 1002)
    assert _violations(net, P[2], P[1]) == 3


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
    assert not _closes(net, P[1], CloseReason.ABUSE)
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
    assert _closes(net, P[2], CloseReason.PARTY_FULL)
    for name in P[:3]:
        assert {v.member_id for v in net.cores[name].members(net.now)} == set(P[:3])


def test_three_games_in_a_row_without_a_new_handshake() -> None:
    net = Network(5)
    net.chain()
    net.run(10)
    links_before = set(net.links)
    identified = sum(isinstance(e, LinkIdentified) for evs in net.events.values() for e in evs)
    phases = [GamePhase.LOBBY, GamePhase.CHAMP_SELECT, GamePhase.IN_GAME,
              GamePhase.END_OF_GAME, GamePhase.LOBBY]
    for game in range(3):
        for phase in phases:
            for i, name in enumerate(net.names):
                core = net.cores[name]
                core.set_phase(phase, net.now)
                if phase is GamePhase.CHAMP_SELECT:
                    core.set_selection(Selection(i + 1, (i + 1) * 1000 + game), net.now)
            net.run(30 if phase is GamePhase.IN_GAME else 5)
            assert net.converged()
            view = net.views(P[0])
            assert {v[2] for v in view.values()} == {phase}
        assert net.views(P[3])[P[1]][1] == Selection(2, 2000 + game)
    assert set(net.links) == links_before and net.manual_links == 4
    again = sum(isinstance(e, LinkIdentified) for evs in net.events.values() for e in evs)
    assert again == identified


def test_leave_says_goodbye_and_a_member_can_rejoin() -> None:
    net = Network(4)
    net.chain()
    net.run(10)
    net.cores[P[3]].leave(net.now)
    net._flush(P[3])
    net.run(1)
    for name in P[:3]:
        assert P[3] not in {v.member_id for v in net.cores[name].members(net.now)}
        assert any(isinstance(e, MemberChanged) and e.change is MemberChange.LEFT
                   and e.member.member_id == P[3] for e in net.events[name])
    assert net.cores[P[3]].closed
    assert not [lid for lid, ends in net.links.items() if P[3] in ends]  # closed: PEER_LEFT
    net.remove(P[3])
    assert net.converged()
    # a new run of the same member (same key, later incarnation) joins through member 1
    net.add(P[3], index=3, incarnation=10_000)
    net.connect(P[1], P[3])
    net.run(15)
    assert net.converged()
    assert net.status(P[0], P[3]) == (MemberStatus.DIRECT, None)
    assert any(isinstance(e, MemberChanged) and e.change is MemberChange.JOINED
               and e.member.member_id == P[3] for e in net.events[P[0]])


def test_unreachable_member_becomes_lost_and_stale() -> None:
    net = Network(3, auto_intro=False)
    net.chain()
    net.run(6)
    assert net.status(P[0], P[2]) == (MemberStatus.RELAYED, P[1])
    net.remove(P[1])
    net.run(net.config.alive_timeout + net.config.ping_interval + 0.5)
    views = {v.member_id: v for v in net.cores[P[0]].members(net.now)}
    assert views[P[1]].status is MemberStatus.LOST and views[P[1]].stale
    assert views[P[2]].status is MemberStatus.LOST and views[P[2]].stale
    net.run(net.config.dead_timeout)
    assert _closes(net, P[0], CloseReason.HEARTBEAT_TIMEOUT)


def test_a_dead_direct_link_is_remade_through_an_introduction() -> None:
    net = Network(3)
    net.chain()
    net.run(10)
    (old,) = net.links_between(P[0], P[2])
    net.blocked.add(old)
    net.run(net.config.alive_timeout + net.config.ping_interval)
    assert net.status(P[0], P[2]) == (MemberStatus.RELAYED, P[1])
    net.run(net.config.dead_timeout + 5)
    new = net.links_between(P[0], P[2])
    assert new and old not in new
    assert net.status(P[0], P[2]) == (MemberStatus.DIRECT, None)


def test_pending_introductions_are_capped_and_back_off() -> None:
    cfg = PartyConfig(max_pending_intros=2, intro_timeout=10, intro_backoff=20)
    net = Network(5, auto_intro=False, config=cfg)
    net.star(P[4])
    net.run(6)
    needed = [e.target for e in net.events[P[0]] if isinstance(e, IntroNeeded)]
    assert needed == [P[1], P[2]]  # P[3] waits: two pending is the cap
    net.run(12)
    needed = [e.target for e in net.events[P[0]] if isinstance(e, IntroNeeded)]
    expired = [e.target for e in net.events[P[0]] if isinstance(e, IntroExpired)]
    assert needed == [P[1], P[2], P[3]] and expired == [P[1], P[2]]
    net.run(20)
    needed = [e.target for e in net.events[P[0]] if isinstance(e, IntroNeeded)]
    assert needed == [P[1], P[2], P[3], P[1], P[2]]  # retried after the 20 s backoff
    pending = 0
    for event in net.events[P[0]]:
        pending += isinstance(event, IntroNeeded) - isinstance(event, IntroExpired)
        assert pending <= 2


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
    hello = json.loads(fake._hello_text)
    hello["v"] = 2
    target.receive("old", json.dumps(hello), net.now)
    assert [e.reason for e in target.events_received() if isinstance(e, CloseLink)] == [
        CloseReason.VERSION
    ]


def test_carousel_scrolling_is_coalesced_and_the_latest_wins() -> None:
    net = Network(2)
    net.connect(P[0], P[1])
    net.run(3)
    core = net.cores[P[0]]
    seq_before = core.members(net.now)[0].seq
    for i in range(60):  # 3 s at 20 changes/s
        core.set_selection(Selection(1, 1000 + i % 30), net.now)
        net.step(0.05)
    net.run(1)
    sent = core.members(net.now)[0].seq - seq_before
    assert sent <= 3 / net.config.settle + 2
    assert net.views(P[1])[P[0]][1] == Selection(1, 1000 + 59 % 30)


def test_an_introduced_link_must_lead_to_the_expected_member() -> None:
    net = Network(3)
    net.chain()
    net.run(10)
    core = net.cores[P[0]]
    stranger = net.cores[P[2]]
    core.link_up("intro-7", net.now, expect=P[1])
    stranger.link_up("intro-7", net.now)
    for _, text in stranger.data_to_send():
        core.receive("intro-7", text, net.now)
    assert [e.reason for e in core.events_received() if isinstance(e, CloseLink)] == [
        CloseReason.IMPERSONATION
    ]


def test_remove_forgets_a_member_locally_and_refuses_it() -> None:
    net = Network(3)
    net.chain()
    net.run(10)
    net.cores[P[0]].remove(P[2], net.now)
    net._flush(P[0])
    net.run(40)
    assert P[2] not in {v.member_id for v in net.cores[P[0]].members(net.now)}
    assert any(isinstance(e, MemberChanged) and e.change is MemberChange.LEFT
               and e.member.member_id == P[2] for e in net.events[P[0]])
    assert _closes(net, P[0], CloseReason.REMOVED)
    assert not net.links_between(P[0], P[2])
    assert P[2] in {v.member_id for v in net.cores[P[1]].members(net.now)}
    assert P[0] in {v.member_id for v in net.cores[P[2]].members(net.now)}


def test_connected_only_while_heartbeats_are_answered() -> None:
    net = Network(2)
    (link,) = [net.connect(P[0], P[1])]
    net.run(3)
    assert net.status(P[0], P[1]) == (MemberStatus.DIRECT, None)
    net.blocked.add(link)  # packets vanish, the channel is not reported closed
    net.run(net.config.alive_timeout - net.config.ping_interval)
    net.run(net.config.ping_interval + 0.2)
    view = {v.member_id: v for v in net.cores[P[0]].members(net.now)}[P[1]]
    assert view.status is MemberStatus.LOST and view.stale
    assert view.last_seen is not None and net.now - view.last_seen > net.config.alive_timeout
    (lv,) = net.cores[P[0]].links(net.now)
    assert not lv.alive
    statuses = [e.member.status for e in net.events[P[0]]
                if isinstance(e, MemberChanged) and e.change is MemberChange.STATUS]
    assert statuses[-2:] == [MemberStatus.DIRECT, MemberStatus.LOST]


def test_a_relay_cannot_alter_an_introduction_token() -> None:
    net = Network(3, auto_intro=False)
    net.chain()
    net.run(6)
    (need,) = [e for e in net.events[P[0]] if isinstance(e, IntroNeeded)]
    assert need.target == P[2]
    sent_before = len(net.events[P[2]])
    captured: list[str] = []
    original = net._transmit

    def tap(src: str, link_id: str, text: str) -> None:
        if src == P[1] and '"intro-offer"' in text:
            captured.append(text)
            return  # the relay swallows it
        original(src, link_id, text)

    net._transmit = tap  # type: ignore[method-assign]
    assert net.cores[P[0]].send_intro_offer(need.intro_id, "genuine-token", net.now)
    net._flush(P[0])
    net.run(0.5)
    (text,) = captured
    forged = text.replace("genuine-token", "attacker-token")
    _forge(net, P[1], P[2], forged)
    assert not [e for e in net.events[P[2]][sent_before:] if isinstance(e, IntroOfferReceived)]
    assert _violations(net, P[2], P[1]) == 1
    _forge(net, P[1], P[2], text)
    offers = [e for e in net.cores[P[2]].events_received() if isinstance(e, IntroOfferReceived)]
    assert [(e.origin, e.token) for e in offers] == [(P[0], "genuine-token")]


def test_intro_api_refuses_bad_tokens_and_unknown_ids() -> None:
    net = Network(2)
    core = net.cores[P[0]]
    with pytest.raises(FieldError):
        core.send_intro_offer(1, "has space", net.now)
    with pytest.raises(FieldError):
        core.send_intro_offer(1, "x" * 5000, net.now)
    assert core.send_intro_offer(12345, "token", net.now) is False
    assert core.send_intro_answer(P[1], 1, "token", net.now) is False


def test_full_sync_is_split_within_the_size_limit() -> None:
    cfg = PartyConfig(max_message_size=2_000)
    net = Network(6, config=cfg)
    net.chain()
    net.run(10)
    sizes: list[int] = []
    original = net._transmit

    def tap(src: str, link_id: str, text: str) -> None:
        if text.startswith('{"type":"sync"'):
            sizes.append(len(text.encode()))
        original(src, link_id, text)

    net._transmit = tap  # type: ignore[method-assign]
    net.run(cfg.sync_interval + 1)
    assert sizes and max(sizes) <= cfg.max_message_size
    assert net.converged()


def test_next_tick_follows_the_coalescer() -> None:
    net = Network(2)
    core = net.cores[P[0]]
    core.set_selection(Selection(1, 1001), 0.0)
    core.set_selection(Selection(1, 1002), 0.05)
    assert core.next_tick(0.05) == pytest.approx(net.config.settle)
    assert core.next_tick(1.0) == pytest.approx(1.0)
    core.tick(0.3)
    assert core.next_tick(0.3) == pytest.approx(0.3 + net.config.ping_interval / 2)


def test_ten_members_form_a_full_mesh_from_nine_handshakes() -> None:
    net = Network(10)
    for i in range(1, 10):  # each joiner pastes a token with a random earlier member
        net.connect(P[(i * 7) % i], P[i])
        net.run(1)
    net.run(40)
    assert net.manual_links == 9
    assert len(net.direct_pairs()) == 45
    assert net.converged()


def test_the_relay_path_moves_when_a_relay_dies() -> None:
    net = Network(4, auto_intro=False)
    for a, b in [(0, 1), (0, 2), (1, 3), (2, 3)]:
        net.connect(P[a], P[b])
    net.run(6)
    status, via = net.status(P[0], P[3])
    assert status is MemberStatus.RELAYED and via in (P[1], P[2])
    net.remove(via)
    net.run(net.config.alive_timeout + net.config.ping_interval)
    other = P[2] if via == P[1] else P[1]
    assert net.status(P[0], P[3]) == (MemberStatus.RELAYED, other)
    net.cores[P[3]].set_selection(Selection(5, 5005), net.now)
    net.run(1)
    assert net.views(P[0])[P[3]][1] == Selection(5, 5005)


def test_a_replayed_state_cannot_bring_back_a_member_that_left() -> None:
    net = Network(3, auto_intro=False)
    net.chain()
    net.run(4)
    old = net.cores[P[1]]._store.texts[P[2]]
    net.cores[P[2]].leave(net.now)
    net._flush(P[2])
    net.run(1)
    assert P[2] not in net.views(P[0])
    _forge(net, P[1], P[0], old)
    assert P[2] not in net.views(P[0])


def test_a_restarted_member_with_an_old_incarnation_jumps_past_its_old_seq() -> None:
    net = Network(2)
    net.connect(P[0], P[1])
    net.run(2)
    for champion in (1, 2, 3):
        net.cores[P[1]].set_selection(Selection(champion, champion * 1000), net.now)
        net.run(1)
    old_seq = net.views(P[0])[P[1]][0]
    for lid in list(net.links):
        net.disconnect(lid)
    net.add(P[1], index=1, incarnation=0)  # the clock went backwards: same incarnation
    net.connect(P[0], P[1])
    net.run(2)
    net.cores[P[1]].set_selection(Selection(9, 9000), net.now)
    net.run(1)
    seq, sel, _ = net.views(P[0])[P[1]]
    assert seq > old_seq and sel == Selection(9, 9000)
    assert net.converged()


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
        net._flush(P[1])
        net.step(0.05)
    cfg = net.config
    assert _closes(net, P[1], CloseReason.ABUSE)
    assert _violations(net, P[2], P[1]) == 0
    updates = [e for e in net.events[P[2]] if isinstance(e, MemberChanged)
               and e.change is MemberChange.UPDATED and e.member.member_id == P[0]]
    assert 0 < len(updates) <= cfg.origin_burst + cfg.origin_rate * 2
