"""The nodes API (staff only): the fleet with each node's health, identify, and assign."""

from __future__ import annotations

from hub import audit, repo
from shared import wire
from tests.hub.conftest import NOW, Seeded, TestClient, hub_of, staff

PANEL = "phat-ssd1608-red"


def register(client: TestClient, node_id: str = "door-a", room_id: str | None = "room-a") -> None:
    with hub_of(client).database.transaction() as db:
        repo.assign_node(db, node_id, room_id, PANEL)


def test_nodes_need_staff(client: TestClient) -> None:
    assert client.get("/api/v1/nodes").status_code == 401
    wrong = client.get("/api/v1/nodes", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    register(client)
    assert client.post("/api/v1/nodes/door-a/identify").status_code == 401
    assert client.put("/api/v1/nodes/door-a/room", json={"room_id": "room-b"}).status_code == 401


def test_nodes_list_what_they_reported(client: TestClient, seeded: Seeded) -> None:
    register(client)
    status = wire.NodeStatus(node_id="door-a", state="online", panel=PANEL, applied_version=3,
                             frame_hash="0" * 32, clock_offset_s=-90.0)  # fmt: skip
    with hub_of(client).database.transaction() as db:
        repo.record_node_status(db, "door-a", online=True, seen_at=NOW,
                                status_json=status.model_dump_json())  # fmt: skip
    [node] = client.get("/api/v1/nodes", headers=staff(seeded)).json()
    assert node["status"] == status.model_dump(mode="json")
    assert len(node.pop("expected_frames")) == 1
    del node["status"]
    assert node == {
        "node_id": "door-a", "room_id": "room-a", "panel": PANEL, "online": True,
        "last_seen": "2027-05-15T15:30:00Z", "frame": "mismatch", "offline_since": None,
        "wrong_frame_since": "2027-05-15T15:30:00Z",
        "alerts": [{"kind": "clock", "since": None, "clock_offset_s": -90.0}],
    }  # fmt: skip


def test_assigning_a_room_is_recorded_and_audited(client: TestClient, seeded: Seeded) -> None:
    register(client)
    answer = client.put("/api/v1/nodes/door-a/room", json={"room_id": "room-b"},
                        headers=staff(seeded))  # fmt: skip
    assert answer.status_code == 200
    assert answer.json()["room_id"] == "room-b"
    with hub_of(client).database.transaction() as db:
        assert repo.get_node(db, "door-a").room_id == "room-b"
        entry = audit.list_entries(db, limit=1)[0]
    assert (entry.action, entry.target) == ("node.assign", "node door-a")
    cleared = client.put("/api/v1/nodes/door-a/room", json={"room_id": None},
                         headers=staff(seeded))  # fmt: skip
    assert cleared.json()["room_id"] is None


def test_assigning_refuses_unknown_nodes_and_rooms(client: TestClient, seeded: Seeded) -> None:
    register(client)
    nowhere = client.put("/api/v1/nodes/door-a/room", json={"room_id": "room-z"},
                         headers=staff(seeded))  # fmt: skip
    assert nowhere.status_code == 404
    assert "room-z" in nowhere.json()["detail"]
    stranger = client.put("/api/v1/nodes/door-q/room", json={"room_id": "room-a"},
                          headers=staff(seeded))  # fmt: skip
    assert stranger.status_code == 404
    wildcard = client.put("/api/v1/nodes/door-a/room", json={"room_id": "room/#"},
                          headers=staff(seeded))  # fmt: skip
    assert wildcard.status_code == 422


def test_identify_without_a_broker_is_unavailable(client: TestClient, seeded: Seeded) -> None:
    register(client)
    answer = client.post("/api/v1/nodes/door-a/identify", headers=staff(seeded))
    assert answer.status_code == 503
    assert "broker" in answer.json()["detail"]
    unknown = client.post("/api/v1/nodes/door-q/identify", headers=staff(seeded))
    assert unknown.status_code == 404
    with hub_of(client).database.transaction() as db:
        assert [e.action for e in audit.list_entries(db)] == []
