"""Screenshots for the docs: the board, a session page, a room page, the lobby screen
(1920×1080), the staff event and fleet views and a room's door preview, and a host's card
(added, withdraw, undo, My cards) and search.

Run ``.venv/bin/python -m tests.hub.web.screenshots [OUT_DIR]`` (default ``docs/screenshots``).
It serves the hub with the demo's sample event on a fixed clock, reports a few door nodes, and
drives Debian's Chromium at a laptop and a phone size.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, ViewportSize, sync_playwright

from hub import repo
from hub.demo.sample import sample_plan
from hub.demo.seed import register_nodes, seed
from hub.fleet import expected_frames
from hub.settings import HubSettings
from hub.storage.db import open_database
from shared import wire
from shared.clock import FakeClock
from shared.render.panels import PANELS
from tests.hub.web.browser import PHONE, launch_chromium
from tests.hub.web.conftest import STAFF_PASSWORD, STAFF_USER, add_staff, serve

#: 14:30 in New York: the sample's third slot of the day is on.
AT = datetime(2027, 5, 15, 18, 30, tzinfo=UTC)
TIMEZONE = "America/New_York"
LAPTOP: ViewportSize = {"width": 1440, "height": 900}
LOBBY_SCREEN: ViewportSize = {"width": 1920, "height": 1080}
#: (node id, room, panel, what it shows): the hub's frame, a wrong one, or none (offline).
NODES = [
    ("door-1", "room-250a", "impression-7.3-spectra6", "right"),
    ("door-2", "room-250b", "what-ssd1683-red", "right"),
    ("door-3", "room-250c", "impression-5.7-7colour", "wrong"),
    ("door-4", "room-251", "phat-ssd1608-red", "offline"),
    ("door-5", "room-252", "impression-13.3-spectra6", "right"),
]
#: The hub starts (and publishes every room) this long before the screenshots are taken.
STARTED_BEFORE = timedelta(minutes=15)
CLOCK_OFFSETS = {"door-1": 0.2, "door-2": -0.4, "door-3": 0.1, "door-4": 1.8, "door-5": 84.0}


def prepare(database_url: str) -> None:
    """The sample event (its ideas too), a staff login, an announcement and five door nodes."""
    database = open_database(database_url)
    try:
        seed(database, sample_plan(AT, TIMEZONE))
        register_nodes(database, [(node_id, room, panel) for node_id, room, panel, _ in NODES])
        with database.transaction() as db:
            repo.add_announcement(db, "Lightning talks: sign up at the desk by Hall B until 16:00")
    finally:
        database.dispose()
    add_staff(database_url)


def report_nodes(database_url: str) -> None:
    """What the five doors reported, once the running hub has published every room: three
    show the hub's frame, door-3 a wrong one since 14:21, door-4 went offline at 14:12, and
    door-5's clock is 84 s fast."""
    database = open_database(database_url)
    try:
        with database.transaction() as db:
            rooms = {row.room_id: wire.RoomSnapshot.model_validate_json(row.payload)
                     for row in repo.stored_snapshots(db)}  # fmt: skip
            for node_id, room_id, panel, shows in NODES:
                expected = expected_frames(node_id, room_id, rooms, PANELS[panel], AT)
                _report(db, node_id, panel, shows, expected)
    finally:
        database.dispose()


def _report(db: Any, node_id: str, panel: str, shows: str, expected: Sequence[str]) -> None:
    refreshed = AT - timedelta(minutes=9) if shows == "wrong" else AT - STARTED_BEFORE
    status = wire.NodeStatus(
        node_id=node_id, state="online", software_version="0.1.0", panel=panel,
        applied_version=41 if shows == "wrong" else 42, applied_epoch="demo",
        frame_hash="f" * 32 if shows == "wrong" else (expected[0] if expected else None),
        last_refresh_at=refreshed, last_refresh_s=12.0, clock_offset_s=CLOCK_OFFSETS[node_id],
    )  # fmt: skip
    repo.record_node_status(db, node_id, online=True, status_json=status.model_dump_json(),
                            seen_at=refreshed)  # fmt: skip
    if shows == "offline":
        gone = status.model_copy(update={"state": "offline"})
        repo.record_node_status(db, node_id, online=False, status_json=gone.model_dump_json(),
                                seen_at=AT - timedelta(minutes=18))  # fmt: skip


def shoot(base: str, out: Path) -> None:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        laptop = browser.new_context(viewport=LAPTOP, device_scale_factor=1).new_page()
        _save(laptop, base + "/", out / "board.png")
        laptop.locator("tr.now td.is-full a.card").first.click()
        _save(laptop, laptop.url, out / "session.png")
        _save(laptop, base + "/rooms/room-250b", out / "room.png")
        lobby = browser.new_context(viewport=LOBBY_SCREEN, device_scale_factor=1).new_page()
        _save(lobby, base + "/lobby", out / "lobby.png", full_page=False)
        _log_in(laptop, base)
        _save(laptop, base + "/staff/fleet", out / "staff-fleet.png")
        _save(laptop, base + "/staff/event", out / "staff-event.png")
        phone = browser.new_context(viewport=PHONE, is_mobile=True, device_scale_factor=2)
        _save(phone.new_page(), base + "/", out / "board-phone.png", full_page=False)
        shoot_hosts(browser.new_context(viewport=LAPTOP).new_page(), base, out)
        _save(laptop, base + "/staff/rooms/room-250b/door", out / "staff-door.png")
        browser.close()


def shoot_hosts(page: Page, base: str, out: Path) -> None:
    """A host adds a card, withdraws it (the question, then undo), finds it in "My cards"; an
    attendee searches."""
    page.goto(base + "/add")
    page.locator("#f-place").select_option(index=1)
    page.get_by_label("Topic").fill("Packaging without tears")
    page.get_by_label("Your name").fill("Mei Tanaka")
    page.get_by_role("button", name="Put it on the board").click()
    _save(page, page.url, out / "card-added.png", reload=False)
    link = urlsplit(page.locator("#edit-link").get_attribute("href") or "")
    page.goto(f"{base}{link.path}?{link.query}")  # the link names the public address
    page.get_by_role("button", name="Withdraw my card").click()
    _save(page, page.url, out / "card-withdraw.png", reload=False)
    page.get_by_role("button", name="Yes, withdraw it").click()
    _save(page, page.url, out / "card-undo.png")
    _save(page, base + "/my-cards", out / "my-cards.png")
    _save(page, base + "/search?q=python", out / "search.png")


def _save(page: Page, url: str, path: Path, *, full_page: bool = True, reload: bool = True) -> None:
    if reload:
        page.goto(url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(path), full_page=full_page)
    print(f"wrote {path}")


def _log_in(page: Page, base: str) -> None:
    page.goto(base + "/staff/login")
    page.get_by_label("Username").fill(STAFF_USER)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/staff")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        settings = HubSettings(
            database_url=f"sqlite:///{folder}/hub.db", public_url="https://board.example.org"
        )
        prepare(settings.database_url)
        clock = FakeClock(AT - STARTED_BEFORE)
        for base in serve(settings, clock):
            clock.set(AT)
            report_nodes(settings.database_url)
            shoot(base, out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
