"""The ideas wall: post a topic, take it up as host, and the card remembers the idea."""

from __future__ import annotations

from typing import Any

from tests.hub.conftest import Seeded, TestClient
from tests.hub.web.conftest import form_post


def test_an_idea_becomes_a_card_that_remembers_it(web: TestClient, seeded: Seeded) -> None:
    posted: Any = form_post(web, "/ideas", "/ideas", {
        "title": "Packaging war stories", "description": "Wheels!", "proposer": "Bea",
    })  # fmt: skip
    assert posted.status_code == 303
    wall = web.get("/ideas").text
    assert "Packaging war stories" in wall
    idea_id = web.get("/api/v1/ideas").json()[0]["id"]
    form = web.get(f"/ideas/{idea_id}/host").text
    assert 'value="Packaging war stories"' in form
    hosted: Any = form_post(web, f"/ideas/{idea_id}/host", f"/ideas/{idea_id}/host", {
        "place": f"room-a|{seeded.slot_ids[6]}", "title": "Packaging war stories",
        "description": "Wheels!", "host_name": "Cy",
    })  # fmt: skip
    assert hosted.status_code == 200, hosted.text
    assert "edit-link" in hosted.text
    session_id = web.get("/api/v1/ideas").json()[0]["session_id"]
    page = web.get(f"/sessions/{session_id}").text
    assert "grew from an idea" in page
    assert "posted by Bea" in page
    again: Any = form_post(web, f"/ideas/{idea_id}/host", f"/ideas/{idea_id}/host", {
        "place": f"room-a|{seeded.slot_ids[7]}", "title": "Again", "host_name": "Di",
    })  # fmt: skip
    assert again.status_code == 409
    assert "has a host already" in again.text
    assert web.get("/api/v1/sessions").json()[-1]["title"] == "Packaging war stories"


def test_an_empty_idea_keeps_the_form(web: TestClient) -> None:
    answer: Any = form_post(web, "/ideas", "/ideas", {"title": " ", "description": "why not"})
    assert answer.status_code == 422
    assert "Please fill this in." in answer.text
    assert "why not" in answer.text


def test_staff_remove_an_idea(staff_web: TestClient) -> None:
    form_post(staff_web, "/ideas", "/ideas", {"title": "Spam"})
    idea_id = staff_web.get("/api/v1/ideas").json()[0]["id"]
    form_post(staff_web, "/ideas", f"/ideas/{idea_id}/remove", {})
    assert staff_web.get("/api/v1/ideas").json() == []
