"""League chat in the panel, in a real chromium: the opt-in toggle with its one-time
explanation, a member linked through the (emulated) League chat shown verified, and a
remembered friend forgotten from the panel. Two emulated clients share one chat; each has a
real party service (with its own data dir) behind a real bridge."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

from tests.ui.needs import require_browser

require_browser()

from playwright.async_api import Browser, Locator, expect  # noqa: E402

from tests.chat.chat_kit import chat_party  # noqa: E402
from tests.ui.harness import ClientPage, ClientPageServer, free_port  # noqa: E402
from tests.ui.panel_kit import open_panel  # noqa: E402
from webrtc_party.rose.bridge_server import BridgeServer  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

OPTIONS = {"sharedBridgeWaitMs": 200}


async def turn_chat_on(panel: Locator, *, explained: bool) -> None:
    toggle = panel.locator("[data-role=chat-toggle]")
    await expect(toggle).not_to_be_checked()
    await toggle.click()
    explain = panel.locator("[data-role=chat-explain]")
    if explained:
        await expect(explain).to_be_hidden()
    else:
        await expect(explain).to_be_visible()
        await expect(explain).to_contain_text("ONE direct message")
        await expect(explain).to_contain_text("ignore if you don't use it")
        await expect(toggle).not_to_be_checked()  # nothing sent before the user agrees
        await panel.locator("[data-role=chat-explain-ok]").click()
    await expect(toggle).to_be_checked()


async def test_toggle_explains_once_verified_badge_and_forget(
    browser: Browser, page_server: ClientPageServer, tmp_path: Path
) -> None:
    async with (
        chat_party(tmp_path, 2, wired=True) as (hub, members),
        contextlib.AsyncExitStack() as stack,
    ):
        panels = []
        for i, m in enumerate(members):
            assert m.service is not None
            key_dir = tmp_path / f"plugin{i}" / "ROSE-PartyMode"
            key_dir.mkdir(parents=True)
            bridge = await stack.enter_async_context(
                BridgeServer(
                    m.service,
                    port=free_port(),
                    tries=1,
                    key_dir=key_dir,
                    allowed_origins=[page_server.origin],
                )
            )
            client = await ClientPage.open(
                browser, page_server, key_dir=bridge.key_dir, options=OPTIONS
            )
            stack.push_async_callback(client.close)
            panels.append(await open_panel(client))
        a, b = panels
        await expect(a.locator("[data-role=chat-section]")).to_be_visible()

        # cancel first: nothing changes, nothing is saved
        await a.locator("[data-role=chat-toggle]").click()
        await a.locator("[data-role=chat-explain-cancel]").click()
        await expect(a.locator("[data-role=chat-explain]")).to_be_hidden()
        assert not (tmp_path / "data" / "m0" / "settings.json").exists()

        await turn_chat_on(a, explained=False)
        saved = json.loads((tmp_path / "data" / "m0" / "settings.json").read_text())
        assert saved == {"version": 1, "league_chat": True, "explained": True}
        await a.locator("[data-role=chat-toggle]").click()  # off, then on: no second time
        await expect(a.locator("[data-role=chat-toggle]")).not_to_be_checked()
        await turn_chat_on(a, explained=True)
        await turn_chat_on(b, explained=False)

        assert hub.sent == []  # the party is still off: no message
        for panel in panels:
            await panel.locator("[data-role=toggle]").click()
            await expect(panel).to_have_attribute("data-enabled", "true")
        for panel, other in ((a, members[1]), (b, members[0])):
            row = panel.locator(f"[data-member='{other.puuid}']")
            await expect(row).to_be_visible(timeout=30_000)
            await expect(row.locator("[data-role=verified]")).to_be_visible(timeout=30_000)
            await expect(row.locator("[data-role=verified]")).to_contain_text("verified")
        assert len(hub.sent) == 2  # one invite, one answer: nobody pasted

        friend = a.locator(f"[data-role=remembered] [data-friend='{members[1].puuid}']")
        await expect(friend).to_contain_text("Jinx Enjoyer#EUW", timeout=10_000)
        await friend.locator("[data-role=forget]").click()
        await expect(a.locator("[data-role=remembered-section]")).to_be_hidden()
        assert members[0].service is not None
        assert members[0].service.chat.info().remembered == ()
        saved = json.loads((tmp_path / "data" / "m0" / "friends.json").read_text())
        assert saved["friends"] == []
