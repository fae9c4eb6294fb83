"""Hosts and attendees in a real Chromium, over plain http under a name (not a secure context,
like a hub on the venue's network): a keyboard-only journey that adds, edits, withdraws and
undoes a card; "My cards" after a reload; copy without the clipboard API; search, subscribe
and a full session's alternatives."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from hub.mqtt.mosquitto import free_port
from hub.settings import HubSettings
from shared.clock import FakeClock
from tests.hub.conftest import Seeded
from tests.hub.web.browser import CHROMIUM, CHROMIUM_ARGS
from tests.hub.web.conftest import add_staff, serve

pytestmark = pytest.mark.browser
TIMEOUT_MS = 10_000
#: The hub's name in these tests: Chromium resolves it to the loopback address.
NAME = "hub.test"
#: At most this many Tab presses to reach a control.
MAX_TABS = 60


@dataclass
class NamedHub:
    url: str
    api: str
    seeded: Seeded


@pytest.fixture
def named_hub(seeded: Seeded, settings: HubSettings, clock: FakeClock) -> Iterator[NamedHub]:
    """The hub served over real HTTP on loopback, its public URL ``http://hub.test:<port>``."""
    port = free_port("127.0.0.1")
    url = f"http://{NAME}:{port}"
    named = settings.model_copy(update={"public_url": url})
    add_staff(named.database_url)
    for _ in serve(named, clock, port):
        yield NamedHub(url, f"http://127.0.0.1:{port}", seeded)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        args = [*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {NAME} 127.0.0.1"]
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the focused element matches ``selector`` (a keyboard user's way)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only_add_edit_withdraw_and_undo(named_hub: NamedHub, page: Page) -> None:
    slot = named_hub.seeded.slot_ids[5]
    page.goto(f"{named_hub.url}/add?room=room-a&slot={slot}")
    tab_to(page, "#f-title")
    page.keyboard.type("Keyboard club")
    tab_to(page, "#f-host_name")
    page.keyboard.type("Ana")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your card is on the board")).to_be_visible()
    tab_to(page, "#edit-link")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Edit your card")).to_be_visible()
    assert "token" not in page.url
    tab_to(page, "#f-title")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("Keyboard club, all welcome")
    tab_to(page, "button[value=save]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    tab_to(page, "button[value=withdraw]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Withdraw your card?")).to_be_visible()
    assert page.evaluate("document.activeElement.value") == "withdraw-confirmed", "autofocus"
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your card is withdrawn")).to_be_visible()
    tab_to(page, "button[value=undo]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your card is back on the board")).to_be_visible()
    page.goto(f"{named_hub.url}/rooms/room-a")
    expect(page.get_by_text("Keyboard club, all welcome")).to_be_visible()


def test_my_cards_survive_a_reload_and_lost_cookies(named_hub: NamedHub, page: Page) -> None:
    slot = named_hub.seeded.slot_ids[6]
    page.goto(f"{named_hub.url}/add?room=room-b&slot={slot}")
    page.get_by_label("Topic").fill("Mine to keep")
    page.get_by_role("button", name="Put it on the board").click()
    expect(page.get_by_role("heading", name="Your card is on the board")).to_be_visible()
    page.goto(f"{named_hub.url}/my-cards")
    page.reload()
    page.context.clear_cookies()
    page.get_by_role("link", name="Mine to keep").click()
    expect(page.get_by_role("heading", name="Edit your card")).to_be_visible()
    expect(page.get_by_label("Topic")).to_have_value("Mine to keep")


def test_copy_link_works_without_the_clipboard_api(named_hub: NamedHub, page: Page) -> None:
    page.goto(f"{named_hub.url}/add?room=room-a&slot={named_hub.seeded.slot_ids[7]}")
    assert page.evaluate("window.isSecureContext") is False
    assert page.evaluate("navigator.clipboard === undefined")
    page.get_by_label("Topic").fill("Copy me")
    page.get_by_role("button", name="Put it on the board").click()
    link = page.locator("#edit-link").get_attribute("href")
    page.get_by_role("button", name="Copy link").click()
    said = re.compile(r"^(Copied\.|Selected: press Ctrl\+C)")
    expect(page.locator(".copy-status")).to_have_text(said)
    assert page.evaluate("window.getSelection().toString()") == link
    mail = page.get_by_role("link", name="Mail it to myself").get_attribute("href") or ""
    assert mail.startswith("mailto:?subject=")


def test_search_subscribe_and_also_on_now(named_hub: NamedHub, page: Page) -> None:
    staff = {"Authorization": f"Bearer {named_hub.seeded.staff_token}"}
    sessions = {}
    for room, title in (("room-a", "Packed talk"), ("room-b", "Roomy talk")):
        body = {"room_id": room, "slot_id": named_hub.seeded.slot_ids[2], "title": title}
        answer = httpx.post(f"{named_hub.api}/api/v1/sessions", json=body, headers=staff)
        sessions[room] = answer.json()["id"]
    page.goto(f"{named_hub.url}/")
    subscribe = page.get_by_role("link", name="Subscribe to the whole event")
    expect(subscribe).to_have_attribute("href", f"webcal://{named_hub.url[7:]}/schedule.ics")
    page.get_by_role("searchbox", name="Search sessions").fill("roomy")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Roomy talk").click()
    expect(page.get_by_role("heading", name="Roomy talk")).to_be_visible()
    httpx.put(f"{named_hub.api}/api/v1/sessions/{sessions['room-a']}/full",
              json={"full": True}, headers=staff)  # fmt: skip
    page.goto(f"{named_hub.url}/sessions/{sessions['room-a']}")
    alternatives = page.get_by_role("region", name="Also on now, with space")
    expect(alternatives.get_by_role("link", name="Roomy talk")).to_be_visible()
