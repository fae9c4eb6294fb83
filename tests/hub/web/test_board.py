"""The public board, room and session pages: the grid, now, full, blocked, escaping."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hub import repo
from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient, hub_of, staff

EVENT_NEXT_DAY = date(2027, 5, 16)
NASTY = "<script>alert('x')</script>"


def add(client: TestClient, seeded: Seeded, slot: int, room: str = "room-a", **text: str) -> int:
    body = {"room_id": room, "slot_id": seeded.slot_ids[slot], "title": "Maker projects", **text}
    answer = client.post("/api/v1/sessions", json=body, headers=staff(seeded))
    assert answer.status_code == 201, answer.text
    session_id: int = answer.json()["id"]
    return session_id


def row_of(html: str, start: str) -> str:
    """The board's table row for the slot starting at local ``start`` ("11:00")."""
    rows = re.findall(r"<tr class=\"slot[^\"]*\".*?</tr>", html, re.S)
    found: str = next(row for row in rows if f'<span class="from">{start}</span>' in row)
    return found


def test_the_board_shows_rooms_slots_now_and_blocked(web: TestClient, seeded: Seeded) -> None:
    add(web, seeded, 2, host_name="Ana", host_handle="@ana")
    page = web.get("/")
    assert page.status_code == 200
    html = page.text
    assert "Room A" in html
    assert "Room B" in html
    now_row = row_of(html, "11:00")
    assert 'class="slot now"' in now_row
    assert "Maker projects" in now_row
    assert "@ana" in now_row
    assert "Sponsor workshop" in row_of(html, "12:00")
    assert 'class="slot past"' in row_of(html, "09:00")
    assert "add yours" not in row_of(html, "09:00"), "a slot that is over invites nobody"
    later = row_of(html, "15:00")
    assert f'href="/add?room=room-a&amp;slot={seeded.slot_ids[6]}"' in later
    assert 'class="board-page lobby"' in web.get("/?lobby=1").text


def test_full_shows_only_while_the_session_is_on(
    web: TestClient, seeded: Seeded, clock: FakeClock
) -> None:
    session_id = add(web, seeded, 2)
    web.put(f"/api/v1/sessions/{session_id}/full", json={"full": True}, headers=staff(seeded))
    assert "is-full" in row_of(web.get("/").text, "11:00")
    assert "Full" in web.get(f"/sessions/{session_id}").text
    clock.advance(timedelta(hours=1))
    assert "is-full" not in web.get("/").text, "full ends with its session"
    assert "no space left" not in web.get(f"/sessions/{session_id}").text


def test_moved_and_cancelled_cards_say_so(web: TestClient, seeded: Seeded) -> None:
    moved = add(web, seeded, 5)
    web.patch(f"/api/v1/sessions/{moved}", json={"room_id": "room-b"}, headers=staff(seeded))
    cancelled = add(web, seeded, 6)
    web.patch(f"/api/v1/sessions/{cancelled}", json={"status": "cancelled"}, headers=staff(seeded))
    html = web.get("/").text
    assert "Moved to Room B" in row_of(html, "14:00")
    assert "Cancelled" in row_of(html, "15:00")


def test_days_are_browsable_before_the_event(
    web: TestClient, seeded: Seeded, clock: FakeClock
) -> None:
    with hub_of(web).database.transaction() as db:
        repo.add_day(db, EVENT_NEXT_DAY, 10, 12)
    clock.set(clock.now() - timedelta(days=30))
    html = web.get("/").text
    assert "Saturday 15 May" in html, "before the event the board opens on its first day"
    assert "?day=2027-05-16" in html
    other = web.get("/?day=2027-05-16").text
    assert "Sunday 16 May" in other
    assert web.get("/?day=not-a-date").status_code == 422


def test_room_page_shows_the_schedule(web: TestClient, seeded: Seeded) -> None:
    add(web, seeded, 2)
    html = web.get("/rooms/room-a").text
    assert "Maker projects" in html
    assert "/rooms/room-a.ics" in html
    missing = web.get("/rooms/no-such-room")
    assert missing.status_code == 404
    assert "there is no room" in missing.text


def test_session_page_has_calendar_and_share_text(web: TestClient, seeded: Seeded) -> None:
    session_id = add(web, seeded, 2, host_name="Ana", host_handle="@ana")
    html = web.get(f"/sessions/{session_id}").text
    assert f'href="/sessions/{session_id}.ics"' in html
    assert "#test" in html
    assert f"http://hub.test/sessions/{session_id}" in html
    assert "On now" in html
    assert web.get("/sessions/9999").status_code == 404


def test_typed_html_is_text_everywhere(web: TestClient, seeded: Seeded) -> None:
    fields = {"title": NASTY, "description": NASTY, "host_name": NASTY, "host_handle": NASTY}
    session_id = add(web, seeded, 2, **{k: v for k, v in fields.items() if k != "title"})
    web.patch(f"/api/v1/sessions/{session_id}", json={"title": NASTY}, headers=staff(seeded))
    web.post("/api/v1/announcements", json={"text": NASTY}, headers=staff(seeded))
    for url in ("/", "/rooms/room-a", f"/sessions/{session_id}", "/staff/login"):
        html = web.get(url).text
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert" in html, url
    door = web.get("/api/v1/rooms/room-a/door.png", params={"panel": "what-ssd1683-red"})
    assert door.status_code == 200
    assert door.headers["content-type"] == "image/png"


def test_static_files_are_served(web: TestClient) -> None:
    assert web.get("/static/board.css").status_code == 200
    assert web.get("/static/live.js").status_code == 200


def test_typed_text_on_the_board_is_isolated(client: TestClient, seeded: Seeded) -> None:
    """Each title, host name and handle sits in its own <bdi>: right-to-left text in one cannot
    reorder its neighbours (bidi controls are already removed at the edge)."""
    body = {"room_id": "room-a", "slot_id": seeded.slot_ids[2], "title": "שלום עולם",
            "host_name": "Ana", "host_handle": "@ana"}  # fmt: skip
    assert client.post("/api/v1/sessions", json=body, headers=staff(seeded)).status_code == 201
    page = client.get("/").text
    for text in ("שלום עולם", "Ana", "@ana"):
        assert f"<bdi>{text}</bdi>" in page
