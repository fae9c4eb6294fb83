"""Driving Debian's Chromium with Playwright (never a downloaded browser)."""

from __future__ import annotations

from playwright.sync_api import Browser, Playwright, ViewportSize

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PHONE: ViewportSize = {"width": 390, "height": 844}


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
