"""Forms, Rose's lookups and the loud outcomes, with Rose's layouts built in tmp."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from webrtc_party.party import Selection
from webrtc_party.rose import (
    CustomModRef,
    InjectionReport,
    InjectionStatus,
    PartyInjectionHook,
    PartySkin,
    TeamView,
)
from webrtc_party.rose.forms import FORMS, form_of, normalize
from webrtc_party.rose.installed import SkinFiles
from webrtc_party.rose.layout import RoseLayout, skin_file_candidates
from webrtc_party.rose.modindex import content_hash
from webrtc_party.rose.outcomes import describe_look
from webrtc_party.rose.planning import carrier_folder_name, mod_folder_name
from webrtc_party.rose.preparer import PartyModPreparer

from .hook_kit import RoseData, RoseShapedInjector
from .rose_kit import mod_payload, read_payload, skin

LUX, JINX, MF, AHRI = 99, 222, 21, 103


def test_form_table_holds_roses_ids() -> None:
    assert sorted(i for i in FORMS if FORMS[i].base_skin_id == 99007) == list(range(99991, 100000))
    assert {i: FORMS[i].base_skin_id for i in (82998, 82999, 25999, 875998, 147003, 21997)} == {
        82998: 82054,
        82999: 82054,
        25999: 25080,
        875998: 875066,
        147003: 147001,
        21997: 21016,
    }
    assert form_of(99999) is not None and form_of(99999).file_stems == (  # type: ignore[union-attr]
        "Lux Elementalist Fire",
        "Elementalist Lux Fire",
    )
    assert form_of(222010) is None
    # Rose stores a form's fake id as the hovered skin: it is that form of the base skin
    assert normalize(99991, None) == (99007, 99991)
    assert normalize(99007, 99991) == (99007, 99991)
    assert normalize(222002, 222010) == (222002, 222010)


def test_lookups_follow_roses_resolver(tmp_path: Path) -> None:
    data = RoseData(tmp_path)
    root = data.skins
    chroma = data.add_chroma(JINX, 222002, 222010)
    named = data.add_named_form("Lux/Forms/Lux Elementalist Air.fantome")

    def first(champion: int, skin_id: int, chroma_id: int | None) -> Path | None:
        for c in skin_file_candidates(root, champion, skin_id, chroma_id):
            if c.path.is_file():
                return c.path
        return None

    assert first(JINX, 222002, 222010) == chroma
    assert first(JINX, 222010, None) == chroma  # a chroma named as the skin
    assert first(JINX, 222099, 222010) == chroma  # Rose looks in every skin folder
    assert first(LUX, 99007, 99991) == named  # Rose's form file name, anywhere below skins/
    assert first(LUX, 99007, 99992) is None
    layout = RoseLayout.from_folders(root, tmp_path / "inj")
    assert layout.custom_mods == data.custom
    assert RoseLayout.from_data_dir(data.root).skins == root


def _hook(data: RoseData, skins: list[PartySkin], team: TeamView) -> PartyModPreparer:
    return PartyModPreparer(data.skins, data.custom, lambda: team, lambda: skins)


def test_forms_and_their_fallbacks_are_loud(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = RoseData(tmp_path)
    data.add_skin(LUX, 99007)
    data.add_chroma(LUX, 99007, 99993)
    data.add_skin(MF, 21016)
    injector = RoseShapedInjector(data)
    team = TeamView.classic("me", AHRI, {"lux": LUX, "mf": MF, "lux2": LUX})
    picks = [
        skin("lux", LUX, 99993, name="Lux Main#EUW"),  # Ice, as Rose stores it
        skin("mf", MF, 21016, 21999, name="MF#EUW"),  # Starswarm, file missing
    ]
    preparer = _hook(data, picks, team)
    with caplog.at_level(logging.INFO):
        report = preparer.prepare(injector)
    ice, starswarm = report.outcomes
    assert ice.status is InjectionStatus.INJECTED and not ice.degraded
    assert ice.detail == "skin 99007 in form Ice (99993) (99993.zip)"
    assert (
        read_payload(injector.mods_dir / mod_folder_name("lux", LUX)) == "payload of chroma 99993"
    )
    assert starswarm.status is InjectionStatus.INJECTED and starswarm.degraded
    assert "without form Starswarm (21999)" in starswarm.detail
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "'MF#EUW'" in warnings[0] and "Starswarm" in warnings[0]

    unknown = _hook(data, [skin("lux", LUX, 99007, 99950)], team).prepare(injector)
    (outcome,) = unknown.outcomes
    assert outcome.degraded and "without form 99950: Rose knows no such form" in outcome.detail


def test_custom_mod_carrier_rules(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = RoseData(tmp_path)
    injector = RoseShapedInjector(data)
    mod = data.add_custom_archive(JINX, "Arcane.fantome", mod_payload("arcane"))
    base_mod = data.add_custom_archive(JINX, "Base.zip", mod_payload("base mod"))
    team = TeamView.classic("me", AHRI, {"j": JINX})
    ref = CustomModRef(content_hash(mod), "Arcane")

    # the carrier skin is missing: the mod alone, and a warning that says what that means
    with caplog.at_level(logging.WARNING):
        report = _hook(data, [skin("j", JINX, 222002, custom=ref)], team).prepare(injector)
    (outcome,) = report.outcomes
    assert report.mod_names == [mod_folder_name("j", JINX)]
    assert outcome.degraded and "without its carrier" in outcome.detail
    assert "only if they own that skin" in caplog.text

    # with a chroma picked, the chroma is the carrier (as Rose's carrier rule)
    data.add_chroma(JINX, 222002, 222010)
    report = _hook(data, [skin("j", JINX, 222002, 222010, custom=ref)], team).prepare(injector)
    assert report.mod_names == [carrier_folder_name("j", JINX), mod_folder_name("j", JINX)]
    carrier = read_payload(injector.mods_dir / carrier_folder_name("j", JINX))
    assert carrier == "payload of chroma 222010"

    # a mod for the champion's base skin needs no carrier
    base_ref = CustomModRef(content_hash(base_mod), "Base")
    report = _hook(data, [skin("j", JINX, 222000, custom=base_ref)], team).prepare(injector)
    assert report.mod_names == [mod_folder_name("j", JINX)]
    assert not (injector.mods_dir / carrier_folder_name("j", JINX)).exists()  # last game's gone


def test_rose_hook_reads_roses_folders_from_the_injector(tmp_path: Path) -> None:
    data = RoseData(tmp_path)
    folder = data.import_custom(
        JINX,
        data.add_custom_archive(JINX, "src.zip", mod_payload("imported")),
        [222002],
        "Imported",
    )
    (data.champion_mods(JINX) / "src.zip").unlink()  # only the imported folder remains

    class Manager:
        enabled = True

        def get_party_skins(self) -> list[PartySkin]:
            return [skin("j", JINX, 222000, custom=CustomModRef(content_hash(folder), "x"))]

        def get_team_view(self) -> TeamView:
            return TeamView.classic("me", AHRI, {"j": JINX})

        def publish_injection_report(self, report: InjectionReport) -> None:
            self.report = report

    injector = RoseShapedInjector(data)
    hook = PartyInjectionHook(Manager(), None, None)
    assert hook.prepare_party_mods(injector) == [mod_folder_name("j", JINX)]
    assert read_payload(injector.mods_dir / mod_folder_name("j", JINX)) == "payload of imported"
    assert hook.last_report.outcomes[0].source == folder
    assert hook.cleanup(injector) == [mod_folder_name("j", JINX)]


def test_panel_installed_check_agrees_with_the_hook(tmp_path: Path) -> None:
    data = RoseData(tmp_path)
    data.add_chroma(LUX, 99007, 99991)
    files = SkinFiles(data.skins, data.custom)
    assert files.check(Selection(LUX, 99991)) is True  # the form named as the skin
    assert files.check(Selection(LUX, 99007, 99992)) is False
    assert describe_look(99007, 99991) == "skin 99007 in form Air (99991)"


def test_hooks_built_per_injection_share_one_lock_per_mods_folder(tmp_path: Path) -> None:
    """Rose builds a new hook for every injection; two at once must not interleave."""
    data = RoseData(tmp_path)
    data.add_chroma(JINX, 222002, 222010)
    data.add_skin(LUX, 99007)

    class Manager:
        enabled = True

        def get_party_skins(self) -> list[PartySkin]:
            return [skin("j", JINX, 222002, 222010), skin("l", LUX, 99007)]

        def get_team_view(self) -> TeamView:
            return TeamView.classic("me", AHRI, {"j": JINX, "l": LUX})

        def publish_injection_report(self, report: InjectionReport) -> None:
            pass

    injector = RoseShapedInjector(data)
    results: list[list[str]] = []
    manager = Manager()
    threads = [
        threading.Thread(
            target=lambda: results.append(
                PartyInjectionHook(manager, None, None).prepare_party_mods(injector)
            )
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    expected = [mod_folder_name("j", JINX), mod_folder_name("l", LUX)]
    assert results == [expected] * 4
    assert read_payload(injector.mods_dir / expected[0]) == "payload of chroma 222010"
    assert read_payload(injector.mods_dir / expected[1]) == "payload of skin 99007"
