"""Add-a-card without an account: the form, the private edit link, limits, and no double booking."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from hub import repo
from hub.access.ratelimit import TokenBucketLimiter
from hub.app import create_app
from hub.settings import HubSettings
from hub.storage.db import open_database
from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient
from tests.hub.web.conftest import ServedHub, csrf_of


def post_card(client: TestClient, place: str, **fields: str) -> Any:
    token = csrf_of(client.get("/add").text)
    data = {"csrf_token": token, "place": place, "title": "Robots", **fields}
    return client.post("/add", data=data, follow_redirects=False)


def edit_link(html: str) -> str:
    found = re.search(r'id="edit-link" class="edit-link" href="http://hub\.test([^"]+)"', html)
    assert found is not None
    return found.group(1).replace("&amp;", "&")


def open_edit_link(client: TestClient, link: str) -> Any:
    """Open the edit link as a browser does: the cookie page, then its refresh target."""
    opening = client.get(link)
    assert opening.status_code == 200, opening.text
    target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', opening.text)
    assert target is not None
    assert "token" not in target.group(1)
    return client.get(target.group(1))


def test_a_host_adds_a_card_and_edits_it_with_the_private_link(
    web: TestClient, seeded: Seeded
) -> None:
    form = web.get("/add", params={"room": "room-a", "slot": seeded.slot_ids[5]})
    assert f'value="room-a|{seeded.slot_ids[5]}" selected' in form.text
    answer = post_card(web, f"room-a|{seeded.slot_ids[5]}", host_name="Ana")
    assert answer.status_code == 200, answer.text
    link = edit_link(answer.text)
    assert "Robots" in web.get("/").text
    page = open_edit_link(web, link)
    assert page.status_code == 200
    session_id = int(link.split("/")[2])
    saved = web.post(link.split("?")[0], data={
        "csrf_token": csrf_of(page.text), "action": "save", "title": "Rovers",
        "description": "", "host_name": "Ana", "host_handle": "",
    }, follow_redirects=True)  # fmt: skip
    assert "Saved" in saved.text
    assert "Rovers" in web.get(f"/sessions/{session_id}").text
    asked = web.post(link.split("?")[0], data={
        "csrf_token": csrf_of(page.text), "action": "withdraw",
    }, follow_redirects=True)  # fmt: skip
    assert "Withdraw your card?" in asked.text
    assert "This session was cancelled" not in web.get(f"/sessions/{session_id}").text
    withdrawn = web.post(link.split("?")[0], data={
        "csrf_token": csrf_of(page.text), "action": "withdraw-confirmed",
    }, follow_redirects=True)  # fmt: skip
    assert "withdrawn" in withdrawn.text
    assert "This session was cancelled" in web.get(f"/sessions/{session_id}").text


def test_the_form_stores_normalised_text(web: TestClient, seeded: Seeded) -> None:
    answer = post_card(web, f"room-a|{seeded.slot_ids[5]}", title="\u202eevil\x1b[2J title",
                       description="a\r\n\r\n\r\nb\u2066", host_name="Ana\x00")  # fmt: skip
    assert answer.status_code == 200, answer.text
    session_id = int(edit_link(answer.text).split("/")[2])
    stored = web.get(f"/api/v1/sessions/{session_id}").json()
    assert (stored["title"], stored["description"], stored["host_name"]) == (
        "evil title", "a\n\nb", "Ana",
    )  # fmt: skip


def test_a_wrong_edit_token_is_refused(web: TestClient, seeded: Seeded) -> None:
    link = edit_link(post_card(web, f"room-a|{seeded.slot_ids[5]}").text)
    refused = web.get(link[:-4] + "abcd")
    assert refused.status_code == 403
    assert "edit link is not valid" in refused.text


def test_form_errors_keep_what_was_typed(web: TestClient, seeded: Seeded) -> None:
    answer = post_card(web, f"room-a|{seeded.slot_ids[5]}", title="", description="My <notes>")
    assert answer.status_code == 422
    assert "Please fill this in." in answer.text
    assert "My &lt;notes&gt;" in answer.text
    long = post_card(web, f"room-a|{seeded.slot_ids[5]}", title="x" * 121)
    assert long.status_code == 422
    assert "120 characters or fewer" in long.text
    assert "x" * 121 in long.text


def test_taken_blocked_and_past_slots_are_refused(web: TestClient, seeded: Seeded) -> None:
    post_card(web, f"room-a|{seeded.slot_ids[5]}")
    taken = post_card(web, f"room-a|{seeded.slot_ids[5]}", title="Second")
    assert taken.status_code == 409
    assert "already has a session" in taken.text
    assert 'value="Second"' in taken.text
    blocked = post_card(web, f"room-b|{seeded.blocked_slot_id}")
    assert blocked.status_code == 409
    assert "Sponsor workshop" in blocked.text
    past = post_card(web, f"room-a|{seeded.slot_ids[0]}")
    assert past.status_code == 409
    assert "already over" in past.text
    nowhere = post_card(web, "nonsense")
    assert nowhere.status_code == 422


def test_a_form_without_its_csrf_token_changes_nothing(web: TestClient, seeded: Seeded) -> None:
    web.get("/add")
    data = {"place": f"room-a|{seeded.slot_ids[5]}", "title": "Sneaky"}
    refused = web.post("/add", data=data)
    assert refused.status_code == 403
    assert "security token" in refused.text
    wrong = web.post("/add", data={**data, "csrf_token": "x" * 43})
    assert wrong.status_code == 403
    assert "Sneaky" not in web.get("/").text


def test_public_adds_are_rate_limited_per_client(
    settings: HubSettings, seeded: Seeded, clock: FakeClock
) -> None:
    limiter = TokenBucketLimiter(clock, burst=2, per_hour=1)
    with TestClient(create_app(settings, clock=clock, add_card_limiter=limiter)) as client:
        assert post_card(client, f"room-a|{seeded.slot_ids[5]}").status_code == 200
        body = {"room_id": "room-a", "slot_id": seeded.slot_ids[6], "title": "API card"}
        assert client.post("/api/v1/sessions", json=body).status_code == 201
        third = post_card(client, f"room-a|{seeded.slot_ids[7]}", title="Third")
        assert third.status_code == 429
        assert 'value="Third"' in third.text
        body["slot_id"] = seeded.slot_ids[7]
        assert client.post("/api/v1/sessions", json=body).status_code == 429


def test_concurrent_adds_at_one_slot_book_it_once(served: ServedHub) -> None:
    slot_id = served.seeded.slot_ids[6]

    def attempt(n: int) -> int:
        body = {"room_id": "room-a", "slot_id": slot_id, "title": f"Card {n}"}
        return httpx.post(f"{served.url}/api/v1/sessions", json=body, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(attempt, range(12)))
    assert codes.count(201) == 1, codes
    assert codes.count(409) == 11, codes
    listed = httpx.get(f"{served.url}/api/v1/sessions", timeout=10).json()
    assert [s["slot_id"] for s in listed].count(slot_id) == 1


def test_the_confirmation_says_the_door_shows_the_card_only_when_it_does(
    web: TestClient, seeded: Seeded, settings: HubSettings
) -> None:
    """Issue 13, item 4: "its door already shows it" needs a door on the room and the slot on."""
    later = post_card(web, f"room-a|{seeded.slot_ids[5]}")
    assert "its door already shows it" not in later.text
    assert "the board shows it now" in later.text
    no_door = post_card(web, f"room-a|{seeded.slot_ids[2]}", title="Now, no door")
    assert "its door already shows it" not in no_door.text
    database = open_database(settings.database_url)
    with database.transaction() as db:
        repo.assign_node(db, "door-b", "room-b")
    database.dispose()
    on_door = post_card(web, f"room-b|{seeded.slot_ids[2]}", title="Now, at a door")
    assert "its door already shows it" in on_door.text


def test_the_edit_page_offers_full_only_while_the_session_is_on(
    web: TestClient, seeded: Seeded
) -> None:
    """Issue 13, item 2: full means "on now and full"; a card hours away has no full button."""
    later = open_edit_link(web, edit_link(post_card(web, f"room-a|{seeded.slot_ids[5]}").text))
    assert "Mark the room full" not in later.text
    now = post_card(web, f"room-a|{seeded.slot_ids[2]}", title="On now")
    assert "Mark the room full" in open_edit_link(web, edit_link(now.text)).text
