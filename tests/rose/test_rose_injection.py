"""The hook end to end: a real skins folder, real ZIPs, a Rose-shaped injector."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webrtc_party.rose import (
    ArchiveLimits,
    CustomModRef,
    InjectionReport,
    InjectionStatus,
    PartyInjectionHook,
    PartySkin,
    TeamView,
    content_hash,
)
from webrtc_party.rose.ownership import LEDGER_NAME, OwnedFolders
from webrtc_party.rose.planning import carrier_folder_name, mod_folder_name

from .rose_kit import AHRI, JINX, LEE, FakeRoseInjector, RoseTree, make_zip, read_payload, skin

ME = "me-puuid"


class Game:
    """The state the providers hand to the hook; tests change it between games."""

    def __init__(self, team: TeamView | None, skins: Sequence[PartySkin]) -> None:
        self.team = team
        self.skins = list(skins)

    def get_team(self) -> TeamView | None:
        return self.team

    def get_skins(self) -> list[PartySkin]:
        return self.skins


@pytest.fixture
def tree(tmp_path: Path) -> RoseTree:
    t = RoseTree(tmp_path)
    t.add_skin(JINX, 222002)
    t.add_chroma(JINX, 222002, 222010)
    t.add_skin(LEE, 64005, ext=".fantome")
    t.add_skin(AHRI, 103015)
    return t


@pytest.fixture
def injector(tmp_path: Path) -> FakeRoseInjector:
    return FakeRoseInjector(tmp_path)


def make_hook(
    tree: RoseTree, game: Game, limits: ArchiveLimits | None = None
) -> tuple[PartyInjectionHook, list[InjectionReport]]:
    reports: list[InjectionReport] = []
    hook = PartyInjectionHook(
        tree.skins,
        tree.custom,
        game.get_team,
        game.get_skins,
        limits=limits or ArchiveLimits(),
        on_report=reports.append,
    )
    return hook, reports


def folders(injector: FakeRoseInjector) -> set[str]:
    return {p.name for p in injector.mods_dir.iterdir() if p.is_dir()}


def payload_of(injector: FakeRoseInjector, puuid: str, champion: int) -> str:
    return read_payload(injector.mods_dir / mod_folder_name(puuid, champion))


def test_chroma_preferred_base_fallback_and_fantome(
    tree: RoseTree, injector: FakeRoseInjector
) -> None:
    team = TeamView.classic(ME, AHRI, {"jinx": JINX, "lee": LEE, "jinx2": 0})
    game = Game(team, [skin("jinx", JINX, 222002, 222010), skin("lee", LEE, 64005, 64099)])
    hook, reports = make_hook(tree, game)
    names = hook.prepare_party_mods(injector)
    assert names == [mod_folder_name("jinx", JINX), mod_folder_name("lee", LEE)]
    assert payload_of(injector, "jinx", JINX) == "payload of chroma 222010"
    # Lee's chroma 64099 is not on disk: the base skin (a .fantome) is used
    assert payload_of(injector, "lee", LEE) == "payload of skin 64005"
    (report,) = reports
    assert all(o.status is InjectionStatus.INJECTED for o in report.outcomes)
    assert report.outcomes[1].source is not None
    assert report.outcomes[1].source.suffix == ".fantome"
    assert hook.last_report is report


def test_base_skin_without_chroma(tree: RoseTree, injector: FakeRoseInjector) -> None:
    game = Game(TeamView.classic(ME, AHRI, {"jinx": JINX}), [skin("jinx", JINX, 222002)])
    hook, _ = make_hook(tree, game)
    hook.prepare_party_mods(injector)
    assert payload_of(injector, "jinx", JINX) == "payload of skin 222002"


def test_missing_skin_is_reported_not_raised(tree: RoseTree, injector: FakeRoseInjector) -> None:
    game = Game(TeamView.classic(ME, AHRI, {"jinx": JINX}), [skin("jinx", JINX, 222031, 222040)])
    hook, _ = make_hook(tree, game)
    assert hook.prepare_party_mods(injector) == []
    (outcome,) = hook.last_report.outcomes
    assert outcome.status is InjectionStatus.MISSING_LOCALLY
    assert "222031" in outcome.detail and "222040" in outcome.detail
    assert folders(injector) == set()


def test_only_my_team_members_with_matching_champion(
    tree: RoseTree, injector: FakeRoseInjector
) -> None:
    team = TeamView.classic(ME, AHRI, {"jinx": JINX, "": LEE, "liar": 51})
    game = Game(
        team,
        [
            skin("jinx", JINX, 222002),
            skin("", LEE, 64005),  # hidden player cannot be matched
            skin("enemy", LEE, 64005),  # not on my team
            skin("liar", LEE, 64005),  # client shows champion 51 for them
            skin("stale", LEE, 64005, stale=True),
        ],
    )
    hook, _ = make_hook(tree, game)
    assert hook.prepare_party_mods(injector) == [mod_folder_name("jinx", JINX)]
    assert [o.status for o in hook.last_report.outcomes] == [
        InjectionStatus.INJECTED,
        InjectionStatus.NOT_ON_MY_TEAM,
        InjectionStatus.NOT_ON_MY_TEAM,
        InjectionStatus.CHAMPION_MISMATCH,
        InjectionStatus.STALE,
    ]
    assert folders(injector) == {mod_folder_name("jinx", JINX)}


def test_one_skin_per_champion_ours_first(tree: RoseTree, injector: FakeRoseInjector) -> None:
    team = TeamView.classic(ME, AHRI, {"ahri-friend": AHRI, "zed": JINX, "amy": JINX})
    game = Game(
        team,
        [
            skin("ahri-friend", AHRI, 103015),
            skin("zed", JINX, 222002),
            skin("amy", JINX, 222002, 222010),
        ],
    )
    hook, _ = make_hook(tree, game)
    assert hook.prepare_party_mods(injector) == [mod_folder_name("amy", JINX)]
    assert payload_of(injector, "amy", JINX) == "payload of chroma 222010"
    statuses = hook.last_report.statuses()
    assert statuses[("ahri-friend", AHRI)] is InjectionStatus.CHAMPION_TAKEN
    assert statuses[("zed", JINX)] is InjectionStatus.CHAMPION_TAKEN


def test_no_clash_between_members_and_leftovers_removed_between_games(
    tree: RoseTree, injector: FakeRoseInjector
) -> None:
    own = injector.extract_own_skin(tree.skins / "103" / "103015" / "103015.zip")
    team = TeamView.classic(ME, AHRI, {"a": JINX, "b": LEE})
    game = Game(team, [skin("a", JINX, 222002), skin("b", LEE, 64005)])
    hook, _ = make_hook(tree, game)
    first = hook.prepare_party_mods(injector)
    assert len(set(first)) == 2
    assert payload_of(injector, "a", JINX) == "payload of skin 222002"
    assert payload_of(injector, "b", LEE) == "payload of skin 64005"
    assert folders(injector) == {own, *first}

    # next game: only a is on my team, now playing Lee Sin
    game.team = TeamView.classic(ME, AHRI, {"a": LEE})
    game.skins = [skin("a", LEE, 64005)]
    second = hook.prepare_party_mods(injector)
    assert second == [mod_folder_name("a", LEE)]
    assert hook.last_report.removed_leftovers == tuple(first)
    assert folders(injector) == {own, *second}  # Rose's own folder untouched

    hook.cleanup(injector)
    assert folders(injector) == {own}


def test_ledger_cannot_point_outside_our_names(tree: RoseTree, injector: FakeRoseInjector) -> None:
    victim = injector.mods_dir / "Rose own skin"
    victim.mkdir()
    outside = injector.mods_dir.parent / "precious"
    outside.mkdir()
    (injector.mods_dir / LEDGER_NAME).write_text("Rose own skin\n../precious\n/tmp\n")
    hook, _ = make_hook(tree, Game(TeamView.classic(ME, AHRI), []))
    assert hook.prepare_party_mods(injector) == []
    assert victim.is_dir() and outside.is_dir()


def test_foreign_folder_with_our_name_is_not_overwritten(
    tree: RoseTree, injector: FakeRoseInjector
) -> None:
    name = mod_folder_name("jinx", JINX)
    (injector.mods_dir / name).mkdir()
    (injector.mods_dir / name / "keep.txt").write_text("not ours")
    game = Game(TeamView.classic(ME, AHRI, {"jinx": JINX}), [skin("jinx", JINX, 222002)])
    hook, _ = make_hook(tree, game)
    assert hook.prepare_party_mods(injector) == []
    assert hook.last_report.outcomes[0].status is InjectionStatus.REJECTED
    assert (injector.mods_dir / name / "keep.txt").read_text() == "not ours"


def test_custom_mod_by_content_hash(tree: RoseTree, injector: FakeRoseInjector) -> None:
    archive = tree.add_custom_archive(222002, "Arcane Jinx.fantome", "custom arcane")
    folder = tree.add_custom_folder(64005, "Lee folder mod", "custom lee")
    tree.add_custom_archive(222002, "Decoy.zip", "decoy")
    team = TeamView.classic(ME, AHRI, {"jinx": JINX, "lee": LEE})
    game = Game(
        team,
        [
            # the display name is a path on purpose: it must play no part
            skin("jinx", JINX, 222002, custom=CustomModRef(content_hash(archive), "Decoy.zip")),
            skin("lee", LEE, 64005, custom=CustomModRef(content_hash(folder), "../../x")),
        ],
    )
    hook, _ = make_hook(tree, game)
    # a custom mod on a non-base skin brings that skin as its carrier, first (as Rose does)
    assert hook.prepare_party_mods(injector) == [
        carrier_folder_name("jinx", JINX),
        mod_folder_name("jinx", JINX),
        carrier_folder_name("lee", LEE),
        mod_folder_name("lee", LEE),
    ]
    assert payload_of(injector, "jinx", JINX) == "payload of custom arcane"
    assert payload_of(injector, "lee", LEE) == "payload of custom lee"
    carrier = read_payload(injector.mods_dir / carrier_folder_name("jinx", JINX))
    assert carrier == "payload of skin 222002"
    assert [o.source for o in hook.last_report.outcomes] == [archive, folder]


def test_custom_mod_missing_falls_back_to_the_skin(
    tree: RoseTree, injector: FakeRoseInjector
) -> None:
    ref = CustomModRef("12" * 32, "Something I do not have")
    game = Game(
        TeamView.classic(ME, AHRI, {"jinx": JINX}), [skin("jinx", JINX, 222002, custom=ref)]
    )
    hook, _ = make_hook(tree, game)
    hook.prepare_party_mods(injector)
    (outcome,) = hook.last_report.outcomes
    assert outcome.status is InjectionStatus.INJECTED
    assert "custom mod not found" in outcome.detail
    assert payload_of(injector, "jinx", JINX) == "payload of skin 222002"


def test_malicious_member(tree: RoseTree, injector: FakeRoseInjector, tmp_path: Path) -> None:
    # chroma archive with a traversal member, a zip-bomb skin, a skin linked out of the root,
    # and path-like puuid and names: nothing may be written outside the mods dir.
    make_zip(
        tree.skins / "222" / "222031" / "222011" / "222011.zip",
        {"META/info.json": b"{}", "../../../../pwned.txt": b"owned"},
    )
    make_zip(tree.skins / "64" / "64007" / "64007.zip", {"WAD/zeros": bytes(3 << 20)})
    secret = make_zip(tmp_path / "outside" / "secret.zip", {"META/info.json": b"secret"})
    (tree.skins / "51" / "51003").mkdir(parents=True)
    (tree.skins / "51" / "51003" / "51003.zip").symlink_to(secret)
    evil = "../../" + "\\..\\C:" * 3
    team = TeamView.classic(ME, AHRI, {evil: JINX, "bomb": LEE, "link": 51})
    game = Game(
        team,
        [
            skin(evil, JINX, 222031, 222011, name="../../etc/passwd"),
            skin("bomb", LEE, 64007, name="/abs"),
            skin("link", 51, 51003, custom=CustomModRef("not-a-hash/../../", "x")),
        ],
    )
    hook, _ = make_hook(tree, game, ArchiveLimits(max_total_bytes=1 << 20))
    assert hook.prepare_party_mods(injector) == []
    assert [o.status for o in hook.last_report.outcomes] == [InjectionStatus.REJECTED] * 3
    assert "escapes" in hook.last_report.outcomes[0].detail
    assert "more than" in hook.last_report.outcomes[1].detail
    assert not list(tmp_path.rglob("pwned.txt"))
    assert folders(injector) == set()

    # the same link, with a valid (unknown) hash, still is not followed
    game.skins = [skin("link", 51, 51003)]
    hook.prepare_party_mods(injector)
    assert hook.last_report.outcomes[0].status is InjectionStatus.REJECTED
    assert "inside the skins folder" in hook.last_report.outcomes[0].detail


def test_swiftplay_two_champions_per_member(tree: RoseTree, injector: FakeRoseInjector) -> None:
    team = TeamView.swiftplay(ME, (AHRI, 51), {"friend": (JINX, LEE)})
    game = Game(team, [skin("friend", JINX, 222002, 222010), skin("friend", LEE, 64005)])
    hook, _ = make_hook(tree, game)
    names = hook.prepare_party_mods(injector)
    assert names == [mod_folder_name("friend", JINX), mod_folder_name("friend", LEE)]
    assert payload_of(injector, "friend", JINX) == "payload of chroma 222010"
    assert payload_of(injector, "friend", LEE) == "payload of skin 64005"


def test_party_only_injection_when_our_skin_is_default(
    tree: RoseTree, injector: FakeRoseInjector
) -> None:
    # Our own pick is Ahri's default skin: Rose injects nothing of ours, friends still go in.
    game = Game(TeamView.classic(ME, AHRI, {"jinx": JINX}), [skin("jinx", JINX, 222002)])
    hook, reports = make_hook(tree, game)
    report = hook.inject_party_skins_only(injector, injector.run_overlay)
    assert injector.overlays == [[mod_folder_name("jinx", JINX)]]
    assert report.overlay_ok is True
    assert reports[-1] is report

    game.skins = [skin("jinx", JINX, 222000)]  # friend on default too: no overlay at all
    report = hook.inject_party_skins_only(injector, injector.run_overlay)
    assert len(injector.overlays) == 1
    assert report.overlay_ok is None
    assert report.outcomes[0].status is InjectionStatus.DEFAULT_SKIN
    assert folders(injector) == set()


def test_failing_providers_and_runner_never_raise(
    tree: RoseTree, injector: FakeRoseInjector
) -> None:
    def boom() -> TeamView:
        raise RuntimeError("LCU went away")

    hook = PartyInjectionHook(tree.skins, tree.custom, boom, list)
    assert hook.prepare_party_mods(injector) == []

    def bad_runner(names: list[str]) -> bool:
        raise OSError("mod-tools crashed")

    game = Game(TeamView.classic(ME, AHRI, {"jinx": JINX}), [skin("jinx", JINX, 222002)])
    hook, _ = make_hook(tree, game)
    assert hook.inject_party_skins_only(injector, bad_runner).overlay_ok is False


def test_concurrent_calls_are_serialised(tree: RoseTree, injector: FakeRoseInjector) -> None:
    team = TeamView.classic(ME, AHRI, {"a": JINX, "b": LEE})
    game = Game(team, [skin("a", JINX, 222002, 222010), skin("b", LEE, 64005)])
    hook, _ = make_hook(tree, game)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(hook.prepare_party_mods(injector))
        except BaseException as exc:  # pragma: no cover - the assertion reports it
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    expected = [mod_folder_name("a", JINX), mod_folder_name("b", LEE)]
    assert results == [expected] * 4
    assert payload_of(injector, "a", JINX) == "payload of chroma 222010"
    assert folders(injector) == set(expected)


def test_half_extracted_folder_from_a_crash_is_removed(
    tree: RoseTree, injector: FakeRoseInjector
) -> None:
    name = mod_folder_name("gone", JINX)
    OwnedFolders(injector.mods_dir).claim(name)
    (injector.mods_dir / name / "WAD").mkdir(parents=True)  # the crash left this behind
    hook, _ = make_hook(tree, Game(TeamView.classic(ME, AHRI), []))
    assert hook.prepare_party_mods(injector) == []
    assert hook.last_report.removed_leftovers == (name,)
    assert folders(injector) == set()


def test_from_rose_data_dir(tree: RoseTree, injector: FakeRoseInjector) -> None:
    game = Game(TeamView.classic(ME, AHRI, {"jinx": JINX}), [skin("jinx", JINX, 222002, 222010)])
    hook = PartyInjectionHook.from_rose_data_dir(tree.skins.parent, game.get_team, game.get_skins)
    assert hook.prepare_party_mods(injector) == [mod_folder_name("jinx", JINX)]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    puuid=st.text(min_size=1, max_size=40),
    name=st.text(max_size=40),
    mod_name=st.text(max_size=40),
)
def test_random_member_names_never_escape_the_mods_dir(
    tree: RoseTree, injector: FakeRoseInjector, puuid: str, name: str, mod_name: str
) -> None:
    before = {p for p in tree.base.rglob("*") if not p.is_relative_to(injector.mods_dir)}
    ref = CustomModRef("34" * 32, mod_name)
    game = Game(
        TeamView.classic(ME, AHRI, {puuid: JINX}),
        [skin(puuid, JINX, 222002, name=name, custom=ref)],
    )
    hook, _ = make_hook(tree, game)
    names = hook.prepare_party_mods(injector) if puuid != ME else []
    after = {p for p in tree.base.rglob("*") if not p.is_relative_to(injector.mods_dir)}
    assert after == before
    for entry in injector.mods_dir.iterdir():
        assert entry.name in {*names, LEDGER_NAME}
    hook.cleanup(injector)
