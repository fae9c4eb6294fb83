"""Layout people noticed on a phone and a laptop: a compact header, days on one row, and the
add form's Name and Handle boxes side by side at the same height."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.hub.web.browser import PHONE, launch_chromium
from tests.hub.web.conftest import ServedHub

pytestmark = pytest.mark.browser
#: The most of a phone's screen the page's header may take, in CSS pixels.
PHONE_HEADER_PX = 100


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def test_the_phone_header_is_compact_and_the_days_stay_on_one_row(
    served: ServedHub, browser: Browser
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        staff = {"Authorization": f"Bearer {served.seeded.staff_token}"}
        for day in ("2027-05-16", "2027-05-17", "2027-05-18"):
            body = {"date": day, "first_hour": 9, "last_hour": 12}
            added = httpx.post(f"{served.url}/api/v1/days", json=body, headers=staff)
            assert added.status_code == 201, added.text
        page.goto(served.url + "/")
        header = page.locator("header.site").bounding_box()
        assert header is not None
        assert header["height"] <= PHONE_HEADER_PX, f"the header is {header['height']} px tall"
        tops = page.eval_on_selector_all(".days a", "links => links.map(a => a.offsetTop)")
        assert len(tops) == 4
        assert len(set(tops)) == 1, f"the day buttons wrap: {tops}"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_the_add_forms_name_and_handle_boxes_line_up(served: ServedHub, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(served.url + "/add")
        name = page.locator("#f-host_name").bounding_box()
        handle = page.locator("#f-host_handle").bounding_box()
        assert name is not None
        assert handle is not None
        assert name["x"] < handle["x"], "side by side"
        assert abs(name["y"] - handle["y"]) < 1
        assert abs(name["height"] - handle["height"]) < 1
    finally:
        context.close()
