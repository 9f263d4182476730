"""Scripted scenarios for the emulator: lists of named steps that change a ``World``.

Every scenario is deterministic, so emulators for each party member (same
accounts, different ``local``) run the same script and show the same party.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from webrtc_party.lcu.emulator.payloads import Account
from webrtc_party.lcu.emulator.world import NS, Cell, World, filler_account

__all__ = ["DEFAULT_ACCOUNTS", "SCENARIOS", "Step", "build_scenario"]


@dataclass(frozen=True)
class Step:
    name: str
    apply: Callable[[World], None]


def _acc(name: str, summoner_id: int, puuid: str | None = None) -> Account:
    return Account(puuid or str(uuid.uuid5(NS, name)), summoner_id, name, "EUW", 4568, 120)


DEFAULT_ACCOUNTS = (
    _acc("Ahri Main", 73920518, "567121d5-910d-58c2-83fe-503d80e5eaf0"),
    _acc("Jinx Enjoyer", 3894416720352768, "3aac608e-c94a-52f5-bf08-e5905da01264"),
    _acc("Lux Support", 3610985237711232, "48560ae4-6d54-59ee-b0a2-a5748bd3a064"),
    _acc("Night Owl", 52781946),
    _acc("Teemo Scout", 4012873301884416),
)
# (champion, skin, chroma or 0) each default account ends up with.
PICKS = (
    (103, 103001, 0),
    (222, 222002, 0),
    (99, 99002, 0),
    (238, 238001, 238004),
    (266, 266009, 266010),
)
FILLER_CHAMPIONS = (86, 64, 412, 122, 234, 134, 51, 117, 53, 30)
POSITIONS = ("top", "jungle", "middle", "bottom", "utility")


def _phase(name: str) -> Callable[[World], None]:
    def apply(w: World) -> None:
        w.phase = name

    return apply


def _lobby_steps(w: World, size: int, queue: int, custom: bool = False) -> list[Step]:
    steps = [Step("lobby", lambda w: w.create_lobby(queue, custom=custom))]
    for i in range(1, size):
        acc = w.accounts[i]
        team = 200 if custom and i == 2 else 100
        steps.append(Step(f"invite-{i}", lambda w, a=acc: w.invite(a)))  # type: ignore[misc]
        steps.append(Step(f"join-{i}", lambda w, a=acc, t=team: w.join(a, t)))  # type: ignore[misc]
    return steps


def _queue_steps() -> list[Step]:
    return [Step("matchmaking", _phase("Matchmaking")), Step("ready-check", _phase("ReadyCheck"))]


def _draft_cells(w: World, size: int) -> list[Cell]:
    """Strangers first, so the premade is not at cells 0..n and the local cell is not 0."""
    cells: list[Cell] = []
    fillers = 5 - size
    for i in range(10):
        team = 1 if i < 5 else 2
        if team == 1 and i >= fillers:
            acc = w.accounts[i - fillers]
        else:
            acc = filler_account(f"filler-{w.party_id}-{i}")
        cells.append(Cell(i, team, acc, position=POSITIONS[i % 5]))
    return cells


def _pick_steps(w: World, size: int) -> list[Step]:
    def hovers(w: World) -> None:
        for i, acc in enumerate(w.accounts[:size]):
            w.hover(w.cell_of(acc), PICKS[i][0])

    def lock(cell_id: int) -> Callable[[World], None]:
        def apply(w: World) -> None:
            cell = (w.cells or [])[cell_id]
            if not cell.champion_id:
                cell.champion_id = FILLER_CHAMPIONS[cell_id]
            w.lock(cell)

        return apply

    def skins(w: World) -> None:
        for i, acc in enumerate(w.accounts[:size]):
            w.choose_skin(w.cell_of(acc), PICKS[i][1])

    def chromas(w: World) -> None:
        for i, acc in enumerate(w.accounts[:size]):
            if PICKS[i][2]:
                w.choose_skin(w.cell_of(acc), PICKS[i][2])

    steps = [Step("hovers", hovers)]
    steps += [Step(f"lock-{c}", lock(c)) for c in range(10)]
    steps += [Step("skins", skins), Step("chromas", chromas)]
    return steps


def _game_steps(game_id: int, *, normal_end: bool) -> list[Step]:
    def finalization(w: World) -> None:
        w.timer_phase = "FINALIZATION"

    def starting(w: World) -> None:
        w.timer_phase = "GAME_STARTING"
        w.assign_server(game_id)

    def game_start(w: World) -> None:
        w.phase = "GameStart"
        w.end_champ_select()

    steps = [
        Step("finalization", finalization),
        Step("game-starting", starting),
        Step("game-start", game_start),
        Step("in-progress", _phase("InProgress")),
        Step("waiting-for-stats", _phase("WaitingForStats")),
    ]
    if normal_end:

        def end(w: World) -> None:
            w.phase = "EndOfGame"
            w.finish_game(stale=True)

        steps += [Step("pre-end-of-game", _phase("PreEndOfGame")), Step("end-of-game", end)]
        steps.append(Step("back-to-lobby", _phase("Lobby")))
    else:

        def terminated(w: World) -> None:
            w.phase = "None"
            w.finish_game(stale=False)
            w.close_lobby()

        steps.append(Step("terminated", terminated))
    return steps


def premade(w: World, size: int = 3) -> list[Step]:
    """Normal draft with a premade of ``size``: hidden strangers, hovers, picks, skins, game."""
    if not 1 <= size <= 5:
        raise ValueError("a premade has 1 to 5 players")

    def champ_select(w: World) -> None:
        w.start_champ_select(_draft_cells(w, size), game_id=7418847731, simultaneous=False)

    steps = _lobby_steps(w, size, 400) + _queue_steps()
    steps.append(Step("champ-select", champ_select))
    return steps + _pick_steps(w, size) + _game_steps(7418847731, normal_end=True)


def dodge(w: World, size: int = 2) -> list[Step]:
    """A stranger leaves champion select: back to the lobby, no game."""
    steps = premade(w, size)
    cut = next(i for i, s in enumerate(steps) if s.name == "lock-3")

    def dodged(w: World) -> None:
        w.end_champ_select()
        w.game_id = 0
        w.phase = "Lobby"

    return [*steps[:cut], Step("dodge", dodged)]


def custom_bots(w: World, size: int = 3) -> list[Step]:
    """Custom blind pick with bots on both sides; the game ends in error (no EndOfGame)."""

    def bots(w: World) -> None:
        w.add_bot(100, 54, "TOP")
        w.add_bot(200, 236, "BOTTOM")

    def champ_select(w: World) -> None:
        humans = [(a, w.teams.get(a.puuid, 100)) for a in w.party]
        order = [(a, t) for a, t in humans if t == 100] + [(None, 100)]
        order += [(a, t) for a, t in humans if t == 200] + [(None, 200)]
        cells = []
        for i, (acc, team) in enumerate(order):
            cell = Cell(i, 1 if team == 100 else 2, acc)
            if acc is None:
                cell.champion_id = 54 if team == 100 else 236
                cell.locked, cell.skin_id = True, cell.champion_id * 1000
            cells.append(cell)
        w.start_champ_select(cells, game_id=7418830275, simultaneous=True)

    steps = [*_lobby_steps(w, size, 3100, custom=True), Step("bots", bots), *_queue_steps()]
    steps.append(Step("champ-select", champ_select))

    def picks(w: World) -> None:
        for i, acc in enumerate(w.party):
            cell = w.cell_of(acc)
            w.hover(cell, PICKS[i][0])
            w.lock(cell)
            w.choose_skin(cell, PICKS[i][1])

    steps.append(Step("picks", picks))
    return steps + _game_steps(7418830275, normal_end=False)


def swiftplay(w: World, size: int = 2) -> list[Step]:
    """Swiftplay: champions and skins chosen in the lobby's player slots; no champion select."""
    steps = _lobby_steps(w, size, 480)

    def slots(w: World) -> None:
        for i, acc in enumerate(w.party):
            champ, skin, _ = PICKS[i]
            w.slots[acc.puuid] = [(champ, skin), (FILLER_CHAMPIONS[i], FILLER_CHAMPIONS[i] * 1000)]

    def game_start(w: World) -> None:
        cells = []
        for i in range(10):
            acc = w.party[i] if i < len(w.party) else filler_account(f"swift-{i}")
            champ, skin = (
                w.slots[acc.puuid][0]
                if acc.puuid in w.slots
                else (FILLER_CHAMPIONS[i], FILLER_CHAMPIONS[i] * 1000)
            )
            cells.append(Cell(i, 1 if i < 5 else 2, acc, champ, True, skin))
        w.assign_server(7419000001, cells)
        w.phase = "GameStart"

    def end(w: World) -> None:
        w.phase = "EndOfGame"
        w.finish_game(stale=True)

    steps += [Step("slots", slots), *_queue_steps(), Step("game-start", game_start)]
    steps += [Step("in-progress", _phase("InProgress")), Step("end-of-game", end)]
    return steps


def idle(w: World, size: int = 1) -> list[Step]:
    """Logged in, no lobby."""
    return []


SCENARIOS: dict[str, Callable[[World, int], list[Step]]] = {
    "idle": idle,
    "premade": premade,
    "dodge": dodge,
    "custom-bots": custom_bots,
    "swiftplay": swiftplay,
}


def build_scenario(name: str, world: World, size: int) -> list[Step]:
    try:
        factory = SCENARIOS[name]
    except KeyError:
        raise ValueError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}") from None
    return factory(world, size)
