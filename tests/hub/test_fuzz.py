"""The hub fed bad messages from a node over a real Mosquitto (5,000 random and wrong-schema
ones, and payloads Hypothesis builds from the wire models): it never crashes, logs and drops
them, and still applies the next good button event."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub import repo
from hub.app import create_app
from hub.settings import HubSettings
from shared import wire
from shared.clock import FakeClock
from tests.conftest import Broker
from tests.fuzzing import MESSAGES, examples, mutate, payloads
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


#: Hypothesis examples per run, each a message through the broker.
FUZZ_EXAMPLES = 250


def test_the_hub_takes_any_payload_shaped_like_the_wire_models_and_goes_on(
    mqtt_settings: HubSettings, seeded: Seeded, clock: FakeClock, door: TestMqttClient,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """Every bad status or event from a node is a logged rejection, never an unexpected
    exception in the worker or a paho callback; the next good press is applied."""
    good = {
        HUB_TOPICS.node_status("door-a"): examples()[5],
        HUB_TOPICS.node_events("door-a"): examples()[6],
    }
    with TestClient(create_app(mqtt_settings, clock=clock)) as live:
        session_id = add_card(live, seeded, 2, "On now")
        with hub_of(live).database.transaction() as db:
            repo.assign_node(db, "door-a", "room-a")

        @settings(
            max_examples=FUZZ_EXAMPLES,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(
            st.sampled_from(sorted(good)).flatmap(
                lambda t: st.tuples(st.just(t), payloads(good[t]))
            )
        )
        def publish(message: tuple[str, bytes]) -> None:
            door.publish(*message)  # fmt: skip

        def full() -> bool:
            return bool(live.get(f"/api/v1/sessions/{session_id}").json()["full"])

        with caplog.at_level(logging.WARNING):
            publish()
            wanted = not full()
            press(door, full=wanted)
            wait_until(lambda: full() is wanted, timeout=60)
        assert "bad payload on" in caplog.text
        assert "failed to handle message" not in caplog.text  # the worker's last resort
        assert "MQTT callback" not in caplog.text
        assert live.get("/healthz").status_code == 200
