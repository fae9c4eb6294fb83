"""What the hub does with node messages, over a real Mosquitto."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from hub import repo
from hub.app import create_app
from hub.settings import HubSettings
from shared import wire
from shared.clock import FakeClock
from shared.topics import Topics
from tests.conftest import Broker
from tests.hub.conftest import NOW, Seeded, TestClient, hub_of, seed, staff, wait_until
from tests.hub.mqtt_helpers import Received, TestMqttClient

TOPICS = Topics()


@pytest.fixture
def door(broker: Broker) -> Iterator[TestMqttClient]:
    """Door node ``door-a`` with its own credentials, watching room-a's state."""
    client = TestMqttClient(broker, "door-a", [TOPICS.room_state("room-a")])
    yield client
    client.stop()


def assign(client: TestClient, node_id: str = "door-a", room_id: str | None = "room-a") -> None:
    """The hub assigns the node a room, as staff or ``provision-node --room`` would."""
    with hub_of(client).database.transaction() as db:
        repo.assign_node(db, node_id, room_id)


def press(door: TestMqttClient, full: bool, event_id: str | None = None, **extra: Any) -> str:
    event_id = event_id or uuid.uuid4().hex
    event = wire.ButtonEvent(
        event_id=event_id, node_id="door-a", room_id="room-a", full=full, pressed_at=NOW, **extra
    )
    door.publish(TOPICS.node_events("door-a"), wire.encode(event))
    return event_id


def full_shown(session_id: int, full: bool) -> Any:
    def match(message: Received) -> bool:
        snapshot = wire.decode(wire.RoomSnapshot, message.payload)
        cards = [s.session for s in snapshot.slots if s.session and s.session.id == session_id]
        return bool(cards) and cards[0].full == full

    return match


def add_card(client: TestClient, seeded: Seeded, slot: int, title: str) -> int:
    body = {"room_id": "room-a", "slot_id": seeded.slot_ids[slot], "title": title}
    answer = client.post("/api/v1/sessions", json=body, headers=staff(seeded))
    session_id: int = answer.json()["id"]
    return session_id


def test_a_press_sets_full_and_comes_back_in_the_snapshot(
    live: TestClient, seeded: Seeded, door: TestMqttClient
) -> None:
    assign(live)
    session_id = add_card(live, seeded, 2, "On now")
    press(door, full=True)
    door.wait_for(full_shown(session_id, True))
    assert live.get(f"/api/v1/sessions/{session_id}").json()["full"] is True


def test_the_same_event_twice_is_applied_once(
    live: TestClient, seeded: Seeded, door: TestMqttClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="hub.mqtt.worker")
    assign(live)
    on_now = add_card(live, seeded, 2, "On now")
    later = add_card(live, seeded, 5, "Later")
    first = press(door, full=True)
    door.wait_for(full_shown(on_now, True))
    live.put(f"/api/v1/sessions/{on_now}/full", json={"full": False}, headers=staff(seeded))
    door.wait_for(full_shown(on_now, False))
    press(door, full=True, event_id=first)
    marker = press(door, full=True, session_id=later)  # one node's events arrive in order
    wait_until(lambda: any(marker in r.getMessage() for r in caplog.records))
    assert live.get(f"/api/v1/sessions/{on_now}").json()["full"] is False
    assert live.get(f"/api/v1/sessions/{later}").json()["full"] is False  # not on now


def test_garbage_is_logged_with_its_topic_and_the_hub_keeps_working(
    live: TestClient, seeded: Seeded, door: TestMqttClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="hub.mqtt.worker")
    assign(live)
    status_topic, events_topic = TOPICS.node_status("door-a"), TOPICS.node_events("door-a")
    garbage = [
        (status_topic, b"\xff not json"),
        (status_topic, b'{"schema_version": 2, "node_id": "door-a", "state": "online"}'),
        (status_topic, b'{"schema_version": 1, "node_id": "door-a", "state": "asleep"}'),
        (status_topic, b'{"schema_version": 1, "node_id": "door-b", "state": "online"}'),
        (events_topic, b"[1, 2, 3]"),
        (events_topic, b'{"schema_version": 1, "event_id": "short"}'),
    ]
    for topic, payload in garbage:
        door.publish(topic, payload)
    session_id = add_card(live, seeded, 2, "Still fine")
    press(door, full=True)
    door.wait_for(full_shown(session_id, True))
    dropped = [r for r in caplog.records if r.name == "hub.mqtt.worker" and "dropped" in r.message]
    assert len(dropped) == len(garbage)
    assert all(status_topic in r.message or events_topic in r.message for r in dropped)


def test_node_status_is_recorded(live: TestClient, seeded: Seeded, door: TestMqttClient) -> None:
    with hub_of(live).database.transaction() as db:
        repo.assign_node(db, "door-a", None)  # provisioned, room not chosen yet
    status = wire.NodeStatus(
        node_id="door-a", state="online", room_id="room-a", panel="phat-ssd1608-red",
        applied_version=7,
    )  # fmt: skip
    door.publish(TOPICS.node_status("door-a"), wire.encode(status))

    def recorded() -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = live.get("/api/v1/nodes", headers=staff(seeded)).json()
        return nodes

    wait_until(lambda: recorded()[0]["online"])
    [node] = recorded()
    assert node["room_id"] is None  # a status reports; only the hub assigns
    assert node["status"]["room_id"] == "room-a"
    assert node["status"]["applied_version"] == 7
    assert node["last_seen"] == "2027-05-15T15:30:00Z"


def test_a_status_from_a_node_the_hub_does_not_know_is_logged_and_ignored(
    live: TestClient, seeded: Seeded, door: TestMqttClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="hub.mqtt.worker")
    status = wire.NodeStatus(node_id="door-a", state="online", room_id="room-a")
    door.publish(TOPICS.node_status("door-a"), wire.encode(status))
    wait_until(lambda: any("door-a dropped" in r.getMessage() for r in caplog.records))
    assert live.get("/api/v1/nodes", headers=staff(seeded)).json() == []


def test_a_node_reads_its_config(
    mqtt_settings: HubSettings, clock: FakeClock, broker: Broker
) -> None:
    seed(mqtt_settings.database_url)
    with TestClient(create_app(mqtt_settings, clock=clock)) as client:
        with hub_of(client).database.transaction() as db:
            repo.assign_node(db, "door-a", "room-a", "phat-ssd1608-red")
        hub_of(client).publisher.publish_node_configs(["door-a"])
        door = TestMqttClient(broker, "door-a", [TOPICS.node_config("door-a")])
        try:
            message = door.wait_for(lambda m: m.topic == TOPICS.node_config("door-a"))
        finally:
            door.stop()
    config = wire.decode(wire.NodeConfig, message.payload)
    assert (config.room_id, config.panel) == ("room-a", "phat-ssd1608-red")
