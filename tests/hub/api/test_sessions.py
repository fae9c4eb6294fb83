"""The sessions API: create, edit, move, cancel, full, delete, and every refusal."""

from __future__ import annotations

from typing import Any

import pytest

from hub import repo
from shared.wire import RoomSnapshot
from tests.hub.conftest import Seeded, TestClient, hub_of, staff

LONG = "x" * 1001


def card(seeded: Seeded, slot: int = 5, room: str = "room-a", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "room_id": room, "slot_id": seeded.slot_ids[slot], "title": "Maker projects",
        "description": "Bring your Pi", "host_name": "Ana López", "host_handle": "@ana",
    }  # fmt: skip
    body.update(extra)
    return body


def door(client: TestClient, room_id: str) -> RoomSnapshot:
    """The snapshot the hub stored (and would publish) for ``room_id``."""
    with hub_of(client).database.transaction() as db:
        stored = repo.stored_snapshot(db, room_id)
        assert stored is not None
        return RoomSnapshot.model_validate_json(stored.payload)


def slot_of(snapshot: RoomSnapshot, slot_id: int) -> Any:
    return next(s for s in snapshot.slots if s.slot_id == slot_id)


def test_public_add_a_card_returns_a_private_edit_link(client: TestClient, seeded: Seeded) -> None:
    answer = client.post("/api/v1/sessions", json=card(seeded))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["title"] == "Maker projects"
    assert body["url"] == f"http://hub.test/sessions/{body['id']}"
    assert body["edit_url"].startswith(f"http://hub.test/sessions/{body['id']}/edit?token=")
    shown = slot_of(door(client, "room-a"), seeded.slot_ids[5])
    assert shown.kind == "session"
    assert shown.session.title == "Maker projects"
    assert client.get(f"/api/v1/sessions/{body['id']}").json()["host_name"] == "Ana López"


def test_staff_create_has_no_edit_link(client: TestClient, seeded: Seeded) -> None:
    answer = client.post("/api/v1/sessions", json=card(seeded), headers=staff(seeded))
    assert answer.status_code == 201
    assert answer.json()["edit_url"] is None


def test_edit_with_the_edit_token_changes_the_door(client: TestClient, seeded: Seeded) -> None:
    created = client.post("/api/v1/sessions", json=card(seeded)).json()
    token = created["edit_url"].split("token=")[1]
    version_before = door(client, "room-a").version
    answer = client.patch(
        f"/api/v1/sessions/{created['id']}", params={"token": token}, json={"title": "Robots"}
    )
    assert answer.status_code == 200, answer.text
    after = door(client, "room-a")
    assert after.version > version_before
    assert slot_of(after, seeded.slot_ids[5]).session.title == "Robots"


def test_edit_token_works_as_a_header(client: TestClient, seeded: Seeded) -> None:
    created = client.post("/api/v1/sessions", json=card(seeded)).json()
    token = created["edit_url"].split("token=")[1]
    answer = client.patch(
        f"/api/v1/sessions/{created['id']}",
        headers={"X-Edit-Token": token},
        json={"host_name": "A"},
    )
    assert answer.status_code == 200
    assert answer.json()["host_name"] == "A"


