"""The hub fed 5,000 random and wrong-schema messages from a node over a real Mosquitto: it
never crashes, logs and drops them, and still applies the next good button event."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator

import pytest

from hub import repository as repo
from hub.app import create_app
from hub.settings import HubSettings
from shared import wire
from shared.clock import FakeClock
from tests.conftest import Broker
from tests.fuzzing import MESSAGES, examples, mutate
from tests.hub.conftest import Seeded, TestClient, hub_of, staff, wait_until
from tests.hub.mqtt_helpers import TestMqttClient
from tests.hub.test_worker import TOPICS as HUB_TOPICS
from tests.hub.test_worker import add_card, press


@pytest.fixture
def door(broker: Broker) -> Iterator[TestMqttClient]:
    client = TestMqttClient(broker, "door-a", [HUB_TOPICS.room_state("room-a")])
    yield client
    client.stop()


def test_the_hub_survives_5000_bad_messages_from_a_node(
    mqtt_settings: HubSettings, seeded: Seeded, clock: FakeClock, door: TestMqttClient,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    valid = [wire.encode(model) for model in examples()[5:]]
    topics = [HUB_TOPICS.node_status("door-a"), HUB_TOPICS.node_events("door-a")]
    rng = random.Random(1999)
    with TestClient(create_app(mqtt_settings, clock=clock)) as live:
        session_id = add_card(live, seeded, 2, "On now")
        with hub_of(live).database.transaction() as db:
            repo.assign_node(db, "door-a", "room-a")
        with caplog.at_level(logging.WARNING):
            for _ in range(MESSAGES):
                choice = rng.randrange(len(topics))
                door.publish(topics[choice], mutate(rng, valid[choice]))
            press(door, full=True)

            def pressed() -> bool:
                return bool(live.get(f"/api/v1/sessions/{session_id}").json()["full"])

            wait_until(pressed, timeout=30)
        dropped = [r for r in caplog.records if "dropped" in r.getMessage()]
        assert len(dropped) > MESSAGES // 2, "bad payloads should be logged"
        assert live.get("/healthz").status_code == 200
        assert live.get("/api/v1/nodes", headers=staff(seeded)).status_code == 200
