"""The hub without a broker: snapshots are stored and versioned, nothing is published."""

from __future__ import annotations

from hub import repo
from tests.hub.conftest import Seeded, TestClient, hub_of


def test_only_changed_rooms_get_a_new_version(client: TestClient, seeded: Seeded) -> None:
    hub = hub_of(client)
    assert hub.link is None
    assert hub.publisher.publish_all_rooms() == []
    with hub.database.transaction() as db:
        before = {s.room_id: s.version for s in repo.stored_snapshots(db)}
        repo.add_session(db, "room-b", seeded.slot_ids[0], "New")
    [published] = hub.publisher.publish_rooms(["room-a", "room-b"])
    assert published.room.id == "room-b"
    assert published.version == max(before.values()) + 1
    assert hub.publisher.publish_rooms(["room-b"]) == []
