"""What every panel test in a browser does the same way (tests/ui and tests/rose_real): start
Debian's chromium, open the panel and wait for its bridge, paste into it, damage a token.

Import it only after ``needs.require_browser()`` (it imports playwright)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from playwright.async_api import Browser, Locator, async_playwright, expect

from tests.ui.harness import CHROMIUM, LAUNCH_ARGS, ClientPage

__all__ = ["chromium", "damaged", "open_panel", "paste"]


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Headless Debian chromium; launch() gives every run a fresh temporary profile
    (user-data dir), removed on close."""
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


async def open_panel(client: ClientPage, *, connect_ms: float | None = None) -> Locator:
    """Click the party button; the panel shows and says its bridge is connected (within
    ``connect_ms``, else Playwright's default)."""
    await client.page.locator("#rpm-party-button").click()
    panel = client.page.locator("#rpm-panel")
    await expect(panel).to_be_visible()
    await expect(panel).to_have_attribute("data-bridge", "connected", timeout=connect_ms)
    return panel


async def paste(panel: Locator, text: str) -> None:
    await panel.locator("[data-role=paste]").fill(text)
    await panel.locator("[data-role=paste-submit]").click()


def damaged(token: str) -> str:
    """The token with its middle character changed."""
    i = len(token) // 2
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
