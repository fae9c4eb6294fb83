"""The programme import over a real Mosquitto: the changed rooms' doors get the blocks at once."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from shared import wire
from shared.topics import Topics
from tests.conftest import Broker
from tests.hub.conftest import Seeded, TestClient, staff
from tests.hub.feeds.test_program_import import MAPPING, PROGRAMME
from tests.hub.mqtt_helpers import Received, TestMqttClient

TOPICS = Topics()
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def door(broker: Broker) -> Iterator[TestMqttClient]:
    client = TestMqttClient(broker, "door-a", [TOPICS.room_state("room-a")])
    yield client
    client.stop()


def blocked(message: Received) -> dict[str, str | None]:
    snapshot = wire.decode(wire.RoomSnapshot, message.payload)
    local = [(s.start.astimezone(NEW_YORK), s.label) for s in snapshot.slots if s.kind == "blocked"]
    return {f"{start:%H:%M}": label for start, label in local}


def test_the_door_shows_the_talks_blocks(
    live: TestClient, seeded: Seeded, door: TestMqttClient
) -> None:
    assert blocked(door.wait_for(lambda m: True)) == {}
    answer = live.post(
        "/api/v1/import/program", content=PROGRAMME.read_bytes(), params=MAPPING,
        headers={**staff(seeded), "Content-Type": "application/json"},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    message = door.wait_for(lambda m: bool(blocked(m)))
    assert blocked(message) == {
        "09:00": "Opening keynote", "10:00": "Lightning talks", "11:00": "Lightning talks",
        "14:00": "Packaging, a deep dive", "15:00": "Packaging, a deep dive",
    }  # fmt: skip
