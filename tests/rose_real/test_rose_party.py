"""Party mode inside Rose's real code (ROSE_SRC), driven through Rose's real WebSocket.

Three players of a five-player premade each run a Rose of their own (an adopted copy of
ROSE_SRC, one process each, behind an LCU emulator). The plugins' side speaks Rose's own
message names; Rose's MessageHandler awaits our PartyManager on its bridge loop, Rose's
Broadcaster spreads ``get_state_dict()``, Rose's InjectionTrigger/InjectionManager/SkinInjector
build the hook themselves and run the overlay, whose mod list is recorded.

A = Ahri Main (Ahri, a custom mod imported as a folder), B = Night Owl (Zed, an unowned chroma),
C = Lux Support (Lux, the Elementalist Air form). The two other premade players have no Rose.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.rose_real.host_kit import RoseMember, members
from tests.rose_real.rose_files import (
    AHRI,
    CUSTOM_LABEL,
    FORM_LABEL,
    LUX,
    ZED,
    ZED_CHROMA_LABEL,
    custom_mod_state,
    install_everything,
    labels,
)

A, B, C = 0, 3, 2  # emulator account indices
PICKS: dict[int, tuple[int, str]] = {A: (AHRI, "skin_103001"), B: (ZED, "chroma_238004"),
                                     C: (LUX, "chroma_99991")}


def prepare(i: int, data: Path) -> None:
    install_everything(i, data, custom_as_folder=(i == A))


async def enable(m: RoseMember) -> str:
    reply = await m.sock.request("party-enable", "party-enabled", within=60)
    assert reply["success"] is True, reply
    token = reply["token"]
    assert isinstance(token, str) and token
    return token


async def handshake(inviter: RoseMember, joiner: RoseMember) -> None:
    """Rose's two pastes: the joiner pastes the invite, the inviter pastes the answer."""
    invite = await enable(inviter)
    await enable(joiner)
    mark = len(joiner.sock.received)
    added = await joiner.sock.request("party-add-peer", "party-peer-added",
                                      token=invite, within=60)
    assert added["success"] is True and added["error"] is None, added
    state = await joiner.sock.wait("party-state", lambda s: bool(s.get("my_answer")), after=mark)
    done = await inviter.sock.request("party-add-peer", "party-peer-added",
                                      token=state["my_answer"], within=60)
    assert done["success"] is True, done


async def connected(m: RoseMember, others: Sequence[RoseMember], within: float = 60.0) -> Any:
    """Ask Rose for the party state (party-get-state) until ``others`` show as connected."""
    want = {o.summoner_id for o in others}
    deadline = asyncio.get_running_loop().time() + within
    while True:
        state = await m.sock.request("party-get-state", "party-state")
        live = {p["summoner_id"] for p in state["peers"] if p.get("connected")}
        if want <= live:
            return state
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"peers {sorted(want - live)} never connected: {state['peers']}")
        await asyncio.sleep(0.5)


