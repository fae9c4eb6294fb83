"""The hub's MQTT link over a real Mosquitto: its session outlives the hub process."""

from __future__ import annotations

import queue
from collections.abc import Iterator

import pytest

from hub import repo
from hub.app import create_app
from hub.mqtt.link import Connected, Incoming, MqttLink, WorkItem
from hub.settings import BrokerSettings, HubSettings
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


class FailingOnceInbox(queue.Queue[WorkItem]):
    """The worker's queue, refusing its first message as a bug in a callback would."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = 1

    def put(self, item: WorkItem, block: bool = True, timeout: float | None = None) -> None:
        if isinstance(item, Incoming) and self.failures:
            self.failures -= 1
            raise RuntimeError("injected")
        super().put(item, block, timeout)


def test_an_exception_in_a_callback_is_logged_and_paho_goes_on(
    broker: Broker, clock: FakeClock, door: TestMqttClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Without the guard the exception ends paho's thread: the hub hears nothing more."""
    inbox = FailingOnceInbox()
    settings = BrokerSettings(host=broker.host, port=broker.port, username=broker.hub_user,
                              password=broker.hub_password)  # fmt: skip
    link = MqttLink(settings, TOPICS, clock, inbox, heartbeat_s=10)
    link.start()
    try:
        wait_until(lambda: link.connected)
        assert isinstance(inbox.get(timeout=10), Connected)
        door.publish(TOPICS.node_status("door-a"), b"first")
        door.publish(TOPICS.node_status("door-a"), b"second")
        item = inbox.get(timeout=10)
        assert isinstance(item, Incoming)
        assert item.payload == b"second"
    finally:
        link.stop()
    assert "MQTT callback _on_message failed; paho goes on" in caplog.text