def test_move_leaves_a_moved_notice(client: TestClient, seeded: Seeded) -> None:
    created = client.post("/api/v1/sessions", json=card(seeded), headers=staff(seeded)).json()
    answer = client.patch(
        f"/api/v1/sessions/{created['id']}", json={"room_id": "room-b"}, headers=staff(seeded)
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["room_id"] == "room-b"
    old = slot_of(door(client, "room-a"), seeded.slot_ids[5])
    assert old.kind == "moved"
    assert old.moved_to == "Room B"
    assert slot_of(door(client, "room-b"), seeded.slot_ids[5]).kind == "session"


def test_move_to_another_slot_names_the_time(client: TestClient, seeded: Seeded) -> None:
    created = client.post("/api/v1/sessions", json=card(seeded), headers=staff(seeded)).json()
    client.patch(
        f"/api/v1/sessions/{created['id']}",
        json={"room_id": "room-b", "slot_id": seeded.slot_ids[6]},
        headers=staff(seeded),
    )
    old = slot_of(door(client, "room-a"), seeded.slot_ids[5])
    assert old.moved_to == "Room B, Sat 15:00"


def test_cancel_keeps_the_card_and_frees_the_slot(client: TestClient, seeded: Seeded) -> None:
    created = client.post("/api/v1/sessions", json=card(seeded), headers=staff(seeded)).json()
    answer = client.patch(
        f"/api/v1/sessions/{created['id']}", json={"status": "cancelled"}, headers=staff(seeded)
    )
    assert answer.json()["status"] == "cancelled"
    shown = slot_of(door(client, "room-a"), seeded.slot_ids[5])
    assert shown.kind == "cancelled"
    assert shown.add_url == f"http://hub.test/add?room=room-a&slot={seeded.slot_ids[5]}"
    again = client.post("/api/v1/sessions", json=card(seeded, title="New"), headers=staff(seeded))
    assert again.status_code == 201


def test_full_flag(client: TestClient, seeded: Seeded) -> None:
    """Full means "on now and full": only the session on now (slot 2 at NOW) may be marked."""
    later = client.post("/api/v1/sessions", json=card(seeded), headers=staff(seeded)).json()
    refused = client.put(f"/api/v1/sessions/{later['id']}/full", json={"full": True},
                         headers=staff(seeded))  # fmt: skip
    assert refused.status_code == 409
    assert "not on now" in refused.json()["detail"]
    created = client.post("/api/v1/sessions", json=card(seeded, 2), headers=staff(seeded)).json()
    url = f"/api/v1/sessions/{created['id']}/full"
    answer = client.put(url, json={"full": True}, headers=staff(seeded))
    assert answer.status_code == 200
    assert answer.json()["full"] is True
    assert slot_of(door(client, "room-a"), seeded.slot_ids[2]).session.full is True
    client.put(url, json={"full": False}, headers=staff(seeded))
    assert slot_of(door(client, "room-a"), seeded.slot_ids[2]).session.full is False


def test_delete(client: TestClient, seeded: Seeded) -> None:
    created = client.post("/api/v1/sessions", json=card(seeded), headers=staff(seeded)).json()
    answer = client.delete(f"/api/v1/sessions/{created['id']}", headers=staff(seeded))
    assert answer.status_code == 204
    assert client.get(f"/api/v1/sessions/{created['id']}").status_code == 404
    assert slot_of(door(client, "room-a"), seeded.slot_ids[5]).kind == "open"


def test_list_sessions_filters_by_room(client: TestClient, seeded: Seeded) -> None:
    client.post("/api/v1/sessions", json=card(seeded), headers=staff(seeded))
    client.post("/api/v1/sessions", json=card(seeded, room="room-b"), headers=staff(seeded))
    assert len(client.get("/api/v1/sessions").json()) == 2
    only_b = client.get("/api/v1/sessions", params={"room_id": "room-b"}).json()
    assert [s["room_id"] for s in only_b] == ["room-b"]


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"room_id": "nowhere"}, 404, "no room 'nowhere'"),
        ({"slot_id": 999}, 404, "no slot 999"),
        ({"title": ""}, 422, "title"),
        ({"title": "   "}, 422, "title"),
        ({"title": "x" * 121}, 422, "at most 120"),
        ({"description": LONG}, 422, "at most 1000"),
        ({"host_name": "x" * 81}, 422, "host_name"),
        ({"host_handle": "x" * 81}, 422, "host_handle"),
        ({"colour": "red"}, 422, "colour: not a field"),
        ({"slot_id": "soon"}, 422, "slot_id"),
    ],
)
def test_bad_new_cards_are_refused_with_a_reason(
    client: TestClient, seeded: Seeded, change: dict[str, Any], status: int, words: str
) -> None:
    answer = client.post("/api/v1/sessions", json=card(seeded, **change), headers=staff(seeded))
    assert answer.status_code == status, answer.text
    assert words in answer.json()["detail"]


