"""The plugin alone in a real chromium: the social-bar button, the panel, the DOM watcher,
and rendering through ``window.__roseBridge`` (the ROSE-SkinMonitor shared bridge, recorded
here because Rose itself cannot run in a test). The flow against the real bridge and real
party nodes is in test_panel_flow.py.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from tests.ui.needs import require_browser

require_browser()

from playwright.async_api import Browser, expect  # noqa: E402

from tests.ui.harness import ClientPage, ClientPageServer, free_port, png  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

# A stand-in for ROSE-SkinMonitor's shared bridge, shaped as it publishes it (a frozen
# object: send, subscribe, unsubscribe, onReady, and port/ready getters), with no socket
# behind it: window.__testRose records what the plugin sends and delivers messages as
# Rose's Python side would. (tests/ui/rose_bridge.js is the real-socket version.)
SHARED_BRIDGE = """
(() => {
  const subs = new Map();
  const ready = new Set();
  const deliver = (msg) => (subs.get(msg.type) || new Set()).forEach((cb) => cb(msg));
  const test = { sent: [], deliver };
  window.__testRose = test;
  window.__roseBridge = Object.freeze({
    send(obj) { test.sent.push(JSON.parse(JSON.stringify(obj))); },
    subscribe(type, cb) { if (!subs.has(type)) subs.set(type, new Set()); subs.get(type).add(cb); },
    unsubscribe(type, cb) { const s = subs.get(type); if (s) s.delete(cb); },
    onReady(cb) { ready.add(cb); cb(); },
    get port() { return 50000; },
    get ready() { return true; },
  });
})();
"""

TILE = png(64, 64, (200, 170, 110), (10, 50, 60))


def member(riot_id: str, status: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "puuid": f"puuid-{riot_id}",
        "summoner_id": 3894416720352768 + len(riot_id),  # as large as real ones get
        "riot_id": riot_id,
        "is_local": False,
        "status": status,
        "status_text": status,
        "via": None,
        "path": "host" if status == "direct" else None,
        "rtt_ms": None,
        "last_seen": None,
        "in_lobby": True,
        "on_team": False,
        "phase": "lobby",
        "champion_id": None,
        "champion_name": None,
        "skin_id": None,
        "skin_name": None,
        "chroma_id": None,
        "chroma_name": None,
        "custom_mod": None,
        "skin_installed": None,
        "stale": False,
    }
    base.update(extra)
    return base


def state(members: list[dict[str, Any]], phase: str = "Lobby", **extra: Any) -> dict[str, Any]:
    me = member("Me Myself#EUW", "self", is_local=True)
    msg: dict[str, Any] = {
        "type": "party-state",
        "bridge_version": 1,
        "enabled": True,
        "phase": phase,
        "pending": [],
        "me": me,
        "members": members,
        "timestamp": time.time(),
    }
    msg.update(extra)
    return msg


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tile_server() -> AsyncIterator[ClientPageServer]:
    async with ClientPageServer(tiles={(222, 222002): TILE}) as server:
        yield server


async def test_button_appears_and_panel_opens_without_bridge(browser: Browser) -> None:
    dead = free_port()  # no bridge anywhere the plugin looks
    options = {"firstPort": dead, "lastPort": dead, "sharedBridgeWaitMs": 100}
    async with ClientPageServer() as server:
        client = await ClientPage.open(browser, server, options=options)
        page = client.page
        button = page.locator(".lol-social-actions-bar .buttons #rpm-party-button")
        await expect(button).to_be_visible()
        panel = page.locator("#rpm-panel")
        await expect(panel).to_be_hidden()

        await button.click()
        await expect(panel).to_be_visible()
        await expect(panel).to_have_attribute("data-bridge", "disconnected")
        await expect(panel.locator("[data-role=off]")).to_contain_text("Waiting for the party")
        await expect(panel.locator("[data-role=toggle]")).to_be_disabled()
        box = await panel.bounding_box()
        assert box is not None and box["x"] >= 0 and box["y"] >= 0
        assert box["y"] + box["height"] <= 720 and box["x"] + box["width"] <= 1280

        await page.keyboard.press("Escape")
        await expect(panel).to_be_hidden()

        # The client re-renders its social bar: the watcher puts the button back.
        await page.evaluate("window.__testClient.rebuildSocialBar()")
        await expect(button).to_have_count(1)
        await expect(button).to_be_visible()
        client.assert_clean()
        await client.close()


async def test_shared_bridge_renders_members_and_pauses_in_game(
    browser: Browser, tile_server: ClientPageServer
) -> None:
    client = await ClientPage.open(browser, tile_server, options={"sharedBridgeWaitMs": 3000})
    page = client.page
    await page.evaluate(SHARED_BRIDGE)  # the plugin polls for it (Rose loads it later)
    button = page.locator("#rpm-party-button")
    await expect(button).to_be_visible()
    # It adopted the shared bridge and asked for the state.
    await page.wait_for_function("window.__testRose.sent.some((m) => m.type === 'party-get-state')")
    members = [
        member(
            "Jinx Enjoyer#EUW",
            "direct",
            status_text="direct",
            rtt_ms=12.4,
            champion_id=222,
            champion_name="Jinx",
            skin_id=222002,
            skin_name="Firecracker Jinx",
            skin_installed=True,
        ),
        member(
            "Lux Fan#NA1",
            "relayed",
            status_text="via Jinx Enjoyer#EUW",
            via="Jinx Enjoyer#EUW",
            champion_id=99,
            champion_name="Lux",
            skin_id=99007,
            skin_name="Elementalist Lux",
            chroma_id=99070,
            chroma_name="Dark",
            skin_installed=False,
        ),
        member(
            "Teemo Main#EUW",
            "connecting",
            injection="champion-mismatch",
            injection_detail="Teemo Main#EUW picked Teemo, the game has them on Lux.",
        ),
        member("Gone Away#EUW", "lost", stale=True),
    ]
    await page.evaluate("(m) => window.__testRose.deliver(m)", state(members))
    await button.click()
    panel = page.locator("#rpm-panel")
    rows = panel.locator(".rpm-member")
    await expect(rows).to_have_count(4)
    jinx, lux, teemo, gone = (rows.nth(i) for i in range(4))
    await expect(jinx.locator("[data-role=riot-id]")).to_have_text("Jinx Enjoyer#EUW")
    await expect(jinx.locator("[data-role=status]")).to_have_text("direct · 12 ms")
    await expect(jinx.locator("[data-role=skin]")).to_have_text("Jinx · Firecracker Jinx")
    await expect(jinx.locator("[data-role=skin-missing]")).to_have_count(0)
    # The client has a tile for Jinx's skin: it is shown.
    await page.wait_for_function("document.querySelector('.rpm-member img')?.naturalWidth === 64")
    await expect(lux.locator("[data-role=status]")).to_have_text("via Jinx Enjoyer#EUW")
    await expect(lux.locator("[data-role=skin]")).to_have_text("Lux · Elementalist Lux · Dark")
    await expect(lux.locator("[data-role=skin-missing]")).to_be_visible()
    # No tile for Lux's skin (404): the initial stands in, no broken image.
    await expect(lux.locator("[data-role=preview]")).to_have_text("L")
    await expect(lux.locator("img")).to_have_count(0)
    await expect(teemo.locator("[data-role=status]")).to_have_text("connecting")
    await expect(teemo.locator("[data-role=injection]")).to_have_text(
        "Teemo Main#EUW picked Teemo, the game has them on Lux."
    )
    await expect(jinx.locator("[data-role=injection]")).to_have_count(0)
    await expect(teemo.locator("[data-role=skin]")).to_have_text("No champion yet")
    await expect(gone).to_have_attribute("data-status", "lost")
    await expect(button.locator(".rpm-badge")).to_have_text("2")  # direct + relayed

    # Remove goes by Rose's field, summoner_id.
    await lux.locator("[data-role=remove]").click()
    sent = await page.evaluate("window.__testRose.sent.at(-1)")
    lux_id = members[1]["summoner_id"]
    assert sent == {"type": "party-remove-peer", "summoner_id": lux_id}
    await expect(lux.locator("[data-role=remove]")).to_be_disabled()
    await page.evaluate(
        "(m) => window.__testRose.deliver(m)",
        {"type": "party-peer-removed", "success": True, "summoner_id": lux_id},
    )
    await page.evaluate(
        "(m) => window.__testRose.deliver(m)", state([members[0], members[2], members[3]])
    )
    await expect(rows).to_have_count(3)

    # In game the DOM watchers pause: a rebuilt social bar stays without the button ...
    await page.evaluate(
        "(m) => window.__testRose.deliver(m)", {"type": "phase-change", "phase": "InProgress"}
    )
    assert await page.evaluate("window.__rosePartyModeWatching") is False
    await page.evaluate("window.__testClient.rebuildSocialBar()")
    await page.wait_for_timeout(400)
    await expect(button).to_have_count(0)
    # ... and resume afterwards.
    await page.evaluate(
        "(m) => window.__testRose.deliver(m)",
        {"type": "phase-change", "phase": "WaitingForStats"},
    )
    await expect(button).to_have_count(1)
    assert await page.evaluate("window.__rosePartyModeWatching") is True
    client.assert_clean()
    await client.close()


async def test_invite_counts_down_and_expires(
    browser: Browser, tile_server: ClientPageServer
) -> None:
    client = await ClientPage.open(browser, tile_server, options={"sharedBridgeWaitMs": 3000})
    page = client.page
    await page.evaluate(SHARED_BRIDGE)
    await page.locator("#rpm-party-button").click()
    panel = page.locator("#rpm-panel")
    soon = int(time.time()) + 3
    token = "wpi" + "Zx81" * 20
    await page.evaluate(
        "(m) => window.__testRose.deliver(m)",
        state([], my_token=token, my_token_expires_at=soon),
    )
    await expect(panel.locator("[data-role=invite-token]")).to_have_value(token)
    await expect(panel.locator("[data-role=invite-countdown]")).to_have_text(
        re.compile(r"expires in 0:0[0-3]")
    )
    # Rose's bridge draws no QR codes: none asked for (no 404), the box is hidden.
    await expect(panel.locator("[data-role=invite-qr]")).to_be_hidden()
    expired = panel.locator("[data-role=invite-expired]")
    await expect(expired).to_be_visible(timeout=6_000)
    await expect(panel.locator("[data-role=invite-token]")).to_be_hidden()
    make_new = panel.locator("[data-role=create-invite]")
    await expect(make_new).to_have_text("Make a new invite")
    await make_new.click()
    # Rose's way to a fresh invite: party-enable again.
    assert await page.evaluate("window.__testRose.sent.at(-1)") == {"type": "party-enable"}
    await expect(make_new).to_be_disabled()  # until the answer
    fresh = "wpi" + "Qm27" * 20
    await page.evaluate(
        "(m) => window.__testRose.deliver(m)",
        {"type": "party-enabled", "success": True, "token": fresh},
    )
    await page.evaluate(
        "(m) => window.__testRose.deliver(m)",
        state([], my_token=fresh, my_token_expires_at=int(time.time()) + 600),
    )
    await expect(panel.locator("[data-role=invite-token]")).to_have_value(fresh)
    await expect(expired).to_be_hidden()
    await expect(make_new).to_be_enabled()

    # A refusal from the bridge is shown in its own words.
    await page.evaluate(
        "(m) => window.__testRose.deliver(m)",
        {
            "type": "party-enabled",
            "success": False,
            "code": "no-league-client",
            "error": "The League client has not told us who you are yet: start it and log in.",
        },
    )
    await expect(panel.locator("[data-role=notice]")).to_have_text(
        "The League client has not told us who you are yet: start it and log in."
    )
    client.assert_clean()
    await client.close()
