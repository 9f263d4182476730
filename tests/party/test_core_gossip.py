"""Gossip and lifetime: states reach everyone, survive games, leave and rejoin."""

from __future__ import annotations

import pytest

from webrtc_party.party import (
    CloseReason,
    GamePhase,
    LinkIdentified,
    MemberChange,
    MemberChanged,
    PartyConfig,
    Reachability,
    Selection,
    Source,
)

from .network import Network, P, closes


def test_pair_shares_selection_and_reports_direct_with_rtt() -> None:
    net = Network(2)
    net.connect(P[0], P[1])
    net.run(1)
    net.cores[P[0]].set_selection(Selection(103, 103002, source=Source.HISTORIC), net.now)
    net.run(1)
    view = {v.member_id: v for v in net.cores[P[1]].members(net.now)}[P[0]]
    assert view.selection == Selection(103, 103002, source=Source.HISTORIC)
    assert view.status is Reachability.DIRECT and not view.stale
    assert view.rtt is not None and 0 < view.rtt < 1
    assert view.last_seen is not None and net.now - view.last_seen < 3


def test_chain_of_five_converges_over_relays_and_says_via_whom() -> None:
    net = Network(5, auto_intro=False)
    net.chain()
    net.run(8)
    for i, name in enumerate(net.names):
        net.cores[name].set_selection(Selection(i + 1, (i + 1) * 1000 + 3), net.now)
    net.run(2)
    assert net.converged()
    assert len(net.cores[P[0]].members(net.now)) == 5
    assert net.status(P[0], P[4]) == (Reachability.RELAYED, P[1])
    assert net.status(P[4], P[0]) == (Reachability.RELAYED, P[3])
    assert net.status(P[2], P[3]) == (Reachability.DIRECT, None)


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
    net.flush(P[3])
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
    assert net.status(P[0], P[3]) == (Reachability.DIRECT, None)
    assert any(isinstance(e, MemberChanged) and e.change is MemberChange.JOINED
               and e.member.member_id == P[3] for e in net.events[P[0]])


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


def test_full_sync_is_split_within_the_size_limit() -> None:
    cfg = PartyConfig(max_message_size=2_000)
    net = Network(6, config=cfg)
    net.chain()
    net.run(10)
    sizes: list[int] = []

    def tap(src: str, link_id: str, text: str) -> bool:
        if text.startswith('{"type":"sync"'):
            sizes.append(len(text.encode()))
        return True

    net.taps.append(tap)
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


def test_a_removed_member_comes_back_only_through_a_link_made_by_hand() -> None:
    net = Network(3)
    net.chain()
    net.run(10)
    net.cores[P[0]].remove(P[2], net.now)
    net.flush(P[0])
    net.run(10)
    net.connect(P[0], P[2], manual=False)  # as an introduction would: refused
    net.run(10)
    assert P[2] not in {v.member_id for v in net.cores[P[0]].members(net.now)}
    net.connect(P[0], P[2])  # the user pasted its token again: welcome back
    net.run(10)
    back = {v.member_id: v for v in net.cores[P[0]].members(net.now)}
    assert P[2] in back and back[P[2]].status is Reachability.DIRECT
    assert net.links_between(P[0], P[2])


def test_remove_forgets_a_member_locally_and_refuses_it() -> None:
    net = Network(3)
    net.chain()
    net.run(10)
    net.cores[P[0]].remove(P[2], net.now)
    net.flush(P[0])
    net.run(40)
    assert P[2] not in {v.member_id for v in net.cores[P[0]].members(net.now)}
    assert any(isinstance(e, MemberChanged) and e.change is MemberChange.LEFT
               and e.member.member_id == P[2] for e in net.events[P[0]])
    assert closes(net, P[0], CloseReason.REMOVED)
    assert not net.links_between(P[0], P[2])
    assert P[2] in {v.member_id for v in net.cores[P[1]].members(net.now)}
    assert P[0] in {v.member_id for v in net.cores[P[2]].members(net.now)}