async def sees(
    m: RoseMember, want: dict[int, tuple[int, int | None]], within: float = 60.0
) -> Any:
    """Wait until Rose's party state on ``m`` shows each friend's pick: summoner id ->
    (skin, chroma). Rose's loadout timer leaves seconds between a pick and the injection."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        state = await m.sock.request("party-get-state", "party-state")
        got = {
            p["summoner_id"]: (p["skin_selection"]["skin_id"], p["skin_selection"]["chroma_id"])
            for p in state["peers"]
            if p.get("skin_selection")
        }
        if all(got.get(k) == v for k, v in want.items()):
            return state
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{m.summoner_id} sees {got}, not {want}")
        await asyncio.sleep(0.25)


async def picks_known(
    party: list[RoseMember], partied: Sequence[RoseMember], a_skin: int = 103001
) -> None:
    """Every member of ``partied`` sees every other one's pick (A's skin: ``a_skin``)."""
    expect = {A: (a_skin, None), B: (238001, 238004), C: (99007, 99991)}
    ids = {j: o for j, o in zip((A, B, C), party, strict=True) if o in partied}
    for m in ids.values():
        want = {o.summoner_id: expect[j] for j, o in ids.items() if o is not m}
        await sees(m, want)


# A's Rose state per kind of pick: Rose's random and historic modes override the hovered skin
# (here Ahri's default skin) for what Rose will inject
A_MODES: dict[str, tuple[dict[str, Any], int]] = {
    "hovered": ({"last_hovered_skin_id": 103001}, 103001),
    "random": ({"last_hovered_skin_id": 103000, "random_mode_active": True,
                "random_skin_id": 103002}, 103002),
    "historic": ({"last_hovered_skin_id": 103000, "random_mode_active": False,
                  "random_skin_id": None, "historic_mode_active": True,
                  "historic_skin_id": 103001}, 103001),
}


async def champ_select(
    party: list[RoseMember], *, custom: bool = True, partied: Sequence[RoseMember] | None = None,
    a_mode: str = "hovered",
) -> None:
    """Play every client to the end of the picks, then leave Rose's state as its UI would."""
    for m in party:
        await m.emu.run_until("chromas")
    for i, m in zip((A, B, C), party, strict=True):
        champion, _ = PICKS[i]
        cell = m.emu.world.cell_of(m.emu.world.me).cell_id
        fields: dict[str, Any] = {
            "locked_champ_id": champion, "hovered_champ_id": champion, "local_cell_id": cell,
            "owned_skin_ids": [champion * 1000], "phase": "ChampSelect",
        }
        if i == A:
            fields |= {"selected_chroma_id": None,
                       "selected_custom_mod": custom_mod_state(m.data) if custom else None}
            fields |= A_MODES[a_mode][0]
        elif i == B:  # Rose's chroma wheel sets both to the chroma's id
            fields |= {"last_hovered_skin_id": 238004, "selected_chroma_id": 238004}
        else:  # a form: Rose keeps its fake id the same way
            fields |= {"last_hovered_skin_id": 99991, "selected_chroma_id": 99991}
        assert await m.host.cmd("set", fields=fields) is True
    await picks_known(party, party if partied is None else partied, A_MODES[a_mode][1])


async def inject(m: RoseMember, i: int) -> list[str]:
    """What Rose's loadout ticker does at the threshold; returns the overlay's mod labels."""
    seen = len(m.host.overlays)
    champion, name = PICKS[i]
    await m.host.cmd("inject", name=name, cname=str(champion))
    return labels(await m.host.next_overlay(seen))


async def play_out(party: list[RoseMember]) -> None:
    for m in party:
        await m.emu.run_until("back-to-lobby")
        await m.host.cmd("set", fields={"phase": "Lobby", "locked_champ_id": None})
    # Rose skips an injection within injection_threshold (0.5 s by default) of the last one;
    # real games are minutes apart, these are not.
    await asyncio.sleep(0.6)


async def test_party_messages_answer_through_roses_bridge(
    adopted_rose: Path, tmp_path: Path
) -> None:
    """The three failures of issue 10, now through Rose's real handler: enable gives a token,
    get-state replies with Rose's fields, Rose's own construction of the hook works."""
    async with members(tmp_path, adopted_rose, [A], prepare=prepare) as [a]:
        before = await a.sock.request("party-get-state", "party-state")
        assert before["enabled"] is False and before["peers"] == []
        token = await enable(a)
        state = await a.sock.request("party-get-state", "party-state")
        assert state["enabled"] is True and state["my_token"] == token
        assert state["peers"] == []
        again = await enable(a)  # party-enable while on: a fresh invite for the next friend
        assert again != token
        state = await a.sock.request("party-get-state", "party-state")
        assert state["my_token"] == again
        manager = await a.host.cmd("manager")
        assert manager == {"present": True, "enabled": True,
                           "type": "webrtc_party.rose.manager.PartyManager"}
        assert await a.host.cmd("hook") == {"constructed": True, "enabled": True}
        bad = await a.sock.request("party-add-peer", "party-peer-added", token="not a token")
        assert bad["success"] is False and isinstance(bad["error"], str) and bad["error"]
        off = await a.sock.request("party-disable", "party-disabled", within=60)
        assert off["success"] is True
        assert (await a.host.cmd("manager"))["enabled"] is False
        assert "Party injection hook not used" not in a.host.log_text()


