"""The whole flow with no League client: 3 emulated clients, 3 party nodes on loopback.

``run_demo(out)`` plays a premade lobby -> champion select -> picks (one with a chroma, one
with a custom mod) -> finalization, and writes every member's injection plan and a timeline
through ``out`` (the CLI passes ``print``). Each member has its own Rose-shaped data folder with
real ZIP files, so the plans come from the real injection hook.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import tempfile
import time
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from webrtc_party.config import LinkConfig
from webrtc_party.errors import PartyError
from webrtc_party.interfaces import InterfacePolicy
from webrtc_party.lcu.client import watch_league
from webrtc_party.lcu.emulator import LcuEmulator
from webrtc_party.lcu.emulator.chat import ChatHub
from webrtc_party.lcu.emulator.scenarios import Step
from webrtc_party.lcu.emulator.world import World
from webrtc_party.lcu.lockfile import find_lockfile
from webrtc_party.lcu.state import LeagueState
from webrtc_party.party import CustomMod, PartyConfig
from webrtc_party.rose.chat_store import ChatStore
from webrtc_party.rose.chat_switch import ChatSetup
from webrtc_party.rose.injection import PartyInjectionHook
from webrtc_party.rose.installed import SkinFiles
from webrtc_party.rose.modindex import content_hash
from webrtc_party.rose.records import InjectionReport, InjectionStatus, PartySkin, TeamView
from webrtc_party.rose.service import PartyService

__all__ = ["DemoError", "run_demo"]

Out = Callable[[str], None]
ZED, SHOCKBLADE, ROSE_QUARTZ = 238, 238001, 238004
JINX_SKIN = 222002
MOD_NAME = "Arcane Jinx"
STEPS_TO_PLAY = ("lobby", "join-2", "ready-check", "champ-select", "skins", "chromas")


def _demo_steps(world: World, steps: list[Step]) -> list[Step]:
    """The premade script, with the third player on Zed so a chroma is in play."""
    third = world.accounts[2]

    def then(step: Step, extra: Callable[[World], None]) -> Step:
        def both(w: World) -> None:
            step.apply(w)
            extra(w)

        return Step(step.name, both)

    fixes: dict[str, Callable[[World], None]] = {
        "hovers": lambda w: w.hover(w.cell_of(third), ZED),
        "skins": lambda w: w.choose_skin(w.cell_of(third), SHOCKBLADE),
        "chromas": lambda w: w.choose_skin(w.cell_of(third), ROSE_QUARTZ),
    }
    return [then(s, fixes[s.name]) if s.name in fixes else s for s in steps]


def _zip(path: Path, label: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("META/info.json", json.dumps({"Name": label, "Version": "1.0"}))
        archive.writestr("WAD/demo.wad.client", f"demo payload: {label}")
    return path


def _rose_folder(base: Path, *, with_custom_mod: bool) -> tuple[Path, Path]:
    skins, mods = base / "skins", base / "mods" / "skins"
    for champ, skin in ((103, 103001), (222, JINX_SKIN), (99, 99002), (ZED, SHOCKBLADE)):
        _zip(skins / str(champ) / str(skin) / f"{skin}.zip", f"skin {skin}")
    _zip(skins / str(ZED) / str(SHOCKBLADE) / str(ROSE_QUARTZ) / f"{ROSE_QUARTZ}.zip", "chroma")
    mods.mkdir(parents=True, exist_ok=True)
    if with_custom_mod:
        _zip(mods / str(JINX_SKIN) / f"{MOD_NAME}.zip", MOD_NAME)
    return skins, mods


class DemoError(PartyError):
    """The demo did not reach a step it waits for (a bug, or a machine far too slow).

    Neither local nor remote: a failed self-check (the CLI exits 1 for it).
    """

    user_message = "The demo got stuck: a step it waits for did not happen."


@dataclass
class _Member:
    name: str
    emu: LcuEmulator
    service: PartyService
    skins: Path
    mods: Path

    @property
    def puuid(self) -> str:
        return self.emu.world.me.puuid


class _FolderInjector:
    """Stands in for Rose's injector: the folder its overlay is built from."""

    def __init__(self, mods_dir: Path) -> None:
        self._mods_dir = mods_dir

    @property
    def mods_dir(self) -> Path:
        return self._mods_dir


