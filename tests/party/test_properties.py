"""Convergence of the gossip over random connected graphs with loss, duplication, reordering."""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from webrtc_party.party import CloseLink, Reachability, Selection, encode_message

from .network import Network, make_identity
from .strategies import messages

P0, P1 = make_identity(0).puuid, make_identity(1).puuid
KEYS = ["type", "v", "id", "beats", "body", "sig", "records", "hops", "member", "key", "dg",
        "caps", "app"]


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, list[tuple[int, int]]]:
    """A random connected graph: a random spanning tree plus a few extra edges."""
    n = draw(st.integers(2, 6))
    edges = {(draw(st.integers(0, i - 1)), i) for i in range(1, n)}
    for _ in range(draw(st.integers(0, 3))):
        a, b = sorted(draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True)))
        edges.add((a, b))
    return n, sorted(edges)


@settings(max_examples=30, deadline=None)
@example(  # four full syncs in a row were lost here before pings carried a digest
    graph=(6, [(0, 1), (0, 2), (0, 3), (0, 4), (2, 5)]),
    loss=0.25, dup=0.0, jitter=0.5, seed=0, changes=[],
)
@given(
    graph=graphs(),
    loss=st.floats(0, 0.3),
    dup=st.floats(0, 0.3),
    jitter=st.floats(0, 0.5),
    seed=st.integers(0, 2**32 - 1),
    changes=st.lists(st.tuples(st.integers(0, 5), st.integers(1, 200)), max_size=12),
)
def test_states_converge_on_any_connected_graph(
    graph: tuple[int, list[tuple[int, int]]],
    loss: float,
    dup: float,
    jitter: float,
    seed: int,
    changes: list[tuple[int, int]],
) -> None:
    n, edges = graph
    net = Network(n, seed=seed, loss=loss, dup=dup, jitter=jitter, auto_intro=False)
    names = net.names
    for a, b in edges:
        net.connect(names[a], names[b])
    for who, champion in changes:
        name = names[who % n]
        net.cores[name].set_selection(Selection(champion, champion * 1000 + 1), net.now)
        net.step(0.1)
    # anti-entropy (full sync every sync_interval) repairs every loss
    net.run(4 * net.config.sync_interval, dt=0.1)
    assert net.converged()
    last: dict[str, Selection] = {}
    for who, champion in changes:
        last[names[who % n]] = Selection(champion, champion * 1000 + 1)
    view = net.views(names[0])
    assert set(view) == set(names)
    for name, sel in last.items():
        assert view[name][1] == sel


@settings(max_examples=15, deadline=None)
@given(graph=graphs(), seed=st.integers(0, 2**32 - 1))
def test_without_loss_every_member_is_reached_and_status_is_honest(
    graph: tuple[int, list[tuple[int, int]]], seed: int
) -> None:
    n, edges = graph
    net = Network(n, seed=seed, jitter=0.05, auto_intro=False)
    names = net.names
    for a, b in edges:
        net.connect(names[a], names[b])
    net.run(12, dt=0.1)
    neighbours = {(names[a], names[b]) for a, b in edges} | {(names[b], names[a]) for a, b in edges}
    for me in names:
        for view in net.cores[me].members(net.now):
            if view.member_id == me:
                continue
            if (me, view.member_id) in neighbours:
                assert view.status is Reachability.DIRECT
            else:
                assert view.status is Reachability.RELAYED
                assert (me, view.via) in neighbours


@settings(max_examples=100, deadline=None)
@given(
    inputs=st.lists(
        st.one_of(
            st.text(max_size=200),
            messages.map(encode_message),
            st.recursive(
                st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                lambda inner: st.lists(inner, max_size=4)
                | st.dictionaries(st.sampled_from(KEYS), inner, max_size=6),
                max_leaves=12,
            ).map(json.dumps),
        ),
        max_size=30,
    )
)
def test_receive_never_raises_whatever_a_peer_sends(inputs: list[str]) -> None:
    net = Network(2)
    link = net.connect(P0, P1)
    core = net.cores[P1]
    for i, text in enumerate(inputs):
        core.receive(link, text, net.now + i * 0.01)
        core.tick(net.now + i * 0.01)
    assert all(isinstance(t, str) for _, t in core.data_to_send())
    closes = [e for e in core.events_received() if isinstance(e, CloseLink)]
    assert len(closes) <= 1
    members = core.members(net.now)
    assert members[0].member_id == P1 and members[0].is_local
    assert len(members) <= net.config.max_members


@settings(max_examples=15, deadline=None)
@example(  # two inviters used the same intro id for one invitee: its answers collided
    graph=(4, [(0, 1), (0, 2), (0, 3)]), seed=0, blocked=set()
)
@given(
    graph=graphs(),
    seed=st.integers(0, 2**32 - 1),
    blocked=st.sets(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=3),
)
def test_introductions_make_a_mesh_of_every_pair_that_can_link(
    graph: tuple[int, list[tuple[int, int]]], seed: int, blocked: set[tuple[int, int]]
) -> None:
    n, edges = graph
    net = Network(n, seed=seed, jitter=0.05)
    names = net.names
    edge_pairs = {frozenset((names[a], names[b])) for a, b in edges}
    for a, b in blocked:
        pair = frozenset((names[a % n], names[b % n]))
        if len(pair) == 2 and pair not in edge_pairs:
            net.unlinkable.add(pair)
    for a, b in edges:
        net.connect(names[a], names[b])
    net.run(30, dt=0.1)
    assert net.manual_links == len(edges)
    for me in names:
        for other in names:
            if me == other:
                continue
            status, via = net.status(me, other)
            if frozenset((me, other)) in net.unlinkable:
                assert status is Reachability.RELAYED and via is not None
            else:
                assert status is Reachability.DIRECT
