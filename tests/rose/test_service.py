"""PartyService end to end: real League-client emulators, real party nodes on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import loopback_config
from tests.rose.party_kit import handshake, members, partied, run_all, until
from tests.rose.rose_kit import FakeRoseInjector, make_zip, mod_payload, read_payload
from webrtc_party.lcu.state import LeagueState, Player
from webrtc_party.party import CustomMod, Selection
from webrtc_party.rose import PartyInjectionHook
from webrtc_party.rose.errors import NoLeagueClientError, NotEnabledError
from webrtc_party.rose.modindex import content_hash
from webrtc_party.rose.records import InjectionStatus
from webrtc_party.rose.service import PartyService


async def test_two_members_see_each_other_and_inject(tmp_path: Path) -> None:
    async with members(tmp_path, 2) as (a, b):
        await partied(a, b, "skins")

        def a_sees_b() -> bool:
            found = [m for m in a.service.snapshot().members if m.puuid == b.puuid]
            return bool(found) and found[0].skin_id == 222002 and found[0].on_team

        await until(a_sees_b)
        snap = a.service.snapshot()
        assert snap.enabled and snap.phase == "ChampSelect"
        assert snap.me is not None and snap.me.riot_id == "Ahri Main#EUW"
        assert snap.me.skin_id == 103001 and snap.me.skin_name == "Dynasty Ahri"
        (friend,) = snap.members
        assert friend.riot_id == "Jinx Enjoyer#EUW" and friend.status == "direct"
        assert friend.status_text == "direct" and friend.path == "host"
        assert friend.in_lobby and friend.on_team and not friend.stale
        assert (friend.champion_name, friend.skin_name) == ("Jinx", "Firecracker Jinx")
        assert friend.skin_installed is False  # A's skins folder is empty
        assert friend.phase == "champ_select"
        assert snap.pending == ()  # the invite was used

        # A installs Jinx's skin: the panel learns it (cache refreshed on a change)
        make_zip(a.skins_root / "222" / "222002" / "222002.zip", mod_payload("skin 222002"))
        assert a.service.skins.check(Selection(222, 222002)) is True
        assert a.service.snapshot().members[0].skin_installed is True

        # the hook reads A's records: Jinx injected from A's own file
        records = a.service.party_skins()
        assert [r.puuid for r in records] == [b.puuid]
        team = a.service.team_view()
        assert team is not None and team.my_puuid == a.puuid
        hook = PartyInjectionHook(
            a.skins_root, a.mods_root, a.service.team_view, a.service.party_skins
        )
        injector = FakeRoseInjector(tmp_path / "inj")
        report = hook.prepare(injector)
        assert report.statuses() == {(b.puuid, 222): InjectionStatus.INJECTED}
        assert read_payload(injector.mods_dir / report.mod_names[0]) == "payload of skin 222002"


async def test_custom_mod_and_friend_not_on_team(tmp_path: Path) -> None:
    async with members(tmp_path, 2) as (a, b):
        await until(lambda: b.service.league.me is not None)
        mod = make_zip(b.mods_root / "222002" / "arcane.zip", mod_payload("arcane jinx"))
        b.service.set_custom_mod(222002, CustomMod(content_hash(mod), "Arcane Jinx"))
        await a.service.enable()
        await b.service.enable()
        await handshake(b.service, a.service)
        await run_all([a, b], "lobby")  # the lobby exists only for each one alone
        await until(lambda: len(a.service.snapshot().members) == 1)
        friend = a.service.snapshot().members[0]
        assert not friend.on_team
        assert a.service.party_skins() == ()  # not on my team: nothing to inject
        await run_all([a, b], "skins")
        await until(lambda: a.service.snapshot().members[0].custom_mod == "Arcane Jinx")
        make_zip(a.mods_root / "222002" / "same.zip", mod_payload("arcane jinx"))
        (rec,) = a.service.party_skins()
        assert rec.custom_mod is not None and rec.custom_mod.display_name == "Arcane Jinx"
        hook = PartyInjectionHook(
            a.skins_root, a.mods_root, a.service.team_view, a.service.party_skins
        )
        report = hook.prepare(FakeRoseInjector(tmp_path / "inj"))
        (outcome,) = report.outcomes
        assert outcome.status is InjectionStatus.INJECTED
        assert outcome.detail.startswith("custom mod")


async def test_enable_without_league_client_is_a_clear_error() -> None:
    async with PartyService(loopback_config(), None, identity_wait=0.1) as service:
        with pytest.raises(NoLeagueClientError):
            await service.enable()
        with pytest.raises(NotEnabledError):
            await service.create_invite()
        snap = service.snapshot()
        assert not snap.enabled and snap.me is None and snap.members == ()


async def test_disable_then_enable_again_and_state_callbacks(tmp_path: Path) -> None:
    async with members(tmp_path, 1) as (a,):
        seen: list[bool] = []
        a.service.subscribe(lambda s: seen.append(s.enabled))
        await a.service.enable()
        invite = await a.service.create_invite()
        assert a.service.snapshot().pending[0].token == invite.token
        await a.service.disable()
        assert not a.service.enabled and a.service.snapshot().pending == ()
        await a.service.enable()
        assert a.service.enabled
        await until(lambda: True in seen and False in seen)


async def test_a_member_who_leaves_is_no_longer_injected(tmp_path: Path) -> None:
    async with members(tmp_path, 2) as (a, b):
        await partied(a, b, "skins")
        await until(lambda: len(a.service.party_skins()) == 1)
        await b.service.disable()
        await until(lambda: a.service.party_skins() == ())
        assert all(m.stale for m in a.service.snapshot().members)


async def test_account_change_restarts_the_party_as_the_new_account() -> None:
    async with PartyService(loopback_config(), None) as service:
        first = LeagueState(phase="Lobby", me=Player("puuid-a", 1, "First", "EUW"))
        await service.apply_league(first)
        await service.enable()
        await service.create_invite()
        node = service.node
        assert node is not None and node.identity.riot_id == "First#EUW"
        second = LeagueState(phase="Lobby", me=Player("puuid-b", 2, "Second", "EUW"))
        await service.apply_league(second)
        assert service.node is not None and service.node is not node
        assert service.node.identity.puuid == "puuid-b"
        snap = service.snapshot()
        assert snap.me is not None and snap.me.riot_id == "Second#EUW"
        assert snap.pending == ()  # the old account's invite is gone with its node


async def test_custom_game_friend_on_the_other_team_is_skipped(tmp_path: Path) -> None:
    """custom-bots: members 0 and 1 on team 100, member 2 on team 200 (with a bot each)."""
    async with members(tmp_path, 3, scenario="custom-bots") as party:
        a, b, c = party
        await until(lambda: all(m.service.league.me is not None for m in party))
        for m in party:
            await m.service.enable()
        await handshake(a.service, b.service)
        await handshake(a.service, c.service)
        await run_all(party, "picks")

        def settled() -> bool:
            snap = a.service.snapshot()
            return len(snap.members) == 2 and all(m.skin_id for m in snap.members)

        await until(settled)
        by = {m.puuid: m for m in a.service.snapshot().members}
        assert by[b.puuid].on_team and by[b.puuid].in_lobby
        assert not by[c.puuid].on_team and by[c.puuid].in_lobby  # same lobby, other team
        assert [r.puuid for r in a.service.party_skins()] == [b.puuid]
        assert c.service.party_skins() == ()  # alone with a bot on team 200
        make_zip(a.skins_root / "222" / "222002" / "222002.zip", mod_payload("jinx"))
        hook = PartyInjectionHook(
            a.skins_root, a.mods_root, a.service.team_view, a.service.party_skins
        )
        report = hook.prepare(FakeRoseInjector(tmp_path / "inj"))
        assert report.statuses() == {(b.puuid, 222): InjectionStatus.INJECTED}
