"""Contract: the party driven exactly as Rose's handler and broadcaster drive it (rose_like.py).

Three Roses, each with a League-client emulator, Rose's lcu/SharedState/handler/broadcaster
as re-created in ``rose_like``, and real aiortc links on loopback. Our pick comes from Rose's
SharedState (unowned hovered skin, form, custom mod), never from the client, which shows the
forced base skin.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.rose.manager_kit import (  # FastManager: tests/ui imports it from here too
    AHRI,
    JINX,
    LUX,
    FastManager,
    NoClientManager,
    connected,
    link,
    peers,
    wait,
)
from tests.rose.rose_kit import make_zip, mod_payload
from tests.rose.rose_like import EmulatorThread, RoseLikeRose, rose_party
from webrtc_party.rose.modindex import content_hash


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
        yield rose_party(stack, tmp_path, 3, FastManager, network_env)


def test_three_roses_both_directions_three_games_and_a_friend_leaving(
    three: tuple[list[EmulatorThread], list[RoseLikeRose]],
) -> None:
    emus, (a, b, c) = three
    ids = [e.emu.world.me.summoner_id for e in emus]
    puuids = [e.emu.world.me.puuid for e in emus]

    link(a, b)  # A invites B
    wait(lambda: connected(a, 1) and connected(b, 1))
    link(c, a)  # C invites A: the other direction
    wait(lambda: all(connected(r, 2) for r in (a, b, c)), 60)  # B and C meet through A
    assert a.handler.errors == [] and b.handler.errors == [] and c.handler.errors == []

    # broadcasts went through Rose's hop: get_state_dict() in our thread, sent on Rose's loop
    assert a.broadcaster.party_broadcasts > 0 and a.broadcaster.caller_threads == {"webrtc-party"}
    last = a.server.wait_for(lambda m: m["type"] == "party-state" and len(m["peers"]) == 2)
    assert {p["summoner_id"] for p in last["peers"]} == {ids[1], ids[2]}
    assert last["my_summoner_id"] == ids[0] and "type" not in a.manager.get_state_dict()

    # what Rose will inject: A a custom mod, B an unowned hovered skin, C a Lux form
    mod = make_zip(
        a.injection_manager.zips_dir.parent / "mods" / "skins" / "103001" / "arcane.zip",
        mod_payload("arcane"),
    )
    a.state.locked_champ_id = AHRI
    a.state.selected_custom_mod = {
        "skin_id": 103001,
        "champion_id": AHRI,
        "mod_name": "Arcane Ahri",
        "mod_path": str(mod),
        "relative_path": "skins/103001/arcane.zip",
    }
    b.state.locked_champ_id, b.state.last_hovered_skin_id = JINX, 222005
    b.state.selected_skin_id = 222000  # the base skin Rose forced in the client
    c.state.locked_champ_id, c.state.last_hovered_skin_id = LUX, 99991
    c.state.selected_chroma_id = 99991
    digest = content_hash(mod)
    want_a = (AHRI, 103001, None, digest)
    want_b = (JINX, 222005, None, None)
    want_c = (LUX, 99007, 99991, None)

    for game in range(3):
        if game:
            for e in emus:
                e.rewind("champ-select")
        for e in emus:
            e.run_until("lock-9")  # every champion locked; the clients show base skins

        def skins_of(rose: RoseLikeRose) -> dict[str, tuple[int, int, int | None, str | None]]:
            return {
                s.puuid: (
                    s.champion_id,
                    s.skin_id,
                    s.chroma_id,
                    None if s.custom_mod is None else s.custom_mod.content_hash,
                )
                for s in rose.manager.get_party_skins()  # from this plain thread, like Rose's
            }

        def shown() -> Any:  # what B's League client shows (a peek at B's service)
            return b.manager.service.league.my_selection

        wait(lambda: shown() is not None)
        assert shown().skin_id != 222005
        wait(lambda: skins_of(a) == {puuids[1]: want_b, puuids[2]: want_c}, 30)
        wait(lambda: skins_of(b) == {puuids[0]: want_a, puuids[2]: want_c}, 30)
        wait(lambda: skins_of(c) == {puuids[0]: want_a, puuids[1]: want_b}, 30)
        for e in emus:
            e.run_until("in-progress")
        assert skins_of(a) == {puuids[1]: want_b, puuids[2]: want_c}, f"game {game}"
        for e in emus:
            e.run_until("back-to-lobby")
        assert all(connected(r, 2) for r in (a, b, c)), f"links lost after game {game}"

    sel = peers(a)[ids[1]]["skin_selection"]
    assert sel == {"champion_id": JINX, "skin_id": 222005, "chroma_id": None, "custom_mod": None}

    # C leaves: gone from A's state and from what A would inject
    assert c.request({"type": "party-disable"}, "party-disabled")["success"] is True
    wait(lambda: ids[2] not in peers(a) and ids[2] not in peers(b), 30)
    assert puuids[2] not in {s.puuid for s in a.manager.get_party_skins()}
    # and A removes B by summoner id, as Rose's panel does
    removed = a.request({"type": "party-remove-peer", "summoner_id": ids[1]}, "party-peer-removed")
    assert removed["success"] is True and removed["summoner_id"] == ids[1]
    wait(lambda: peers(a) == {})


def test_bad_tokens_give_a_sentence(
    three: tuple[list[EmulatorThread], list[RoseLikeRose]],
) -> None:
    _emus, (a, _b, _c) = three
    assert a.request({"type": "party-add-peer", "token": "x"}, "party-peer-added") == {
        "type": "party-peer-added",
        "success": False,
        "error": "Party mode not enabled",
    }  # Rose's own check, before the manager
    first = a.request({"type": "party-enable"}, "party-enabled")
    again = a.request({"type": "party-enable"}, "party-enabled")  # on already: the next friend's
    assert first["success"] and again["success"] and first["token"] != again["token"]
    assert a.manager.get_state_dict()["my_token"] == again["token"]
    for bad in ("hello there", "wpiAAAA", "wpa" + "x" * 60):
        reply = a.request({"type": "party-add-peer", "token": bad}, "party-peer-added")
        assert reply["success"] is False, reply
        assert isinstance(reply["error"], str) and len(reply["error"]) > 10, reply
        state = a.manager.get_state_dict()
        assert state["last_result"]["ok"] is False and state["last_result"]["kind"] == "error"
        assert state["last_result"]["error"] == reply["error"]
    # our own invite pasted back to us
    mine = a.manager.get_state_dict()["my_token"]
    reply = a.request({"type": "party-add-peer", "token": mine}, "party-peer-added")
    assert reply["success"] is False and reply["error"]
    assert a.handler.errors == []


def test_enable_without_a_league_client_says_so(
    tmp_path: Path, network_env: Callable[[Path], None]
) -> None:
    rose = RoseLikeRose(tmp_path / "no-client" / "lockfile", tmp_path / "Rose", NoClientManager)
    try:
        assert rose.lcu is not None and rose.lcu.ok is False
        reply = rose.request({"type": "party-enable"}, "party-enabled")
        assert reply["success"] is False
        assert "League client" in reply["error"], reply
        assert rose.handler.errors and "League client" in rose.handler.errors[0]
        assert rose.lcu.refreshes > 0  # credentials were asked of Rose's lcu
        state = rose.request({"type": "party-get-state"}, "party-state")
        assert state["enabled"] is False and any("League" in w for w in state["warnings"])
    finally:
        rose.close()


def test_a_bad_network_setting_is_a_sentence_and_can_be_fixed(
    tmp_path: Path, network_env: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBRTC_PARTY_STUN", "stun.example.com")  # no scheme
    rose = RoseLikeRose(tmp_path / "no-client" / "lockfile", tmp_path / "Rose", NoClientManager)
    try:
        reply = rose.request({"type": "party-enable"}, "party-enabled")
        assert reply["success"] is False and "WEBRTC_PARTY_STUN" in reply["error"], reply
        monkeypatch.setenv("WEBRTC_PARTY_STUN", "none")  # fixed: the next enable starts afresh
        reply = rose.request({"type": "party-enable"}, "party-enabled")
        assert reply["success"] is False and "League client" in reply["error"], reply
    finally:
        rose.close()
