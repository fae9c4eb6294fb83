"""The hub's MQTT link over a real Mosquitto: its session outlives the hub process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hub import repository as repo
from hub.app import create_app
from hub.settings import HubSettings
from shared.clock import FakeClock
from tests.conftest import Broker
from tests.hub.conftest import Seeded, TestClient, hub_of, wait_until
from tests.hub.mqtt_helpers import TestMqttClient
from tests.hub.test_worker import TOPICS, add_card, press


@pytest.fixture
def door(broker: Broker) -> Iterator[TestMqttClient]:
    client = TestMqttClient(broker, "door-a", [TOPICS.room_state("room-a")])
    yield client
    client.stop()


def test_a_press_made_while_the_hub_is_away_is_applied_when_it_returns(
    mqtt_settings: HubSettings, seeded: Seeded, clock: FakeClock, door: TestMqttClient
) -> None:
    with TestClient(create_app(mqtt_settings, clock=clock)) as first:
        session_id = add_card(first, seeded, 2, "On now")
        with hub_of(first).database.transaction() as db:
            repo.assign_node(db, "door-a", "room-a")
        link = hub_of(first).link
        assert link is not None
        wait_until(lambda: link.connected)
    press(door, full=True)  # the hub is stopped: the broker keeps the event for its session
    with TestClient(create_app(mqtt_settings, clock=clock)) as second:
        wait_until(lambda: second.get(f"/api/v1/sessions/{session_id}").json()["full"] is True)
