"""The pages in a real Chromium: a host on a phone, a live board, and staff behind CSRF."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.hub.web.browser import PHONE, launch_chromium
from tests.hub.web.conftest import STAFF_PASSWORD, STAFF_USER, ServedHub

pytestmark = pytest.mark.browser
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_a_host_on_a_phone_adds_a_card_and_finds_it(served: ServedHub, page: Page) -> None:
    page.goto(served.url + "/")
    page.locator("td.cell.open a.add").first.click()
    page.get_by_label("Topic").fill("Raspberry Pi clinic")
    page.get_by_label("Your name").fill("Ana López")
    page.get_by_role("button", name="Put it on the board").click()
    expect(page.get_by_role("heading", name="Your card is on the board")).to_be_visible()
    assert "/edit?token=" in (page.locator("#edit-link").get_attribute("href") or "")
    page.get_by_role("link", name="Back to the board").click()
    card = page.locator("td.cell.session", has_text="Raspberry Pi clinic")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Ana López")


def test_an_open_board_shows_a_move_without_a_reload(served: ServedHub, page: Page) -> None:
    staff = {"Authorization": f"Bearer {served.seeded.staff_token}"}
    body = {"room_id": "room-a", "slot_id": served.seeded.slot_ids[5], "title": "Live demo"}
    created = httpx.post(f"{served.url}/api/v1/sessions", json=body, headers=staff).json()
    page.goto(served.url + "/")
    expect(page.locator("body.live-on")).to_have_count(1)
    page.evaluate("window.notReloaded = true")
    moved = httpx.patch(f"{served.url}/api/v1/sessions/{created['id']}",
                        json={"room_id": "room-b"}, headers=staff)  # fmt: skip
    assert moved.status_code == 200
    expect(page.locator("td.cell.moved", has_text="Moved to Room B")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True


def test_staff_log_in_and_a_form_without_csrf_is_refused(served: ServedHub, page: Page) -> None:
    page.goto(served.url + "/staff/rooms")
    page.get_by_label("Username").fill(STAFF_USER)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Rooms")).to_be_visible()
    page.evaluate(
        "document.querySelectorAll('form[action=\"/staff/rooms\"] input[name=csrf_token]')"
        ".forEach(input => input.remove())"
    )
    page.get_by_label("Id (letters, digits, - and _)").fill("room-x")
    page.locator("form[action='/staff/rooms']").get_by_label("Name").fill("Sneaky room")
    page.get_by_role("button", name="Add room").click()
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_text("without its security token")).to_be_visible()
    rooms = httpx.get(f"{served.url}/api/v1/rooms").json()
    assert "room-x" not in [room["id"] for room in rooms]


def test_staff_set_up_an_event_in_the_browser_alone(served_empty: str, page: Page) -> None:
    """From an empty database: sign in, create the event, a day and two rooms, see the board."""
    page.goto(served_empty + "/")
    expect(page.get_by_role("heading", name="Nothing scheduled yet")).to_be_visible()
    page.get_by_role("link", name="sign in and set it up").click()
    page.get_by_label("Username").fill(STAFF_USER)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Set up the event")).to_be_visible()
    page.get_by_label("Event name").fill("PyCon US 2027 Open Spaces")
    page.get_by_label("Time zone").fill("America/New_York")
    page.get_by_label("Hashtag").fill("#PyConUS")
    page.get_by_label("Web address").fill("https://us.pycon.org/2027/")
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_text("The event is set up")).to_be_visible()

    page.get_by_role("link", name="Days and slots").click()
    day = page.locator("form[action='/staff/days']")
    day.get_by_label("Date").fill("2027-05-15")
    day.get_by_label("First hour").fill("10")
    day.get_by_label("Last hour").fill("13")
    day.get_by_role("button", name="Add day").click()
    expect(page.get_by_role("heading", name="Saturday 15 May 2027")).to_be_visible()

    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Rooms").click()
    for name, room_id, capacity in (("Room 101", "", "40"), ("Hall B", "hall-b", "")):
        new = page.locator("form[action='/staff/rooms']")
        new.get_by_label("Name").fill(name)
        new.get_by_label("Id (letters, digits, - and _)").fill(room_id)
        new.get_by_label("Capacity").fill(capacity)
        new.get_by_role("button", name="Add room").click()
        expect(page.get_by_text("The room is added.")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Board").click()
    board = page.locator("table.board")
    expect(board.locator("th.room")).to_have_text(["Room 101\n40 seats", "Hall B"])
    expect(board.locator("tbody tr")).to_have_count(3)
    expect(board.locator("tr.now")).to_contain_text("11:00")
    expect(page.locator("a.brand")).to_have_text("PyCon US 2027 Open Spaces")
    rooms = httpx.get(f"{served_empty}/api/v1/rooms").json()
    assert [room["id"] for room in rooms] == ["room-101", "hall-b"]


def test_an_edit_link_followed_from_another_site_opens_the_card(
    served: ServedHub, page: Page
) -> None:
    """The Strict cookie is set on a same-site step, so a link from a mail or chat works, and
    the address bar ends up without the token."""
    # The session on now: "Mark the room full" is offered only while a session is on.
    body = {"room_id": "room-a", "slot_id": served.seeded.slot_ids[2], "title": "Shared link"}
    created = httpx.post(f"{served.url}/api/v1/sessions", json=body).json()
    link = served.url + created["edit_url"].removeprefix("http://hub.test")
    page.set_content(f'<a id="mail" href="{link}">open your card</a>')  # not the hub's site
    page.locator("#mail").click()
    expect(page.get_by_role("heading", name="Edit your card")).to_be_visible()
    assert "token" not in page.url
    page.get_by_role("button", name="Mark the room full").click()
    expect(page.get_by_text("Marked full.")).to_be_visible()
    assert "token" not in page.url
