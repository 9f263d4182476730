"""Fixtures of the browser tests: one headless chromium per test module, the test page server.

Playwright is imported inside the fixtures so that a machine without it can still collect
(and skip, see ``needs.require_browser``) the other tests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest_asyncio

if TYPE_CHECKING:
    from playwright.async_api import Browser

    from tests.ui.harness import ClientPageServer


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    from tests.ui.panel_kit import chromium

    async with chromium() as browser:
        yield browser


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def page_server() -> AsyncIterator[ClientPageServer]:
    from tests.ui.harness import ClientPageServer, png

    # The client's tiles for the emulator's picks of Ahri and Jinx (others 404).
    tiles = {
        (103, 103001): png(64, 64, (214, 160, 196), (40, 20, 60)),
        (222, 222002): png(64, 64, (90, 180, 230), (60, 20, 90)),
    }
    async with ClientPageServer(tiles) as server:
        yield server
