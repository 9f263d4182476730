"""Swiftplay in the panel, in a real chromium: a member with two picks shows both, each with
its skin, whether it is installed and what the injection hook did; a one-pick member still
shows one skin line. The state is the schema-checked fixture made by our encoders
(panel/test/fixtures/messages.json ``ours-state-swiftplay``), delivered through the recorded
ROSE-SkinMonitor shared bridge of test_panel_plugin.py.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.ui.needs import require_browser

require_browser()

from playwright.async_api import Browser, expect  # noqa: E402

from tests.ui.harness import ClientPage, ClientPageServer  # noqa: E402
from tests.ui.test_panel_plugin import SHARED_BRIDGE  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

FIXTURES = Path(__file__).parents[2] / "panel" / "test" / "fixtures" / "messages.json"


def fixture(name: str) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(FIXTURES.read_text(encoding="utf-8"))[name]["message"]
    return message


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server() -> AsyncIterator[ClientPageServer]:
    async with ClientPageServer() as s:
        yield s


async def test_a_two_pick_member_shows_both_picks_and_their_outcomes(
    browser: Browser, server: ClientPageServer
) -> None:
    msg = fixture("ours-state-swiftplay")
    two = msg["members"][0]
    assert [s["injection"] for s in two["selections"]] == ["injected", "missing-locally"]
    one = copy.deepcopy(fixture("ours-state")["members"][0])  # one pick, missing locally
    one |= {"puuid": "p-one", "summoner_id": 77, "riot_id": "One Pick#EUW"}
    msg["members"] = [two, one]

    client = await ClientPage.open(browser, server, options={"sharedBridgeWaitMs": 3000})
    page = client.page
    await page.evaluate(SHARED_BRIDGE)
    await page.wait_for_function("window.__testRose.sent.some((m) => m.type === 'party-get-state')")
    await page.evaluate("(m) => window.__testRose.deliver(m)", msg)
    await page.locator("#rpm-party-button").click()
    rows = page.locator("#rpm-panel .rpm-member")
    await expect(rows).to_have_count(2)
    swift, single = rows.nth(0), rows.nth(1)

    picks = swift.locator("[data-role=pick]")
    await expect(picks).to_have_count(2)
    jinx, lee = picks.nth(0), picks.nth(1)
    await expect(jinx).to_have_attribute("data-champion", "222")
    await expect(jinx.locator("[data-role=skin]")).to_have_text("Jinx · Firecracker Jinx")
    await expect(jinx.locator("[data-role=injected]")).to_have_text("Injected")
    await expect(jinx.locator("[data-role=skin-missing]")).to_have_count(0)
    await expect(lee).to_have_attribute("data-champion", "64")
    await expect(lee).to_have_attribute("data-injection", "missing-locally")
    await expect(lee.locator("[data-role=skin]")).to_have_text("Lee Sin · Traditional Lee Sin")
    await expect(lee.locator("[data-role=skin-missing]")).to_be_visible()
    await expect(lee.locator("[data-role=skin-missing]")).to_have_attribute(
        "title", two["selections"][1]["injection_detail"]
    )
    await expect(lee.locator("[data-role=injected]")).to_have_count(0)
    # no member-level duplicate of the pick lines
    outside = swift.locator(":scope > .rpm-member-main > [data-role=skin-missing]")
    await expect(outside).to_have_count(0)

    # one pick: the row is as before, one skin line and the member's missing note
    await expect(single.locator("[data-role=picks]")).to_have_count(0)
    await expect(single.locator("[data-role=skin]")).to_have_text("Jinx · Firecracker Jinx")
    await expect(single.locator("[data-role=skin-missing]")).to_be_visible()

    # the warning names the champion that was not injected
    await expect(page.locator("#rpm-panel")).to_contain_text(
        "Jinx Enjoyer#EUW's Lee Sin skin was not injected"
    )

    # an outcome that needs words is shown on its pick
    two["selections"][1] |= {"injection": "champion-taken", "injection_detail": "Lee is taken."}
    await page.evaluate("(m) => window.__testRose.deliver(m)", msg)
    await expect(lee.locator("[data-role=injection]")).to_have_text("Lee is taken.")
    await expect(lee.locator("[data-role=injection]")).to_have_attribute(
        "data-injection", "champion-taken"
    )
    client.assert_clean()
    await client.close()