def test_body_that_is_not_json_is_refused(client: TestClient) -> None:
    answer = client.post(
        "/api/v1/sessions", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422
    assert "not valid JSON" in answer.json()["detail"]


def test_taken_slot_is_a_conflict(client: TestClient, seeded: Seeded) -> None:
    client.post("/api/v1/sessions", json=card(seeded))
    answer = client.post("/api/v1/sessions", json=card(seeded, title="Second"))
    assert answer.status_code == 409
    assert answer.json()["detail"] == "Room A already has a session at Sat 14:00"


def test_blocked_slot_is_a_conflict_even_for_staff(client: TestClient, seeded: Seeded) -> None:
    body = card(seeded, room="room-b", slot_id=seeded.blocked_slot_id)
    answer = client.post("/api/v1/sessions", json=body, headers=staff(seeded))
    assert answer.status_code == 409
    assert answer.json()["detail"] == "Room B is blocked at Sat 12:00 for Sponsor workshop"


def test_moving_onto_a_taken_slot_is_a_conflict(client: TestClient, seeded: Seeded) -> None:
    first = client.post("/api/v1/sessions", json=card(seeded), headers=staff(seeded)).json()
    client.post("/api/v1/sessions", json=card(seeded, room="room-b"), headers=staff(seeded))
    answer = client.patch(
        f"/api/v1/sessions/{first['id']}", json={"room_id": "room-b"}, headers=staff(seeded)
    )
    assert answer.status_code == 409
    assert client.get(f"/api/v1/sessions/{first['id']}").json()["room_id"] == "room-a"


def test_public_cannot_add_to_a_slot_that_is_over(client: TestClient, seeded: Seeded) -> None:
    answer = client.post("/api/v1/sessions", json=card(seeded, slot=0))
    assert answer.status_code == 409
    assert "already over" in answer.json()["detail"]
    staff_answer = client.post("/api/v1/sessions", json=card(seeded, slot=0), headers=staff(seeded))
    assert staff_answer.status_code == 201


def test_changes_need_a_token(client: TestClient, seeded: Seeded) -> None:
    created = client.post("/api/v1/sessions", json=card(seeded)).json()
    url = f"/api/v1/sessions/{created['id']}"
    assert client.patch(url, json={"title": "Mine now"}).status_code == 401
    assert client.delete(url).status_code == 401
    assert client.put(f"{url}/full", json={"full": True}).status_code == 401
    wrong = client.patch(url, params={"token": "guess"}, json={"title": "Mine now"})
    assert wrong.status_code == 403
    assert client.get(url).json()["title"] == "Maker projects"


def test_one_sessions_edit_token_does_not_open_another(client: TestClient, seeded: Seeded) -> None:
    first = client.post("/api/v1/sessions", json=card(seeded)).json()
    second = client.post("/api/v1/sessions", json=card(seeded, slot=6)).json()
    token = first["edit_url"].split("token=")[1]
    answer = client.delete(f"/api/v1/sessions/{second['id']}", params={"token": token})
    assert answer.status_code == 403


@pytest.mark.parametrize(
    "header", ["Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer", "nonsense"]
)
def test_wrong_staff_credentials_are_refused(
    client: TestClient, seeded: Seeded, header: str
) -> None:
    answer = client.post("/api/v1/sessions", json=card(seeded), headers={"Authorization": header})
    assert answer.status_code == 401
    assert answer.json()["detail"]
    assert client.get("/api/v1/sessions").json() == []


def test_unknown_session_is_404(client: TestClient, seeded: Seeded) -> None:
    answer = client.patch("/api/v1/sessions/4242", json={"title": "x"}, headers=staff(seeded))
    assert answer.status_code == 404
    assert answer.json()["detail"] == "there is no session 4242"