async def test_three_roses_one_overlay_holds_every_friend(
    adopted_rose: Path, tmp_path: Path
) -> None:
    async with members(tmp_path, adopted_rose, [A, B, C], prepare=prepare) as party:
        a, b, c = party
        await handshake(a, b)  # A invites B
        await handshake(c, a)  # C invites A: the other direction
        for m in party:
            await connected(m, [o for o in party if o is not m])  # B-C introduced over A
        await champ_select(party)
        over_a = await inject(a, A)
        assert ZED_CHROMA_LABEL in over_a and FORM_LABEL in over_a, (over_a, a.host.log_tail())
        over_b = await inject(b, B)
        assert CUSTOM_LABEL in over_b and FORM_LABEL in over_b, (over_b, b.host.log_tail())
        assert over_b[0] == ZED_CHROMA_LABEL  # Rose's own pick first
        # Rose forced B's client back to the base skin (an unowned chroma is injected, not
        # picked); the party still carries what Rose injects
        assert b.emu.world.cell_of(b.emu.world.me).skin_id == ZED * 1000
        await sees(a, {b.summoner_id: (238001, 238004)})
        for m in party:
            assert "Party injection hook not used" not in m.host.log_text()
        # A drops B (party-remove-peer, Rose's int summoner id): A's state no longer has B live
        removed = await a.sock.request("party-remove-peer", "party-peer-removed",
                                       summoner_id=str(b.summoner_id), within=60)
        assert removed["success"] is True
        state = await a.sock.request("party-get-state", "party-state")
        assert b.summoner_id not in {p["summoner_id"] for p in state["peers"]
                                     if p.get("connected")}, state["peers"]


async def test_three_games_without_pasting_again_then_a_friend_leaves(
    adopted_rose: Path, tmp_path: Path
) -> None:
    async with members(tmp_path, adopted_rose, [A, B, C], prepare=prepare) as party:
        a, b, c = party
        await handshake(a, b)
        await handshake(a, c)
        for m in party:
            await connected(m, [o for o in party if o is not m])
        for game, mode in enumerate(("hovered", "random", "historic")):
            if game:
                for m in party:
                    m.emu.position = m.emu.step_names.index("matchmaking")
            await champ_select(party, custom=False, a_mode=mode)
            over_b = await inject(b, B)
            assert over_b[0] == ZED_CHROMA_LABEL and FORM_LABEL in over_b, (game, over_b)
            assert f"skin {A_MODES[mode][1]}" in over_b, (game, over_b)
            await play_out(party)
        # C leaves the party (party-disable); A and B keep each other, nobody injects C's form
        off = await c.sock.request("party-disable", "party-disabled", within=60)
        assert off["success"] is True
        for m in (a, b):
            deadline = asyncio.get_running_loop().time() + 60
            while True:
                state = await m.sock.request("party-get-state", "party-state")
                live = {p["summoner_id"] for p in state["peers"] if p.get("connected")}
                if c.summoner_id not in live:
                    break
                assert asyncio.get_running_loop().time() < deadline, state["peers"]
                await asyncio.sleep(0.5)
            assert ({a.summoner_id, b.summoner_id} - {m.summoner_id}) <= live
        for m in party:
            m.emu.position = m.emu.step_names.index("matchmaking")
        await champ_select(party, custom=False, partied=[a, b], a_mode="historic")
        over_b = await inject(b, B)
        assert "skin 103001" in over_b and FORM_LABEL not in over_b, over_b


async def test_a_friend_skin_that_is_not_installed_is_loud(
    adopted_rose: Path, tmp_path: Path
) -> None:
    """C's Lux files are missing on A: Rose's log on A gets a WARNING naming C and why, and the
    party state Rose broadcasts carries the reason for the panel."""

    def prepare_missing(i: int, data: Path) -> None:
        install_everything(i, data, custom_as_folder=(i == A))
        if i == A:
            for path in sorted((data / "skins" / str(LUX)).rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()

    async with members(tmp_path, adopted_rose, [A, B, C], prepare=prepare_missing) as party:
        a, b, c = party
        await handshake(a, b)
        await handshake(a, c)
        for m in party:
            await connected(m, [o for o in party if o is not m])
        await champ_select(party, custom=False)
        over_a = await inject(a, A)
        assert ZED_CHROMA_LABEL in over_a and FORM_LABEL not in over_a, over_a
        warnings = [line for line in a.host.log_text().splitlines()
                    if " WARNING " in line and "Lux Support" in line]
        assert warnings, a.host.log_tail()
        deadline = asyncio.get_running_loop().time() + 30
        while True:
            state = await a.sock.request("party-get-state", "party-state")
            said = [w for w in state.get("warnings", []) if "Lux Support" in str(w)]
            if said:
                break
            assert asyncio.get_running_loop().time() < deadline, state.get("warnings")
            await asyncio.sleep(0.5)
