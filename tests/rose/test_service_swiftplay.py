"""Outside Rose (``webrtc-party serve``, the League-client fallback): both of my Swiftplay
champions and skins, read from the client's Swiftplay lobby (``localMember.playerSlots``), are
announced through ``PartyNode.set_selection`` and reach a friend, over real League-client
emulators and real party nodes on loopback."""

from __future__ import annotations

from pathlib import Path

from tests.rose.party_kit import members, partied, until
from tests.rose.rose_kit import FakeRoseInjector, make_zip, mod_payload
from webrtc_party.lcu.client import LcuClient
from webrtc_party.lcu.state import LeaguePick as Slot
from webrtc_party.party import MAX_SELECTIONS, CustomMod, Selection, Source
from webrtc_party.rose import PartyInjectionHook
from webrtc_party.rose.party_view import party_selections
from webrtc_party.rose.records import InjectionStatus

PLAYER_SLOTS = "/lol-lobby/v1/lobby/members/localMember/player-slots"
JINX, LEE, AHRI, GAREN = 222, 64, 103, 86


async def test_both_swiftplay_picks_reach_a_friend_and_a_change_follows(tmp_path: Path) -> None:
    async with members(tmp_path, 2, scenario="swiftplay") as (a, b):
        await partied(a, b, "slots")

        def picks_of_b() -> list[tuple[int, int]]:
            found = [m for m in a.service.snapshot().members if m.puuid == b.puuid]
            return [(s.champion_id, s.skin_id) for s in found[0].selections] if found else []

        await until(lambda: picks_of_b() == [(JINX, 222002), (LEE, 64000)])
        snap = a.service.snapshot()
        assert snap.me is not None
        assert [(s.champion_id, s.skin_id) for s in snap.me.selections] == [
            (AHRI, 103001), (GAREN, 86000)
        ]
        node = b.service.node
        assert node is not None
        mine = next(v for v in node.members() if v.member_id == b.puuid)
        assert mine.selections == (Selection(JINX, 222002), Selection(LEE, 64000))

        # B picks a skin for the second champion in the client: the friend follows
        async with LcuClient(b.emu.lockfile, cafile=b.emu.ca_path) as client:
            lobby = await client.get("/lol-lobby/v2/lobby")
            assert isinstance(lobby, dict)
            slots = lobby["localMember"]["playerSlots"]
            slots[1]["skinId"] = 64001
            assert await client.request("PUT", PLAYER_SLOTS, slots) is None
        await until(lambda: picks_of_b() == [(JINX, 222002), (LEE, 64001)])

        # what the injection hook reads on A: both of B's picks, both B's champions on A's
        # Swiftplay team view; Lee's skin 64001 is not installed on A's PC
        records = sorted((r.champion_id, r.skin_id) for r in a.service.party_skins())
        assert records == [(LEE, 64001), (JINX, 222002)]
        team = a.service.team_view()
        assert team is not None
        (mate,) = team.teammates
        assert mate.puuid == b.puuid and set(mate.champion_ids) == {JINX, LEE}
        make_zip(a.skins_root / "64" / "64001" / "64001.zip", mod_payload("skin 64001"))
        make_zip(a.skins_root / "222" / "222002" / "222002.zip", mod_payload("skin 222002"))
        hook = PartyInjectionHook(
            a.skins_root, a.mods_root, a.service.team_view, a.service.party_skins
        )
        report = hook.prepare(FakeRoseInjector(tmp_path / "inj"))
        assert report.statuses() == {
            (b.puuid, JINX): InjectionStatus.INJECTED,
            (b.puuid, LEE): InjectionStatus.INJECTED,
        }


def test_party_selections_one_per_champion_capped_and_the_first_replaceable() -> None:
    mod = CustomMod("a" * 64, "Arcane Jinx")
    slots = [Slot(JINX, 222002), Slot(LEE, 64000), Slot(JINX, 222005), Slot(AHRI, 0)]
    got = party_selections(slots, {222002: mod})
    # a custom mod chosen for the skin wins; the same champion twice and skin 0 are dropped
    assert got == (Selection(JINX, 222002, None, mod, Source.CUSTOM), Selection(LEE, 64000))
    many = [Slot(c, c * 1000 + 1) for c in range(1, 10)]
    assert len(party_selections(many)) == MAX_SELECTIONS
    kept = party_selections(slots[:2], None, lambda p: Selection(p.champion_id, 222002, 222004))
    assert kept == (Selection(JINX, 222002, 222004), Selection(LEE, 64000))
    assert party_selections([]) == ()