async def _until(check: Callable[[], bool], what: str, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise DemoError(f"the demo got stuck waiting for {what}")
        await asyncio.sleep(0.05)


def _league(emu: LcuEmulator) -> Callable[[], AsyncIterator[LeagueState]]:
    return lambda: watch_league(emu.lockfile_path, cafile=emu.ca_path)


async def run_demo(out: Out, base: Path | None = None, *, league_chat: bool = False) -> int:
    """Play the demo; returns 0 when every member's plan holds both friends' skins.

    ``league_chat``: the friends link through the emulated League chat, nobody pastes."""
    with tempfile.TemporaryDirectory(prefix="webrtc-party-demo-") as tmp:
        return await _play(out, base or Path(tmp), league_chat)


def _chat(emu: LcuEmulator, folder: Path, say: Out) -> ChatSetup:
    lockfile = emu.lockfile_path
    store = ChatStore(folder / "party-mode")
    return ChatSetup(
        lambda: find_lockfile(lockfile), store, emu.ca_path, override=True, poll=0.1, on_event=say
    )


def _prefixed(out: Out, name: str) -> Out:
    return lambda text: out(f"{name}: {text}")


def _links_by_chat(party: list[_Member], hub: ChatHub) -> list[str]:
    """How each pair linked, from the DMs the shared chat carried."""
    lines = []
    for i, a in enumerate(party):
        for b in party[i + 1 :]:
            pair = {a.puuid, b.puuid}
            dms = [m for m in hub.sent if {m.sender, m.recipient} == pair]
            names = {a.puuid: a.name, b.puuid: b.name}
            if len(dms) >= 2:
                how = f"{names[dms[0].sender]}'s invite DM + {names[dms[1].sender]}'s answer DM"
            else:
                how = f"{len(dms)} DM(s): linked by introduction"
            verified = b.puuid in {x.puuid for x in a.service.snapshot().members if x.verified}
            tick = ", verified (hello as the DM's sender)" if verified else ""
            lines.append(f"{a.name} <-> {b.name} through League chat: {how}, no paste{tick}")
    return lines


async def _play(out: Out, base: Path, league_chat: bool = False) -> int:
    start = time.monotonic()
    timeline: list[str] = []

    def mark(text: str) -> None:
        timeline.append(f"{time.monotonic() - start:6.2f}s  {text}")

    config = LinkConfig(stun=(), interfaces=InterfacePolicy.loopback_only())
    fast = PartyConfig(intro_timeout=10.0, intro_backoff=1.0)
    async with contextlib.AsyncExitStack() as stack:
        party: list[_Member] = []
        hub: ChatHub | None = None
        for i in range(3):
            folder = base / f"member{i}"
            (folder / "lcu").mkdir(parents=True)
            emu = LcuEmulator(folder / "lcu", "premade", size=3, local=i)
            emu.steps = _demo_steps(emu.world, emu.steps)
            name = f"{emu.world.me.game_name}#{emu.world.me.tag_line}"
            chat = None
            if league_chat:
                hub = hub or ChatHub(emu.world.accounts[:3])
                hub.attach(emu)
            await stack.enter_async_context(emu)
            if league_chat:
                chat = _chat(emu, folder, _prefixed(mark, name))
            skins, mods = _rose_folder(folder / "Rose", with_custom_mod=i != 2)
            service = PartyService(
                config,
                _league(emu),
                party_config=fast,
                skins=SkinFiles(skins, mods),
                tick=0.2,
                retry_delay=0.2,
                chat=chat,
            )
            await stack.enter_async_context(service)
            party.append(_Member(name, emu, service, skins, mods))
        mark("3 emulated League clients and 3 party services started")
        for m in party:
            await m.service.enable()
        mark("party on for everyone (identity read from each League client)")

        host = party[0]
        mod_file = host.mods / str(JINX_SKIN) / f"{MOD_NAME}.zip"
        jinx = party[1]
        mod = CustomMod(await asyncio.to_thread(content_hash, mod_file), MOD_NAME)
        jinx.service.set_custom_mod(JINX_SKIN, mod)
        out(f"{jinx.name} plays custom mod {MOD_NAME!r} (hash {mod.content_hash[:16]}...)")

        if hub is not None:  # the premade lobby forms; the League chat carries the handshakes
            for m in party:
                await m.emu.run_until("join-2")
            mark("premade lobby of 3 friends formed (League chat party mode on for all)")
        for joiner in party[1:] if hub is None else ():
            invite = await host.service.create_invite()
            out(f"\n{host.name} invites {joiner.name}:\n  {invite.token}")
            outcome = await joiner.service.accept(invite.token)
            assert outcome.answer is not None
            out(f"{joiner.name} answers:\n  {outcome.answer.token}")
            await host.service.accept(outcome.answer.token)
            mark(f"handshake {host.name} <-> {joiner.name} (2 tokens pasted)")

        def meshed() -> bool:
            return all(
                len(m.service.snapshot().members) == 2
                and all(f.status == "direct" for f in m.service.snapshot().members)
                for m in party
            )

        await _until(meshed, "full mesh", 40.0)
        if hub is None:
            mark(f"{party[1].name} <-> {party[2].name} linked by introduction (no token)")
        else:
            await _until(lambda: _all_verified(party), "verified members")
            for line in _links_by_chat(party, hub):
                mark(line)
            mark(f"full mesh: {len(hub.sent)} League chat DMs in all, 0 tokens pasted")

        for step in STEPS_TO_PLAY:
            ahead = [m for m in party if step in m.emu.step_names[m.emu.position :]]
            for m in ahead:
                await m.emu.run_until(step)
            if ahead:
                mark(f"League clients: {step}")

        def everyone_sees_everything() -> bool:
            # each friend's LAST pick: a count alone passed on a pick a step earlier (the
            # default skin before "skins"), and the plan then had nothing to inject
            # (the skin or chroma its emulated client shows now)
            picked = {m.puuid: m.emu.world.cell_of(m.emu.world.me).skin_id for m in party}
            for m in party:
                skins = m.service.party_skins()
                if len(skins) != 2:
                    return False
                if any(picked.get(s.puuid) != (s.chroma_id or s.skin_id) for s in skins):
                    return False
                if m is not party[2] and not any(s.chroma_id == ROSE_QUARTZ for s in skins):
                    return False
                if m is not jinx and not any(s.custom_mod is not None for s in skins):
                    return False
            return True

        await _until(everyone_sees_everything, "everyone's picks")
        mark("every member sees both friends' picks (chroma and custom mod included)")
        for m in party:
            await m.emu.run_until("finalization")
        mark("champion select: FINALIZATION -> Rose injects now")

        ok = True
        for i, m in enumerate(party):
            picture = m.service.picture()  # read on the loop; the hook runs in a thread
            hook = PartyInjectionHook(
                m.skins, m.mods, partial(_team, picture.team), partial(_skins, picture.skins)
            )
            injector = _FolderInjector(base / f"member{i}" / "Rose" / "injection" / "mods")
            report = await asyncio.to_thread(hook.prepare, injector)
            ok &= _print_plan(out, m, report, base)
        mark("injection plans made")
        out("\nTimeline:")
        for line in timeline:
            out("  " + line)
        out("\ndemo " + ("finished: every member injects both friends' skins" if ok else "FAILED"))
        return 0 if ok else 1


def _all_verified(party: list[_Member]) -> bool:
    return all(all(x.verified for x in m.service.snapshot().members) for m in party)


def _team(team: TeamView | None) -> TeamView | None:
    return team


def _skins(skins: tuple[PartySkin, ...]) -> tuple[PartySkin, ...]:
    return skins


def _print_plan(out: Out, m: _Member, report: InjectionReport, base: Path) -> bool:
    snap = m.service.snapshot()
    me = snap.me
    mine = "?" if me is None else f"{me.champion_name} / {me.skin_name}"
    out(f"\nInjection plan of {m.name} (own skin, injected by Rose: {mine}):")
    names = {f.puuid: f for f in snap.members}
    for outcome in report.outcomes:
        friend = names.get(outcome.puuid)
        if friend is None:
            continue
        look = f"{friend.champion_name} / {friend.skin_name}"
        if friend.chroma_name:
            look += f" / chroma {friend.chroma_name}"
        if friend.custom_mod:
            look += f" / custom mod {friend.custom_mod!r}"
        out(f"  {friend.riot_id:<18} {look}")
        source = "-" if outcome.source is None else str(outcome.source.relative_to(base))
        out(f"    {outcome.status.value}: {outcome.detail}")
        out(f"    mod folder {outcome.mod_name} <- {source}")
    injected = [o for o in report.outcomes if o.status is InjectionStatus.INJECTED]
    return len(injected) == 2
