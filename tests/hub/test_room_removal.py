"""Removing a room over a real Mosquitto: its retained state goes, its doors become unassigned,
and a removal the broker missed (hub disconnected) is cleared when the hub reconnects."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from hub import repo
from hub.app import create_app
from hub.settings import HubSettings
from shared import wire
from shared.clock import FakeClock
from shared.topics import Topics
from tests.conftest import Broker
from tests.hub.conftest import Seeded, TestClient, hub_of, staff, wait_until
from tests.hub.mqtt_helpers import Received, TestMqttClient

TOPICS = Topics()


@pytest.fixture
def watcher(broker: Broker) -> Iterator[TestMqttClient]:
    client = TestMqttClient(broker, "watcher", [TOPICS.all_room_states()])
    yield client
    client.stop()


def on(topic: str, *, empty: bool | None = None) -> Callable[[Received], bool]:
    """Messages on ``topic`` (only empty ones, or only non-empty ones, if ``empty`` says)."""

    def match(message: Received) -> bool:
        return message.topic == topic and (empty is None or (message.payload == b"") == empty)

    return match


def add_room_with_a_door(client: TestClient, seeded: Seeded) -> None:
    """Room C, shown by door-c (a provisioned node)."""
    body = {"id": "room-c", "name": "Room C", "capacity": 12}
    assert client.post("/api/v1/rooms", json=body, headers=staff(seeded)).status_code == 201
    with hub_of(client).database.transaction() as db:
        repo.assign_node(db, "door-c", None)
    assigned = client.put("/api/v1/nodes/door-c/room", json={"room_id": "room-c"},
                          headers=staff(seeded))  # fmt: skip
    assert assigned.status_code == 200, assigned.text


def fresh_door_sees(broker: Broker) -> dict[str, bytes]:
    """The retained messages a door connecting now gets on room C's state and its config:
    read up to room A's retained state, subscribed last, which the broker sends after them."""
    last = TOPICS.room_state("room-a")
    topics = [TOPICS.room_state("room-c"), TOPICS.node_config("door-c"), last]
    door = TestMqttClient(broker, "door-c", topics)
    try:
        seen: dict[str, bytes] = {}
        while last not in seen:
            message = door.wait_for(lambda m: True)
            seen[message.topic] = message.payload
        return seen
    finally:
        door.stop()


def config_room(payload: bytes) -> str | None:
    return wire.decode(wire.NodeConfig, payload).room_id


def test_removing_a_room_clears_its_state_and_unassigns_its_doors(
    live: TestClient, seeded: Seeded, watcher: TestMqttClient, broker: Broker
) -> None:
    add_room_with_a_door(live, seeded)
    watcher.wait_for(on(TOPICS.room_state("room-c"), empty=False))
    before = fresh_door_sees(broker)
    assert TOPICS.room_state("room-c") in before
    assert config_room(before[TOPICS.node_config("door-c")]) == "room-c"

    removed = live.delete("/api/v1/rooms/room-c", headers=staff(seeded))
    assert removed.status_code == 204, removed.text
    watcher.wait_for(on(TOPICS.room_state("room-c"), empty=True))
    after = fresh_door_sees(broker)
    assert TOPICS.room_state("room-c") not in after, "the broker still offers the removed room"
    assert config_room(after[TOPICS.node_config("door-c")]) is None
    nodes = live.get("/api/v1/nodes", headers=staff(seeded)).json()
    assert [n["room_id"] for n in nodes if n["node_id"] == "door-c"] == [None]
    audit = live.get("/api/v1/audit", headers=staff(seeded)).json()
    assert [e["action"] for e in audit[:2]] == ["room.remove", "node.assign"]


def test_a_removal_the_broker_missed_is_cleared_when_the_hub_reconnects(
    mqtt_settings: HubSettings, seeded: Seeded, clock: FakeClock, broker: Broker,
    watcher: TestMqttClient,
) -> None:  # fmt: skip
    with TestClient(create_app(mqtt_settings, clock=clock)) as client:
        link = hub_of(client).link
        assert link is not None
        add_room_with_a_door(client, seeded)
        watcher.wait_for(on(TOPICS.room_state("room-c"), empty=False))
        broker.process.stop()  # the broker keeps its retained messages on disk
        wait_until(lambda: not link.connected)
        assert client.delete("/api/v1/rooms/room-c", headers=staff(seeded)).status_code == 204
        broker.process.start()
        wait_until(lambda: link.connected, timeout=15)
        watcher.wait_for(on(TOPICS.room_state("room-c"), empty=True), timeout=15)
        after = fresh_door_sees(broker)
    assert TOPICS.room_state("room-c") not in after
    assert config_room(after[TOPICS.node_config("door-c")]) is None
