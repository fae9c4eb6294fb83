"""Publishing over a real Mosquitto: edits, no-op edits, broker restarts, hub status."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

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
    client = TestMqttClient(
        broker, "watcher", [TOPICS.all_room_states(), TOPICS.hub_status(), TOPICS.site()]
    )
    yield client
    client.stop()


def room_state(room_id: str, newer_than: int = 0) -> Callable[[Received], bool]:
    def match(message: Received) -> bool:
        if message.topic != TOPICS.room_state(room_id):
            return False
        return wire.decode(wire.RoomSnapshot, message.payload).version > newer_than

    return match


def snapshot(message: Received) -> wire.RoomSnapshot:
    return wire.decode(wire.RoomSnapshot, message.payload)


def test_edit_publishes_a_newer_retained_snapshot(
    live: TestClient, seeded: Seeded, watcher: TestMqttClient, broker: Broker
) -> None:
    first = snapshot(watcher.wait_for(room_state("room-a")))
    body = {"room_id": "room-a", "slot_id": seeded.slot_ids[2], "title": "Async Django"}
    assert live.post("/api/v1/sessions", json=body, headers=staff(seeded)).status_code == 201
    newer = snapshot(watcher.wait_for(room_state("room-a", first.version)))
    assert newer.epoch == first.epoch
    assert newer.hash != first.hash
    assert [s.session.title for s in newer.slots if s.session] == ["Async Django"]
    late = TestMqttClient(broker, "late-door", [TOPICS.room_state("room-a")])
    try:
        retained = late.wait_for(room_state("room-a"))
        assert retained.retain
        assert snapshot(retained).version == newer.version
    finally:
        late.stop()


def test_an_edit_that_changes_nothing_publishes_nothing(
    live: TestClient, seeded: Seeded, watcher: TestMqttClient
) -> None:
    body = {"room_id": "room-a", "slot_id": seeded.slot_ids[2], "title": "Same"}
    created = live.post("/api/v1/sessions", json=body, headers=staff(seeded)).json()
    settled = snapshot(watcher.wait_for(room_state("room-a")))
    while settled.slots[2].session is None:
        settled = snapshot(watcher.wait_for(room_state("room-a", settled.version)))
    unchanged = live.patch(
        f"/api/v1/sessions/{created['id']}", json={"title": "Same"}, headers=staff(seeded)
    )
    assert unchanged.status_code == 200
    marker = {"room_id": "room-b", "slot_id": seeded.slot_ids[2], "title": "Marker"}
    live.post("/api/v1/sessions", json=marker, headers=staff(seeded))
    watcher.wait_for(room_state("room-b", settled.version))
    later_a = [m for m in watcher.drain() if m.topic == TOPICS.room_state("room-a")]
    assert later_a == []


def test_hub_republishes_after_the_broker_loses_everything(
    live: TestClient, seeded: Seeded, watcher: TestMqttClient, broker: Broker
) -> None:
    body = {"room_id": "room-a", "slot_id": seeded.slot_ids[2], "title": "Survives"}
    live.post("/api/v1/sessions", json=body, headers=staff(seeded))
    latest = snapshot(watcher.wait_for(room_state("room-a")))
    while latest.slots[2].session is None:
        latest = snapshot(watcher.wait_for(room_state("room-a", latest.version)))
    broker.process.kill()
    (broker.files.folder / "mosquitto.db").unlink(missing_ok=True)
    watcher.drain()
    broker.process.start()
    again = watcher.wait_for(room_state("room-a"), timeout=15)
    assert snapshot(again).version == latest.version
    assert snapshot(again).slots[2].session is not None
    watcher.wait_for(lambda m: m.topic == TOPICS.room_state("room-b"))
    watcher.wait_for(lambda m: m.topic == TOPICS.site())


def test_hub_status_is_online_then_offline(
    mqtt_settings: HubSettings, seeded: Seeded, clock: FakeClock, watcher: TestMqttClient
) -> None:
    def status(state: str) -> Callable[[Received], bool]:
        def match(message: Received) -> bool:
            if message.topic != TOPICS.hub_status():
                return False
            return wire.decode(wire.HubStatus, message.payload).state == state

        return match

    with TestClient(create_app(mqtt_settings, clock=clock)):
        online = watcher.wait_for(status("online"))
        assert wire.decode(wire.HubStatus, online.payload).at == clock.now()
    watcher.wait_for(status("offline"))


def test_hub_serves_http_while_the_broker_is_down_and_publishes_when_it_comes(
    mqtt_settings: HubSettings, seeded: Seeded, clock: FakeClock, broker: Broker
) -> None:
    broker.process.stop()
    with TestClient(create_app(mqtt_settings, clock=clock)) as client:
        assert client.get("/healthz").json()["broker"] == "disconnected"
        body = {"room_id": "room-a", "slot_id": seeded.slot_ids[2], "title": "Offline edit"}
        assert client.post("/api/v1/sessions", json=body, headers=staff(seeded)).status_code == 201
        broker.process.start()
        link = hub_of(client).link
        assert link is not None
        wait_until(lambda: link.connected, timeout=15)
        door = TestMqttClient(broker, "door-a", [TOPICS.room_state("room-a")])
        try:
            found = snapshot(door.wait_for(room_state("room-a")))
            assert found.slots[2].session is not None
            assert found.slots[2].session.title == "Offline edit"
        finally:
            door.stop()


def test_heartbeat_republishes_hub_status(
    mqtt_settings: HubSettings, seeded: Seeded, watcher: TestMqttClient
) -> None:
    def beat(message: Received) -> bool:
        return message.topic == TOPICS.hub_status()

    fast = mqtt_settings.model_copy(update={"heartbeat_s": 0.1})
    with TestClient(create_app(fast)):
        times = [wire.decode(wire.HubStatus, watcher.wait_for(beat).payload).at for _ in range(3)]
    assert all(t is not None for t in times)
    assert times == sorted(times)  # type: ignore[type-var]
    assert len(set(times)) == 3
