"""Swiftplay: two picks per member, carried in the signed party state and injected in one overlay.

Rose's Swiftplay path injects one skin per champion of ``swiftplay_skin_tracking`` (both of the
player's champions), so the party carries every pick of a member (``MemberState.extra``), the
wire format stays version 1 (``extra`` beside ``sel``; old peers ignore it, old states have
none) and a member cannot send more than ``MAX_SELECTIONS``.

The three-member test drives the party as Rose does (rose_like.py: Rose's handler, SharedState
and manager construction, League-client emulators in their Swiftplay scenario, real links on
loopback) and builds the overlay as Rose's Swiftplay handler does with ``--swiftplay``: its own
extracted mods, then ``hook.prepare_party_mods(injector)``, from a plain thread.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.party.network import Network, P, forge, make_identity, violations
from tests.rose.hook_kit import (
    RoseData,
    RoseInjectionManager,
    RoseShapedInjector,
    RoseState,
    in_rose_thread,
)
from tests.rose.manager_kit import FastManager, connected, link, peers, wait
from tests.rose.rose_kit import read_payload
from tests.rose.rose_like import EmulatorThread, RoseLikeRose, RoseLikeState, rose_party
from webrtc_party.party import (
    MAX_SELECTIONS,
    FieldError,
    GamePhase,
    MemberState,
    ProtocolError,
    Selection,
    Source,
)
from webrtc_party.party._fields import canonical_json
from webrtc_party.party.messages import decode_message, encode_message
from webrtc_party.party.model import state_from_json, state_to_json
from webrtc_party.party.signing import _signed_bytes, public_key_bytes, sign_state
from webrtc_party.rose import PartyInjectionHook
from webrtc_party.rose.planning import mod_folder_name
from webrtc_party.rose.rose_state import read_pick, read_picks, to_selections

# The emulator's Swiftplay lobby: member i has PICKS[i]'s champion and a filler champion.
AHRI, GAREN, JINX, LEE, LUX, THRESH = 103, 86, 222, 64, 99, 412
TRACKING = (
    {AHRI: 103001, GAREN: 86000},  # we (A) keep Garen's default skin
    {JINX: 222002, LEE: 64001},  # B: an unowned skin on each champion
    {LUX: 99991, THRESH: 412001},  # C: Elementalist Lux's Air form (Rose's fake id), Thresh
)


@pytest.fixture
def network_env(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    monkeypatch.setenv("WEBRTC_PARTY_STUN", "none")
    monkeypatch.setenv("WEBRTC_PARTY_INTERFACES", "127.0.0.1")

    def root(ca: Path) -> None:
        monkeypatch.setenv("WEBRTC_PARTY_LCU_CAFILE", str(ca))

    return root


@pytest.fixture
def three(
    tmp_path: Path, network_env: Callable[[Path], None]
) -> Iterator[tuple[list[EmulatorThread], list[RoseLikeRose]]]:
    with contextlib.ExitStack() as stack:
        yield rose_party(
            stack, tmp_path, 3, FastManager, network_env,
            scenario="swiftplay", rose_dir=lambda i: f"pc{i}/Rose",
        )  # fmt: skip


def test_three_members_in_swiftplay_one_overlay_holds_each_friends_two_skins(
    three: tuple[list[EmulatorThread], list[RoseLikeRose]], tmp_path: Path
) -> None:
    emus, (a, b, c) = three
    ids = [e.emu.world.me.summoner_id for e in emus]
    puuids = [e.emu.world.me.puuid for e in emus]
    # on our PC, before the party (the installed check is cached): the friends' four picks
    data = RoseData(tmp_path / "pc0")
    for champion, skin in ((JINX, 222002), (LEE, 64001), (THRESH, 412001)):
        data.add_skin(champion, skin)
    data.add_chroma(LUX, 99007, 99991)  # the form, laid out as a chroma
    own = data.add_skin(AHRI, 103001)
    for e in emus:
        e.run_until("slots")  # both champions chosen in every lobby slot
    for member, tracking in zip((a, b, c), TRACKING, strict=True):
        member.state.is_swiftplay_mode = True
        member.state.locked_champ_id = next(iter(tracking))  # Rose: the first champion
        member.state.swiftplay_skin_tracking = dict(tracking)
    link(a, b)
    link(c, a)
    wait(lambda: all(connected(r, 2) for r in (a, b, c)), 60)

    want = {
        (puuids[1], JINX): (222002, None),
        (puuids[1], LEE): (64001, None),
        (puuids[2], LUX): (99007, 99991),
        (puuids[2], THRESH): (412001, None),
    }

    def skins() -> dict[tuple[str, int], tuple[int, int | None]]:
        return {(s.puuid, s.champion_id): (s.skin_id, s.chroma_id)
                for s in a.manager.get_party_skins()}

    for e in emus:
        e.run_until("matchmaking")  # Rose's Swiftplay path extracts at matchmaking
    wait(lambda: skins() == want, 45)

    # Rose's Swiftplay overlay with the --swiftplay patch: ours first, then the party's
    state = RoseState(a.manager)
    rose = RoseInjectionManager(state, RoseShapedInjector(data))

    def swiftplay_overlay() -> list[str]:
        injector = rose.injector
        injector._clean_mods_dir()
        injector._clean_overlay_dir()
        extracted = [injector._extract_zip_to_mod(own).name]  # Garen's default: nothing
        hook = PartyInjectionHook(a.manager, state, rose)
        assert hook.is_enabled()
        extracted.extend(hook.prepare_party_mods(injector))
        injector._mk_run_overlay(extracted, timeout=60, stop_callback=None,
                                 injection_manager=rose)
        return extracted

    names = in_rose_thread(swiftplay_overlay, "SwiftplayHandler")
    assert rose.injector.overlays == [names]  # ONE overlay
    folders = {(p, ch): mod_folder_name(p, ch) for p, ch in want}
    assert names[0] == "103001" and sorted(names[1:]) == sorted(folders.values())
    mods = rose.injector.mods_dir
    assert read_payload(mods / folders[(puuids[1], JINX)]) == "payload of skin 222002"
    assert read_payload(mods / folders[(puuids[1], LEE)]) == "payload of skin 64001"
    assert read_payload(mods / folders[(puuids[2], LUX)]) == "payload of chroma 99991"
    assert read_payload(mods / folders[(puuids[2], THRESH)]) == "payload of skin 412001"

    # the state Rose broadcasts: Rose's skin_selection (the first pick) and the list beside it
    peer = peers(a)[ids[1]]
    assert peer["skin_selection"]["skin_id"] == 222002
    assert [(s["champion_id"], s["skin_id"]) for s in peer["skin_selections"]] == [
        (JINX, 222002), (LEE, 64001)
    ]
    def c_seen() -> dict[str, Any]:
        return next(m for m in a.manager.get_state_dict()["members"] if m["puuid"] == puuids[2])

    assert [(s["champion_id"], s["chroma_id"]) for s in c_seen()["selections"]] == [
        (LUX, 99991), (THRESH, None)
    ]
    # each pick's file is looked for in our skins folder (checked in a worker thread)
    wait(lambda: all(s["skin_installed"] for s in c_seen()["selections"]), 10)
    # our own two picks, as we announce them
    me = a.manager.get_state_dict()["me"]
    assert [s["skin_id"] for s in me["selections"]] == [103001, 86000]


# -- Rose's SharedState -> both picks ---------------------------------------------------------


def test_both_swiftplay_picks_are_read_as_rose_tracks_them() -> None:
    state = RoseLikeState(is_swiftplay_mode=True, locked_champ_id=LEE,
                          swiftplay_skin_tracking={JINX: 222002, LEE: 64001})
    picks = read_picks(state)
    assert [(p.champion_id, p.skin_id) for p in picks] == [(LEE, 64001), (JINX, 222002)]
    assert read_pick(state) == picks[0]  # the locked champion first, for old peers
    sels = to_selections(picks)
    assert sels == (Selection(LEE, 64001), Selection(JINX, 222002))
    # a form's fake id is that form of its base skin; an entry keyed by another champion
    # than its skin's is not a pick of that champion; Rose's own custom pick is not used
    state = RoseLikeState(is_swiftplay_mode=True, swiftplay_skin_tracking={
        LUX: 99991, GAREN: 103005, THRESH: 412000,
    })
    state.selected_custom_mod = {"skin_id": 103001, "mod_path": "/x.zip"}
    got = to_selections(read_picks(state))
    assert got == (Selection(LUX, 99007, 99991, None, Source.CHROMA), Selection(THRESH, 412000))
    # outside Swiftplay: the one pick Rose will inject
    assert len(read_picks(RoseLikeState(last_hovered_skin_id=222002, locked_champ_id=JINX))) == 1


# -- the signed member state ------------------------------------------------------------------


def two(seq: int = 5, extra: int = 1) -> MemberState:
    key = Ed25519PrivateKey.generate()
    more = tuple(Selection(c, c * 1000 + 1) for c in (LEE, LUX, THRESH, GAREN)[:extra])
    return MemberState(make_identity(0), public_key_bytes(key), seq, Selection(JINX, 222002),
                       GamePhase.LOBBY, more)


def test_the_wire_format_stays_version_1_and_an_old_state_is_still_accepted() -> None:
    state = two()
    body = state_to_json(state)
    assert body["sel"]["skin_id"] == 222002  # what an old peer reads: the first pick
    assert [s["champion_id"] for s in body["extra"]] == [LEE]
    assert state_from_json(json.loads(json.dumps(body))) == state
    # one pick: exactly the keys version-1 peers always sent
    single = MemberState(state.identity, state.key, 6, Selection(JINX, 222002), GamePhase.LOBBY)
    assert set(state_to_json(single)) == {"member", "key", "seq", "sel", "phase"}
    old = state_from_json(state_to_json(single))
    assert old.selections == (Selection(JINX, 222002),) and old.extra == ()

    # an old peer's state, signed by it, reaches a new core: accepted, one selection
    net = Network(2, auto_intro=False)
    net.chain()
    net.run(3)
    key = net.keys[P[0]]
    old_body = canonical_json({
        "member": {"puuid": P[0], "summoner_id": 1000, "riot_id": "Player 0#EUW"},
        "key": __import__("base64").b64encode(public_key_bytes(key)).decode(),
        "seq": 10**6,
        "sel": {"champion_id": JINX, "skin_id": 222002, "chroma_id": None,
                "source": "picked", "custom": None},
        "phase": "lobby",
    })
    text = _signed_state_text(key, old_body)
    forge(net, P[0], P[1], text)
    view = next(v for v in net.cores[P[1]].members(net.now) if v.member_id == P[0])
    assert view.seq == 10**6 and view.selections == (Selection(JINX, 222002),)
    assert violations(net, P[1], P[0]) == 0


def _signed_state_text(key: Ed25519PrivateKey, body: str) -> str:
    import base64

    sig = key.sign(_signed_bytes("state", body))
    obj = {"type": "state", "v": 1, "body": body, "sig": base64.b64encode(sig).decode()}
    return json.dumps(obj, separators=(",", ":"))


def test_a_member_sending_50_selections_is_refused_with_a_reason_and_counted() -> None:
    net = Network(2, auto_intro=False)
    net.chain()  # P0 (hostile) - P1
    net.run(3)
    key = net.keys[P[0]]
    genuine = MemberState(make_identity(0), public_key_bytes(key), 10**6, Selection(JINX, 222002),
                          GamePhase.LOBBY, (Selection(LEE, 64001),))
    forge(net, P[0], P[1], encode_message(sign_state(genuine, key)))
    before = next(v for v in net.cores[P[1]].members(net.now) if v.member_id == P[0])
    assert before.selections == (Selection(JINX, 222002), Selection(LEE, 64001))

    body = state_to_json(genuine)
    body["seq"] += 1
    body["extra"] = [
        {"champion_id": c, "skin_id": c * 1000 + 1, "chroma_id": None, "source": "picked",
         "custom": None}
        for c in range(1, 51)
    ]
    text = _signed_state_text(key, canonical_json(body))
    with pytest.raises(ProtocolError, match=r"at most 3 selections \(4 in all\), got 50"):
        decode_message(text)
    forge(net, P[0], P[1], text)  # must not raise
    after = next(v for v in net.cores[P[1]].members(net.now) if v.member_id == P[0])
    assert after.seq == before.seq and after.selections == before.selections
    assert violations(net, P[1], P[0]) == 1

    # two picks for one champion, or extra picks without a first: refused the same way
    body["extra"] = [body["extra"][0]] * 2
    with pytest.raises(ProtocolError, match="two selections for champion 1"):
        decode_message(_signed_state_text(key, canonical_json(body)))
    body["sel"], body["extra"] = None, body["extra"][:1]
    with pytest.raises(ProtocolError, match="extra selections need a first one"):
        decode_message(_signed_state_text(key, canonical_json(body)))
    forge(net, P[0], P[1], _signed_state_text(key, canonical_json(body)))
    assert violations(net, P[1], P[0]) == 2


def test_the_local_member_may_announce_up_to_the_cap() -> None:
    net = Network(2, auto_intro=False)
    net.chain()
    net.run(3)
    picks = [Selection(c, c * 1000 + 1) for c in (JINX, LEE, LUX, THRESH)]
    assert len(picks) == MAX_SELECTIONS
    net.cores[P[0]].set_selection(picks, net.now)
    net.run(1)
    view = next(v for v in net.cores[P[1]].members(net.now) if v.member_id == P[0])
    assert list(view.selections) == picks and view.selection == picks[0]
    with pytest.raises(FieldError, match="at most 4 selections"):
        net.cores[P[0]].set_selection([*picks, Selection(GAREN, 86001)], net.now)
    with pytest.raises(FieldError, match="two selections for champion 222"):
        net.cores[P[0]].set_selection([picks[0], Selection(JINX, 222005)], net.now)
    net.cores[P[0]].set_selection(None, net.now)
    net.run(1)
    view = next(v for v in net.cores[P[1]].members(net.now) if v.member_id == P[0])
    assert view.selections == () and view.selection is None


async def test_two_real_nodes_carry_both_picks() -> None:
    """``PartyNode.set_selection`` with several picks, over a real aiortc link on loopback."""
    from tests.helpers import until
    from tests.test_party_node import handshake, make

    a, b = make(0), make(1)

    def b_sees(want: tuple[Selection, ...]) -> bool:
        return any(v.member_id == a.identity.puuid and v.selections == want for v in b.members())

    async with a, b:
        await handshake(a, b)
        picks = (Selection(JINX, 222002), Selection(LEE, 64001))
        a.set_selection(picks)
        with pytest.raises(FieldError, match="at most 4 selections"):
            a.set_selection([Selection(c, c * 1000) for c in (1, 2, 3, 4, 5)])
        await until(lambda: b_sees(picks), 20)
        a.set_selection(Selection(JINX, 222005))  # back to one pick: extra is gone
        await until(lambda: b_sees((Selection(JINX, 222005),)), 20)
