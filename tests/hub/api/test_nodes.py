"""The nodes API (staff only)."""

from __future__ import annotations

from hub import repository as repo
from tests.hub.conftest import NOW, Seeded, TestClient, hub_of, staff


def test_nodes_need_staff(client: TestClient) -> None:
    assert client.get("/api/v1/nodes").status_code == 401
    wrong = client.get("/api/v1/nodes", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_nodes_list_what_they_reported(client: TestClient, seeded: Seeded) -> None:
    with hub_of(client).database.transaction() as db:
        repo.assign_node(db, "door-a", "room-a", "phat-ssd1608-red")
        repo.record_node_status(
            db, "door-a", online=True, status_json='{"applied_version": 3}', seen_at=NOW
        )
    nodes = client.get("/api/v1/nodes", headers=staff(seeded)).json()
    assert nodes == [
        {
            "node_id": "door-a", "room_id": "room-a", "panel": "phat-ssd1608-red",
            "online": True, "last_seen": "2027-05-15T15:30:00Z",
            "status": {"applied_version": 3},
        }
    ]  # fmt: skip
