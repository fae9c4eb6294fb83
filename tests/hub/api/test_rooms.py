"""The rooms API, and the door preview drawn from the room's stored snapshot."""

from __future__ import annotations

import io

from PIL import Image

from shared.render import PANELS
from tests.hub.conftest import Seeded, TestClient, staff


def test_rooms_in_board_order(client: TestClient) -> None:
    rooms = client.get("/api/v1/rooms").json()
    assert [r["id"] for r in rooms] == ["room-a", "room-b"]
    assert rooms[0] == {
        "id": "room-a", "name": "Room A", "capacity": 40, "location": "Level 2", "position": 0,
    }  # fmt: skip


def test_door_png_has_the_panels_size(client: TestClient) -> None:
    for panel in PANELS.values():
        answer = client.get("/api/v1/rooms/room-a/door.png", params={"panel": panel.id})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "image/png"
        image = Image.open(io.BytesIO(answer.content))
        assert image.size == (panel.width, panel.height)


def test_door_png_follows_the_schedule(client: TestClient, seeded: Seeded) -> None:
    params = {"panel": "impression-7.3-spectra6", "at": "2027-05-15T11:30:00-04:00"}
    before = client.get("/api/v1/rooms/room-a/door.png", params=params).content
    body = {"room_id": "room-a", "slot_id": seeded.slot_ids[2], "title": "Packaging"}
    client.post("/api/v1/sessions", json=body, headers=staff(seeded))
    after = client.get("/api/v1/rooms/room-a/door.png", params=params).content
    assert before != after


def test_door_png_refuses_bad_input(client: TestClient) -> None:
    unknown_panel = client.get("/api/v1/rooms/room-a/door.png", params={"panel": "etch-a-sketch"})
    assert unknown_panel.status_code == 422
    assert "unknown panel" in unknown_panel.json()["detail"]
    naive = client.get(
        "/api/v1/rooms/room-a/door.png",
        params={"panel": "impression-7.3-spectra6", "at": "2027-05-15T11:30:00"},
    )
    assert naive.status_code == 422
    assert "query parameter at" in naive.json()["detail"]
    missing = client.get("/api/v1/rooms/nowhere/door.png", params={"panel": "phat-ssd1608-red"})
    assert missing.status_code == 404
    assert missing.json()["detail"] == "there is no room 'nowhere'"
