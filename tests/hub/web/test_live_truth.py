"""Live pages in a real Chromium (issue 13, item 3): announcements arrive and leave without a
reload, and a page whose event stream dropped says it is not live."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.hub.web.browser import launch_chromium
from tests.hub.web.conftest import ServedHub

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", ["/", "/rooms/room-a"])
def test_an_announcement_comes_and_goes_without_a_reload(
    served: ServedHub, page: Page, path: str
) -> None:
    staff = {"Authorization": f"Bearer {served.seeded.staff_token}"}
    page.goto(served.url + path)
    expect(page.locator("body.live-on")).to_have_count(1)
    page.evaluate("window.notReloaded = true")
    posted = httpx.post(f"{served.url}/api/v1/announcements",
                        json={"text": "Lunch is served"}, headers=staff)  # fmt: skip
    banner = page.locator(".announcement", has_text="Lunch is served")
    expect(banner).to_be_visible()
    httpx.delete(f"{served.url}/api/v1/announcements/{posted.json()['id']}", headers=staff)
    expect(banner).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True


def test_a_page_that_lost_its_stream_says_so(served: ServedHub, page: Page) -> None:
    page.goto(served.url + "/")
    expect(page.locator("body.live-on")).to_have_count(1)
    expect(page.locator(".live-lost")).to_be_hidden()
    page.context.set_offline(True)
    expect(page.locator(".live-lost")).to_be_visible()
    expect(page.locator(".live-lost")).to_contain_text("Not live")
