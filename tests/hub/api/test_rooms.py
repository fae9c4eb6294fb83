"""The rooms API, and the door preview drawn from the room's stored snapshot."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory
from PIL import Image

from hub import repo
from shared.clock import FakeClock
from shared.render import PANELS, DoorView
from shared.wire import RoomSnapshot
from signage_node.app import Node
from signage_node.config import NodeSettings
from signage_node.display import PngDisplay
from signage_node.events import SnapshotArrived
from signage_node.mqtt_link import Deliver
from signage_node.simulation import LoopbackLink
from tests.hub.conftest import NOW, Seeded, TestClient, hub_of, staff


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


def node_frame(snapshots: list[RoomSnapshot], room_id: str, panel: str, at: datetime,
               folder: Path) -> tuple[Image.Image, DoorView]:  # fmt: skip
    """The frame a real door node draws for ``room_id`` at ``at``, fed ``snapshots`` as the
    broker would (every room's retained state), on the node's own render path."""
    settings = NodeSettings(node_id="door-a", room_id=room_id, panel=panel,
                            state_dir=folder / "state", png_path=folder / "door.png",
                            clock_sync_flag=None)  # fmt: skip
    links: list[LoopbackLink] = []

    def link_factory(node_settings: NodeSettings, deliver: Deliver) -> LoopbackLink:
        links.append(LoopbackLink(node_settings, deliver))
        return links[-1]

    pins, display = MockFactory(), PngDisplay(PANELS[panel], settings.frame_path)
    node = Node(settings, clock=FakeClock(at), display=display, pin_factory=pins,
                link_factory=link_factory)  # fmt: skip
    node.start()
    try:
        for snapshot in snapshots:
            links[0].deliver(SnapshotArrived(snapshot.room.id, snapshot))
        assert node.settle()
    finally:
        node.stop()
        pins.close()
    assert node.last_view is not None
    with Image.open(settings.frame_path) as frame:
        frame.load()
        return frame, node.last_view


def same_pixels(first: Image.Image, second: Image.Image) -> bool:
    return (first.mode, first.size, first.getpalette(), first.tobytes()) == (
        second.mode, second.size, second.getpalette(), second.tobytes(),
    )  # fmt: skip


@pytest.mark.parametrize("panel", ["impression-7.3-spectra6", "what-jd79668", "phat-ssd1608-red"])
@pytest.mark.parametrize("later", [timedelta(0), timedelta(hours=1, minutes=10)])
def test_the_door_preview_is_the_nodes_frame(
    client: TestClient, seeded: Seeded, tmp_path: Path, panel: str, later: timedelta
) -> None:
    slot = seeded.slot_ids[2]  # on at NOW
    for room_id, title in (("room-a", "Packaging"), ("room-b", "Type hints")):
        body = {"room_id": room_id, "slot_id": slot, "title": title}
        assert client.post("/api/v1/sessions", json=body, headers=staff(seeded)).status_code == 201
    packaging = client.get("/api/v1/sessions", params={"room_id": "room-a"}).json()[0]
    answer = client.put(f"/api/v1/sessions/{packaging['id']}/full", json={"full": True},
                        headers=staff(seeded))  # fmt: skip
    assert answer.status_code == 200, answer.text
    with hub_of(client).database.transaction() as db:
        stored = [
            RoomSnapshot.model_validate_json(row.payload) for row in repo.stored_snapshots(db)
        ]
    at = NOW + later

    preview = client.get(
        "/api/v1/rooms/room-a/door.png", params={"panel": panel, "at": at.isoformat()}
    )
    assert preview.status_code == 200, preview.text
    frame, view = node_frame(stored, "room-a", panel, at, tmp_path)
    with Image.open(io.BytesIO(preview.content)) as drawn:
        drawn.load()
        assert same_pixels(drawn, frame)
    assert view.also_on_now == (("Room B",) if later == timedelta(0) else ())
