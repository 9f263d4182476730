"""The party panel end to end in a real chromium: two League client pages, each with the
plugin, each talking to its own real bridge in front of a real party service (party node on
loopback, emulated League client). A invites, B answers, both see each other with the right
skin; a bad token shows its error; removing a member updates both panels.

Set ``WEBRTC_PARTY_SCREENSHOTS=1`` to (re)write the screenshots in docs/images/.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import time
from pathlib import Path

import pytest

from tests.ui.needs import require_browser

require_browser()
pytest.importorskip("webrtc_party.rose.bridge_server", reason="the UI bridge (issue 6) is missing")

from playwright.async_api import Browser, Page, expect  # noqa: E402

from signaling.errors import TokenError  # noqa: E402
from signaling.token import encode_token, parse_token  # noqa: E402
from tests.rose.party_kit import clients_known  # noqa: E402
from tests.rose.rose_kit import make_zip, mod_payload  # noqa: E402
from tests.ui.harness import ROOT, ClientPage, ClientPageServer  # noqa: E402
from tests.ui.panel_kit import damaged, open_panel, paste  # noqa: E402
from tests.ui.party_members import ui_members  # noqa: E402
from webrtc_party.rose.bridge_server import BridgeServer  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

OPTIONS = {"sharedBridgeWaitMs": 200}  # no ROSE-SkinMonitor here: use our own socket soon
IMAGES = ROOT / "docs" / "images"


def screenshot_dir(tmp_path: Path) -> Path:
    return IMAGES if os.environ.get("WEBRTC_PARTY_SCREENSHOTS") == "1" else tmp_path


async def shoot(page: Page, folder: Path, name: str) -> None:
    """The panel with the social bar below it, as the user sees it in the client."""
    box = await page.locator("#rpm-panel").bounding_box()
    assert box is not None
    x = max(0.0, box["x"] - 16)
    y = max(0.0, box["y"] - 16)
    clip = {"x": x, "y": y, "width": 1280 - x, "height": 720 - y}
    await page.screenshot(path=str(folder / name), clip=clip)  # type: ignore[arg-type]


async def test_two_members_link_through_their_panels(
    browser: Browser, page_server: ClientPageServer, tmp_path: Path
) -> None:
    shots = screenshot_dir(tmp_path)
    async with (
        ui_members(tmp_path, 2, page_server.origin) as (a, b),
        contextlib.AsyncExitStack() as pages,
    ):
        # A has Jinx's skin on disk, B has nothing: B's panel warns about A's Ahri skin.
        make_zip(a.skins_root / "222" / "222002" / "222002.zip", mod_payload("firecracker"))
        await clients_known(a.service, b.service)
        pa = await ClientPage.open(browser, page_server, key_dir=a.bridge.key_dir, options=OPTIONS)
        pb = await ClientPage.open(browser, page_server, key_dir=b.bridge.key_dir, options=OPTIONS)
        for client in (pa, pb):  # closed before the bridges (their sockets would hold them)
            pages.push_async_callback(client.close)
        panel_a = await open_panel(pa)
        panel_b = await open_panel(pb)
        await expect(panel_a).to_have_attribute("data-enabled", "false")
        await expect(panel_a.locator("[data-role=me]")).to_contain_text("Ahri Main#EUW")

        # A makes an invite: token, QR from the bridge, countdown.
        await panel_a.locator("[data-role=create-invite]").click()
        invite_box = panel_a.locator("[data-role=invite-token]")
        await expect(invite_box).to_have_value(re.compile(r"^wpi"))
        await expect(panel_a).to_have_attribute("data-enabled", "true")
        invite = await invite_box.input_value()
        assert invite.startswith("wpi")
        assert await invite_box.get_attribute("readonly") is not None
        await expect(panel_a.locator("[data-role=invite-countdown]")).to_have_text(
            re.compile(r"expires in (9|10):\d\d")
        )
        await pa.page.wait_for_function(
            "document.querySelector('[data-role=invite-qr]').naturalWidth > 0"
        )
        copy = panel_a.locator("[data-role=invite-copy]")
        await copy.click()
        await expect(copy).to_have_text("Copied")
        assert await pa.page.evaluate("navigator.clipboard.readText()") == invite
        await shoot(pa.page, shots, "panel-invite.png")

        # B pastes it as it arrived in chat: quoted, broken over two lines, with words around.
        await paste(panel_b, f"Ahri Main: here `{invite[:40]}\n{invite[40:]}` see you in game!")
        answer_box = panel_b.locator("[data-role=answer-token]")
        await expect(panel_b.locator("[data-role=answer]")).to_be_visible()
        answer = await answer_box.input_value()
        assert answer.startswith("wpa")
        await expect(panel_b.locator("[data-role=paste-note]")).to_contain_text("send your answer")
        await expect(panel_b.locator("[data-role=paste]")).to_have_value("")
        await pb.page.wait_for_function(
            "document.querySelector('[data-role=answer-qr]').naturalWidth > 0"
        )
        await shoot(pb.page, shots, "panel-answer.png")

        # A pastes B's answer: the link completes.
        await paste(panel_a, answer)
        # Accepted (the box empties; the note "Answer accepted: connecting..." lasts only until
        # the link is up, which on loopback may be before this line runs).
        await expect(panel_a.locator("[data-role=paste]")).to_have_value("")
        await expect(panel_a.locator("[data-role=paste-note]")).not_to_have_attribute(
            "data-kind", "error"
        )

        # Champion select with picks and skins on both clients.
        for m in (a, b):
            await m.emu.run_until("skins")
        row_b_in_a = panel_a.locator(".rpm-member", has_text="Jinx Enjoyer#EUW")
        row_a_in_b = panel_b.locator(".rpm-member", has_text="Ahri Main#EUW")
        await expect(row_b_in_a.locator("[data-role=status]")).to_have_text(
            re.compile(r"^direct"), timeout=20_000
        )
        await expect(row_a_in_b.locator("[data-role=status]")).to_have_text(
            re.compile(r"^direct"), timeout=20_000
        )
        await expect(row_b_in_a.locator("[data-role=skin]")).to_have_text(
            "Jinx · Firecracker Jinx", timeout=10_000
        )
        await expect(row_a_in_b.locator("[data-role=skin]")).to_have_text(
            "Ahri · Dynasty Ahri", timeout=10_000
        )
        await expect(row_a_in_b.locator("[data-role=skin-missing]")).to_be_visible(timeout=10_000)
        await expect(row_b_in_a.locator("[data-role=skin-missing]")).to_have_count(0)
        for client in (pa, pb):  # the League client's skin tile is shown
            await client.page.wait_for_function(
                "document.querySelector('.rpm-member img')?.naturalWidth === 64"
            )
        # The invite and the answer were used: their boxes are gone.
        await expect(panel_a.locator("[data-role=invite-token]")).to_be_hidden()
        await expect(panel_b.locator("[data-role=answer]")).to_be_hidden()
        await expect(pa.page.locator("#rpm-party-button .rpm-badge")).to_have_text("1")
        await shoot(pa.page, shots, "panel-members.png")
        await shoot(pb.page, shots, "panel-members-missing-skin.png")

        # A damaged token: the bridge's own words.
        bad = damaged(invite)
        with pytest.raises(TokenError) as caught:
            parse_token(bad)
        await paste(panel_b, bad)
        note = panel_b.locator("[data-role=paste-note]")
        await expect(note).to_have_attribute("data-kind", "error")
        await expect(note).to_have_text(str(caught.value))
        await expect(panel_b.locator("[data-role=paste]")).to_have_value(bad)  # kept to fix
        await shoot(pb.page, shots, "panel-error.png")
        # An invite made 30 minutes ago (10 minutes to live): how long ago it expired.
        stale = dataclasses.replace(parse_token(invite), created=int(time.time()) - 1800)
        await paste(panel_b, encode_token(stale))
        await expect(note).to_have_text(
            re.compile(r"^This invite expired (19|20) minutes ago; ask for a new one\.$")
        )

        # Our own token pasted back into our own panel: said so, nothing else happens.
        own_box = panel_a.locator("[data-role=invite-token]")
        await expect(own_box).to_have_value("")  # the used invite is gone
        await panel_a.locator("[data-role=create-invite]").click()
        await expect(own_box).to_have_value(re.compile(r"^wpi"))
        assert await own_box.input_value() != invite
        await paste(panel_a, await own_box.input_value())
        note_a = panel_a.locator("[data-role=paste-note]")
        await expect(note_a).to_have_attribute("data-kind", "error")
        await expect(note_a).to_contain_text("This is your own invite")
        await expect(panel_a.locator(".rpm-member")).to_have_count(1)

        # A removes B: both panels update.
        await row_b_in_a.locator("[data-role=remove]").click()
        await expect(panel_a.locator(".rpm-member")).to_have_count(0, timeout=10_000)
        await expect(panel_a.locator("[data-role=members-empty]")).to_be_visible()
        # B is told honestly: A's link is gone, A is "lost" (no longer counted as linked).
        await expect(row_a_in_b.locator("[data-role=status]")).to_have_text("lost", timeout=20_000)
        await expect(row_a_in_b).to_have_attribute("data-status", "lost")
        await expect(pb.page.locator("#rpm-party-button .rpm-badge")).to_have_text("")

        # B turns party mode off.
        await panel_b.locator("[data-role=toggle]").click()
        await expect(panel_b).to_have_attribute("data-enabled", "false", timeout=10_000)
        await expect(panel_b.locator("[data-role=off]")).to_be_visible()
        assert not b.service.enabled

        # A whole session: no request answered 404 (or any error), League tiles included.
        for client in (pa, pb):
            client.assert_clean(allow_tiles=False)


async def test_panel_reconnects_and_asks_again_when_the_bridge_restarts(
    browser: Browser, page_server: ClientPageServer, tmp_path: Path
) -> None:
    async with (
        ui_members(tmp_path, 1, page_server.origin) as (a,),
        contextlib.AsyncExitStack() as bridges,
        contextlib.AsyncExitStack() as pages,  # closed first: open sockets hold a bridge
    ):
        await clients_known(a.service)
        await a.service.enable()
        port = a.bridge.port
        client = await ClientPage.open(
            browser, page_server, key_dir=a.bridge.key_dir, options=OPTIONS
        )
        pages.push_async_callback(client.close)
        panel = await open_panel(client)
        await expect(panel).to_have_attribute("data-enabled", "true")

        # The game starts: the DOM watcher pauses (phase from the real bridge), then resumes.
        watching = "window.__rosePartyModeWatching"
        await a.emu.run_until("in-progress")
        await client.page.wait_for_function(f"{watching} === false", timeout=10_000)
        await expect(panel.locator("[data-role=me]")).to_contain_text("in game")
        await a.emu.run_until("waiting-for-stats")
        await client.page.wait_for_function(f"{watching} === true", timeout=10_000)

        await a.bridge.stop()
        await expect(panel).to_have_attribute("data-bridge", "disconnected", timeout=10_000)
        await expect(panel.locator("[data-role=bridge]")).to_have_text("no bridge, retrying…")
        await a.service.disable()  # changed while the panel could not hear it

        old_key = a.bridge.key
        # A new launch: a new key in the same plugin folder; the panel reads it again.
        restarted = BridgeServer(
            a.service,
            port=port,
            tries=1,
            key_dir=a.bridge.key_dir,
            allowed_origins=[page_server.origin],
        )
        await restarted.start()
        assert restarted.key != old_key
        bridges.push_async_callback(restarted.stop)
        await expect(panel).to_have_attribute("data-bridge", "connected", timeout=15_000)
        # It asked for the state again: the panel shows the party off.
        await expect(panel).to_have_attribute("data-enabled", "false", timeout=5_000)
        client.assert_clean(allow_tiles=False)
