"""The lobby screen in a real Chromium at 1920×1080: type sized for five metres, no controls,
a QR code, a clock, pages of rooms that turn by themselves, and live announcements."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.hub.conftest import staff
from tests.hub.web.browser import launch_chromium
from tests.hub.web.conftest import ServedHub

pytestmark = pytest.mark.browser
TIMEOUT_MS = 10_000
#: The smallest type readable across a hall, in CSS pixels of a 1080p screen.
SMALLEST_PX = 40.0


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def screen(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def add_session(served: ServedHub, slot: int, room: str, title: str, host: str) -> None:
    body = {"room_id": room, "slot_id": served.seeded.slot_ids[slot], "title": title,
            "host_name": host, "host_handle": "@host"}  # fmt: skip
    answer = httpx.post(f"{served.url}/api/v1/sessions", json=body, headers=staff(served.seeded))
    assert answer.status_code == 201, answer.text


def font_sizes(page: Page, selector: str) -> list[float]:
    sizes: list[float] = page.eval_on_selector_all(
        selector,
        "nodes => nodes.filter(n => n.offsetParent !== null)"
        ".map(n => parseFloat(getComputedStyle(n).fontSize))",
    )
    assert sizes, f"nothing visible matches {selector}"
    return sizes


def test_the_lobby_is_readable_from_five_metres(served: ServedHub, screen: Page) -> None:
    add_session(served, 2, "room-a", "Maker projects with Raspberry Pis", "Ana López")
    add_session(served, 3, "room-a", "Data visualisation", "Priya")
    staff_headers = staff(served.seeded)
    httpx.post(f"{served.url}/api/v1/announcements", json={"text": "Lunch until 13:30"},
               headers=staff_headers)  # fmt: skip
    screen.goto(served.url + "/lobby")
    expect(screen.locator(".lobby-cell .title", has_text="Maker projects")).to_be_visible()
    sizes = {
        "room names": font_sizes(screen, "tbody th.room"),
        "times": font_sizes(screen, ".col-head .time"),
        "titles": font_sizes(screen, ".lobby-cell .title"),
        "hosts": font_sizes(screen, ".lobby-cell .host"),
        "clock": font_sizes(screen, "[data-clock]"),
    }
    for what, found in sizes.items():
        assert min(found) >= SMALLEST_PX, f"{what} at {min(found)} px"
    notice = font_sizes(screen, ".lobby-notice")
    assert min(notice) > max(max(found) for what, found in sizes.items() if what != "clock")
    assert screen.locator("main a, main button, main input, main select").count() == 0
    expect(screen.locator(".lobby-qr svg")).to_be_visible()
    expect(screen.locator("[data-clock]")).to_have_text("11:30")
    expect(screen.locator(".col-head.is-now")).to_contain_text("11:00–12:00")
    expect(screen.locator(".col-head").nth(1)).to_contain_text("Next")
    box = screen.locator(".lobby-screen .live-note").bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 1080, "the lobby fits the screen, no scrolling"


def test_rooms_that_do_not_fit_turn_page_by_themselves(served: ServedHub, screen: Page) -> None:
    for number in range(1, 5):
        room = {"id": f"hall-{number}", "name": f"Hall {number}"}
        added = httpx.post(f"{served.url}/api/v1/rooms", json=room, headers=staff(served.seeded))
        assert added.status_code == 201, added.text
    screen.clock.install()
    screen.goto(served.url + "/lobby")
    pages = screen.locator("tbody.lobby-page")
    first, second = pages.nth(0), pages.nth(1)
    expect(first).to_contain_text("Room A")
    expect(second).to_be_hidden()
    screen.clock.fast_forward("00:13")
    expect(second).to_be_visible()
    expect(second).to_contain_text("Hall 3")
    expect(first).to_be_hidden()
    screen.clock.fast_forward("00:12")
    expect(first).to_be_visible()


def test_an_announcement_reaches_an_open_lobby_and_leaves_it(
    served: ServedHub, screen: Page
) -> None:
    screen.goto(served.url + "/lobby")
    expect(screen.locator("body.live-on")).to_have_count(1)
    screen.evaluate("window.notReloaded = true")
    posted = httpx.post(f"{served.url}/api/v1/announcements", json={"text": "Keynote in Hall A"},
                        headers=staff(served.seeded))  # fmt: skip
    assert posted.status_code == 201, posted.text
    expect(screen.locator(".lobby-notice", has_text="Keynote in Hall A")).to_be_visible()
    removed = httpx.delete(f"{served.url}/api/v1/announcements/{posted.json()['id']}",
                           headers=staff(served.seeded))  # fmt: skip
    assert removed.status_code in (200, 204), removed.text
    expect(screen.locator(".lobby-notice")).to_have_count(0)
    assert screen.evaluate("window.notReloaded") is True


def test_the_lobby_before_an_event_exists_says_so(served_empty: str) -> None:
    answer = httpx.get(served_empty + "/lobby")
    assert answer.status_code == 200
    assert "lobby-grid" not in answer.text
