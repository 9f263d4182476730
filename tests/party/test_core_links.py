"""Links, honest status and introductions."""

from __future__ import annotations

import pytest

from webrtc_party.party import (
    CloseLink,
    CloseReason,
    FieldError,
    IntroExpired,
    IntroNeeded,
    MemberChange,
    MemberChanged,
    PartyConfig,
    Reachability,
    Selection,
)

from .network import Network, P, closes


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
        assert statuses.pop(name) is Reachability.SELF
        assert set(statuses.values()) == {Reachability.DIRECT}


def test_unlinkable_pair_stays_relayed_through_a_member_who_reaches_both() -> None:
    net = Network(3)
    net.unlinkable.add(frozenset((P[0], P[2])))
    net.chain()
    net.run(40)
    assert net.status(P[0], P[2]) == (Reachability.RELAYED, P[1])
    assert net.status(P[2], P[0]) == (Reachability.RELAYED, P[1])
    net.cores[P[2]].set_selection(Selection(7, 7001), net.now)
    net.run(1)
    assert net.converged()


def test_unreachable_member_becomes_lost_and_stale() -> None:
    net = Network(3, auto_intro=False)
    net.chain()
    net.run(6)
    assert net.status(P[0], P[2]) == (Reachability.RELAYED, P[1])
    net.remove(P[1])
    net.run(net.config.alive_timeout + net.config.ping_interval + 0.5)
    views = {v.member_id: v for v in net.cores[P[0]].members(net.now)}
    assert views[P[1]].status is Reachability.LOST and views[P[1]].stale
    assert views[P[2]].status is Reachability.LOST and views[P[2]].stale
    net.run(net.config.dead_timeout)
    assert closes(net, P[0], CloseReason.HEARTBEAT_TIMEOUT)


def test_a_dead_direct_link_is_remade_through_an_introduction() -> None:
    net = Network(3)
    net.chain()
    net.run(10)
    (old,) = net.links_between(P[0], P[2])
    net.blocked.add(old)
    net.run(net.config.alive_timeout + net.config.ping_interval)
    assert net.status(P[0], P[2]) == (Reachability.RELAYED, P[1])
    net.run(net.config.dead_timeout + 5)
    new = net.links_between(P[0], P[2])
    assert new and old not in new
    assert net.status(P[0], P[2]) == (Reachability.DIRECT, None)


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


def test_connected_only_while_heartbeats_are_answered() -> None:
    net = Network(2)
    (link,) = [net.connect(P[0], P[1])]
    net.run(3)
    assert net.status(P[0], P[1]) == (Reachability.DIRECT, None)
    net.blocked.add(link)  # packets vanish, the channel is not reported closed
    net.run(net.config.alive_timeout - net.config.ping_interval)
    net.run(net.config.ping_interval + 0.2)
    view = {v.member_id: v for v in net.cores[P[0]].members(net.now)}[P[1]]
    assert view.status is Reachability.LOST and view.stale
    assert view.last_seen is not None and net.now - view.last_seen > net.config.alive_timeout
    (lv,) = net.cores[P[0]].links(net.now)
    assert not lv.alive
    statuses = [e.member.status for e in net.events[P[0]]
                if isinstance(e, MemberChanged) and e.change is MemberChange.STATUS]
    assert statuses[-2:] == [Reachability.DIRECT, Reachability.LOST]


def test_intro_api_refuses_bad_tokens_and_unknown_ids() -> None:
    net = Network(2)
    core = net.cores[P[0]]
    with pytest.raises(FieldError):
        core.send_intro_offer(1, "has space", net.now)
    with pytest.raises(FieldError):
        core.send_intro_offer(1, "x" * 5000, net.now)
    assert core.send_intro_offer(12345, "token", net.now) is False
    assert core.send_intro_answer(P[1], 1, "token", net.now) is False


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
    assert status is Reachability.RELAYED and via in (P[1], P[2])
    net.remove(via)
    net.run(net.config.alive_timeout + net.config.ping_interval)
    other = P[2] if via == P[1] else P[1]
    assert net.status(P[0], P[3]) == (Reachability.RELAYED, other)
    net.cores[P[3]].set_selection(Selection(5, 5005), net.now)
    net.run(1)
    assert net.views(P[0])[P[3]][1] == Selection(5, 5005)


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


def test_a_second_working_link_to_the_same_member_is_closed_by_one_side() -> None:
    net = Network(2)
    first = net.connect(P[0], P[1])
    net.run(3)
    second = net.connect(P[1], P[0])  # the users pasted another token anyway
    net.run(5)
    assert list(net.links) == [first]
    assert [e.link_id for e in closes(net, P[0], CloseReason.DUPLICATE)] == [second]
    assert not closes(net, P[1], CloseReason.DUPLICATE)
    assert net.status(P[1], P[0]) == (Reachability.DIRECT, None)
