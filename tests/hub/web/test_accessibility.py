"""axe-core (bundled by axe-playwright-python) on every public and staff page, on a laptop and
a phone, in a real Chromium: zero violations. Also the skip link moves focus to the content."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from tests.hub.web.browser import PHONE, launch_chromium
from tests.hub.web.conftest import STAFF_PASSWORD, STAFF_USER, ServedHub

pytestmark = pytest.mark.browser
LAPTOP: ViewportSize = {"width": 1280, "height": 900}
PUBLIC = ["/", "/lobby", "/rooms/room-a", "/sessions/{session}", "/add", "/ideas",
          "/staff/login", "/no-such-page"]  # fmt: skip
STAFF = ["/staff", "/staff/event", "/staff/sessions/{session}", "/staff/rooms", "/staff/days",
         "/staff/blocks", "/staff/announcements", "/staff/fleet", "/staff/audit",
         "/staff/tokens"]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def with_content(served: ServedHub) -> int:
    """A past, a current and a full session, an announcement and an idea; the current id."""
    staff = {"Authorization": f"Bearer {served.seeded.staff_token}"}
    made = []
    for slot, title in ((0, "Earlier session"), (2, "Maker projects"), (5, "Later session")):
        body = {"room_id": "room-a", "slot_id": served.seeded.slot_ids[slot], "title": title,
                "host_name": "Ana", "host_handle": "@ana"}  # fmt: skip
        answer = httpx.post(f"{served.url}/api/v1/sessions", json=body, headers=staff)
        assert answer.status_code == 201, answer.text
        made.append(answer.json()["id"])
    httpx.put(f"{served.url}/api/v1/sessions/{made[1]}/full", json={"full": True}, headers=staff)
    httpx.post(f"{served.url}/api/v1/announcements", json={"text": "Lunch until 13:30"},
               headers=staff)  # fmt: skip
    session_id: int = made[1]
    return session_id


def violations(page: Page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    results = Axe().run(page)
    found: list[str] = []
    for violation in results.response["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]][:3]
        why = [check["message"] for node in violation["nodes"][:1] for check in node["any"]]
        found.append(f"{url}: {violation['id']} ({violation['impact']}) at {targets}: {why}")
    return found


def log_in(page: Page, base: str) -> None:
    page.goto(base + "/staff/login")
    page.get_by_label("Username").fill(STAFF_USER)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/staff")


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_every_page_has_no_axe_violations(served: ServedHub, browser: Browser, size: str) -> None:
    session_id = with_content(served)
    viewport = LAPTOP if size == "laptop" else PHONE
    context = browser.new_context(viewport=viewport, is_mobile=size == "phone")
    context.set_default_timeout(15_000)
    page = context.new_page()
    found: list[str] = []
    try:
        for path in PUBLIC:
            found += violations(page, served.url + path.format(session=session_id))
        log_in(page, served.url)
        for path in STAFF:
            found += violations(page, served.url + path.format(session=session_id))
    finally:
        context.close()
    assert found == [], "\n".join(found)


def test_the_skip_link_moves_focus_to_the_content(served: ServedHub, browser: Browser) -> None:
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    try:
        page.goto(served.url + "/")
        page.keyboard.press("Tab")
        expect(page.locator("a.skip")).to_be_focused()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
    finally:
        context.close()
