"""Attendees find their way: search, "also on now" on a full session's page, calendar
subscriptions, and no hardware words on public pages (the door preview is staff only)."""

from __future__ import annotations

import re

from shared.render.panels import PANELS
from tests.hub.conftest import Seeded, TestClient, staff
from tests.hub.web.test_board import add


def test_search_finds_title_description_host_and_room(web: TestClient, seeded: Seeded) -> None:
    first = add(web, seeded, 2, title="Café culture", description="Espresso and packaging")
    second = add(web, seeded, 5, room="room-b", title="Rust", host_name="Zoë")
    assert f'href="/sessions/{first}"' in web.get("/search", params={"q": "CAFE"}).text
    assert f'href="/sessions/{first}"' in web.get("/search", params={"q": "packaging"}).text
    by_host = web.get("/search", params={"q": "zoe"}).text
    assert f'href="/sessions/{second}"' in by_host
    assert f'href="/sessions/{first}"' not in by_host
    by_room = web.get("/search", params={"q": "room b"}).text
    assert f'href="/sessions/{second}"' in by_room
    none = web.get("/search", params={"q": "kubernetes"})
    assert none.status_code == 200
    assert "No session matches" in none.text


def test_search_isolates_and_escapes_what_people_typed(web: TestClient, seeded: Seeded) -> None:
    add(web, seeded, 2, title="\u202eevil <b>bold</b>")
    html = web.get("/search", params={"q": "<b>bold"}).text
    assert "<b>bold</b>" not in html
    assert re.search(r"<bdi>evil &lt;b&gt;bold&lt;/b&gt;</bdi>", html), "normalised, in <bdi>"
    assert "<bdi>&lt;b&gt;bold</bdi>" in html


def test_every_page_has_the_search_box(web: TestClient, seeded: Seeded) -> None:
    for url in ("/", "/rooms/room-a", "/ideas", "/add"):
        assert 'action="/search" role="search"' in web.get(url).text, url


def test_a_full_session_page_lists_what_else_is_on_now_with_space(
    web: TestClient, seeded: Seeded
) -> None:
    full = add(web, seeded, 2, title="Packed")
    other = add(web, seeded, 2, room="room-b", title="Roomy")
    assert "Also on now" not in web.get(f"/sessions/{full}").text
    web.put(f"/api/v1/sessions/{full}/full", json={"full": True}, headers=staff(seeded))
    html = web.get(f"/sessions/{full}").text
    assert "Also on now, with space" in html
    assert f'<a href="/sessions/{other}"><bdi>Roomy</bdi></a>' in html
    web.put(f"/api/v1/sessions/{other}/full", json={"full": True}, headers=staff(seeded))
    html = web.get(f"/sessions/{full}").text
    assert f'href="/sessions/{other}"' not in html
    assert "No other session on now has space left." in html


def test_calendars_offer_subscriptions_and_downloads(web: TestClient, seeded: Seeded) -> None:
    session_id = add(web, seeded, 2)
    board = web.get("/").text
    assert 'href="webcal://hub.test/schedule.ics"' in board
    assert 'href="/schedule.ics" download' in board
    room = web.get("/rooms/room-a").text
    assert 'href="webcal://hub.test/rooms/room-a.ics"' in room
    assert 'href="/rooms/room-a.ics" download' in room
    page = web.get(f"/sessions/{session_id}").text
    assert 'href="webcal://hub.test/rooms/room-a.ics"' in page
    assert f'href="/sessions/{session_id}.ics"' in page


def test_a_cancelled_session_offers_no_add_to_calendar(web: TestClient, seeded: Seeded) -> None:
    session_id = add(web, seeded, 2)
    web.patch(f"/api/v1/sessions/{session_id}", json={"status": "cancelled"},
              headers=staff(seeded))  # fmt: skip
    page = web.get(f"/sessions/{session_id}").text
    assert "This session was cancelled" in page
    assert "Add to calendar" not in page
    assert f"/sessions/{session_id}.ics" not in page


def test_public_pages_have_no_hardware_words(web: TestClient, seeded: Seeded) -> None:
    session_id = add(web, seeded, 2)
    for url in ("/", "/rooms/room-a", f"/sessions/{session_id}", "/search?q=maker"):
        html = web.get(url).text
        words = re.sub(r"<[^>]*>", " ", html).lower()
        assert "door.png" not in html, url
        assert "panel" not in words, url
        assert not [p for p in PANELS if p in html], url


def test_the_door_preview_and_its_panel_picker_are_for_staff(staff_web: TestClient) -> None:
    page = staff_web.get("/staff/rooms/room-a/door")
    assert page.status_code == 200
    assert "/api/v1/rooms/room-a/door.png?panel=impression-7.3-spectra6" in page.text
    assert all(f'<option value="{p}"' in page.text for p in PANELS)
    chosen = staff_web.get("/staff/rooms/room-a/door", params={"panel": "what-ssd1683-red"})
    assert "door.png?panel=what-ssd1683-red" in chosen.text
    assert "/staff/rooms/room-a/door" in staff_web.get("/staff/rooms").text
    assert "/staff/rooms/room-a/door" in staff_web.get("/rooms/room-a").text


def test_the_door_preview_needs_a_staff_login(web: TestClient, seeded: Seeded) -> None:
    answer = web.get("/staff/rooms/room-a/door", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/staff/login")
    assert "/staff/rooms/room-a/door" not in web.get("/rooms/room-a").text
