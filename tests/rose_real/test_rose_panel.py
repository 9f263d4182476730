"""Our panel in real Chromium against Rose's REAL bridge (ROSE_SRC), beside Rose's real
ROSE-SkinMonitor plugin, as Pengu Loader loads them: two League client pages, two Roses.

Both plugins are served from the adopted copy's ``Pengu Loader/plugins/`` at
``https://plugins/<folder>/`` (ROSE-PartyMode there is ours, written by ``rose adopt``;
ROSE-SkinMonitor is Rose's). Rose's SkinMonitor finds Rose's bridge port and publishes
``window.__roseBridge``; our panel rides on it. No request may fail (4xx/5xx).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.rose_real.host_kit import rose_src
from tests.ui.needs import require_browser

if rose_src() is None:  # before the browser check: without Rose there is nothing to run
    pytest.skip("needs Rose's source: set ROSE_SRC to a Rose checkout", allow_module_level=True)
require_browser()

from playwright.async_api import Route, expect  # noqa: E402

from tests.rose.schema_kit import check_message, schema  # noqa: E402
from tests.rose_real.host_kit import members  # noqa: E402
from tests.rose_real.rose_files import install_everything  # noqa: E402
from tests.rose_real.test_rose_party import connected, enable  # noqa: E402
from tests.ui.harness import ClientPage, ClientPageServer, png  # noqa: E402
from tests.ui.panel_kit import chromium, open_panel, paste  # noqa: E402

pytestmark = pytest.mark.browser

SKIN_MONITOR = "import('https://plugins/ROSE-SkinMonitor/index.js');"


class PenguPage(ClientPage):
    """A client page whose ``https://plugins/`` is the adopted Rose's plugin folder."""

    plugins: Path = Path()

    async def _pengu(self, route: Route, path: str) -> None:
        cors = {"Access-Control-Allow-Origin": "*"}
        parts = [p for p in path.split("/") if p]
        target = self.plugins.joinpath(*parts) if parts else None
        if target is not None and ".." not in parts and target.is_file():
            kind = "text/javascript" if target.suffix == ".js" else "application/json"
            await route.fulfill(body=target.read_bytes(), content_type=kind, headers=cors)
            return
        await route.fulfill(status=404, body=b"", headers=cors)


def prepare(i: int, data: Path) -> None:
    install_everything(i, data, custom_as_folder=False)


async def test_panel_with_roses_bridge_and_skin_monitor(adopted_rose: Path, tmp_path: Path) -> None:
    """A uses our panel in the client page (Rose A picks its port as it does in production and
    Rose's SkinMonitor finds it: 50000 up); B pastes through Rose B's socket, as in the other
    harness tests (one Rose per machine: two pages would discover the same first port)."""
    PenguPage.plugins = adopted_rose / "Pengu Loader" / "plugins"
    tiles = {(103, 103001): png(64, 64, (214, 160, 196), (40, 20, 60)),
             (222, 222002): png(64, 64, (90, 180, 230), (60, 20, 90))}
    async with (
        members(tmp_path, adopted_rose, [0, 1], size=2, prepare=prepare, rose_port=[0]) as (a, b),
        chromium() as browser,
        ClientPageServer(tiles) as server,
    ):
        assert 50000 <= a.host.port <= 50010, a.host.port
        pa = await PenguPage.open(browser, server, init_script=SKIN_MONITOR)
        has_bridge = "() => !!(window.__roseBridge && window.__roseBridge.ready)"
        await pa.page.wait_for_function(has_bridge, timeout=30_000)
        assert await pa.page.evaluate("() => window.__roseBridge.port") == a.host.port
        # the party button where Rose puts its own: before the friend finder
        order = await pa.page.evaluate(
            "() => [...document.querySelectorAll('.buttons > span.action-bar-button')]"
            ".map(e => e.id || e.firstElementChild.className)"
        )
        assert order.index("rpm-party-button") + 1 == order.index(
            "actions-bar-button friend-finder-button"), order
        panel_a = await open_panel(pa, connect_ms=20_000)
        # A invites from the panel; B pastes it into Rose B; A pastes B's answer in the panel
        await panel_a.locator("[data-role=create-invite]").click()
        invite_box = panel_a.locator("[data-role=invite-token]")
        await expect(invite_box).to_have_value(re.compile(r"^\S{40,}$"), timeout=30_000)
        await expect(panel_a.locator("[data-role=me]")).to_contain_text("Ahri Main#EUW")
        await enable(b)
        mark = len(b.sock.received)
        added = await b.sock.request("party-add-peer", "party-peer-added",
                                     token=await invite_box.input_value(), within=60)
        assert added["success"] is True, added
        state = await b.sock.wait("party-state", lambda s: bool(s.get("my_answer")), after=mark)
        await paste(panel_a, state["my_answer"])
        row_b = panel_a.locator(".rpm-member", has_text="Jinx Enjoyer#EUW")
        await expect(row_b.locator("[data-role=status]")).to_have_text(
            re.compile(r"^direct"), timeout=30_000)
        await connected(b, [a])
        # Rose's real bridge, as the test's socket heard it: its party messages fit the
        # bridge schema the panel is tested against (Rose's shapes: fewer keys than ours).
        party = [m for m in b.sock.received if m.get("type") in schema()["$defs"]]
        assert {"party-state", "party-enabled", "party-peer-added"} <= {m["type"] for m in party}
        for message in party:
            check_message(message, ours=False)
        log = a.host.log_text()
        assert "[PARTY] Party mode enabled" in log and "[PARTY] Peer added successfully" in log
        # two sockets on Rose A: the test's and SkinMonitor's; the panel opened none of its own
        assert log.count("[SkinMonitor] Client connected") == 2, log.count("Client connected")
        details: dict[str, Any] = {"failed": pa.failed, "console": pa.console_errors}
        assert pa.failed == [], details  # no request answered 4xx/5xx, tiles included
        assert pa.page_errors == [], pa.page_errors
        assert pa.blocked == [], pa.blocked
        await pa.close()
