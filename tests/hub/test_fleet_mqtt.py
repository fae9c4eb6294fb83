"""Staff actions on a node over a real Mosquitto: identify is a command that is never retained
and expires; assigning a room publishes the node's retained config."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from typing import Any

import pytest
from paho.mqtt.client import Client, ConnectFlags, MQTTMessage, MQTTv5
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from hub import repo
from hub.changes.fleet import COMMAND_EXPIRY_S
from shared import wire
from shared.topics import Topics
from tests.conftest import Broker
from tests.hub.conftest import Seeded, TestClient, hub_of, staff, wait_until

TOPICS = Topics()


class NodeListener:
    """Connects as node ``door-a`` and keeps every message on its ``cmd`` and ``config``
    (subscribed in that order, so retained copies arrive in that order)."""

    def __init__(self, broker: Broker) -> None:
        self.messages: queue.Queue[MQTTMessage] = queue.Queue()
        self.client = Client(CallbackAPIVersion.VERSION2, client_id="door-a", protocol=MQTTv5)
        self.client.username_pw_set("door-a", broker.add_node("door-a"))
        self.client.on_connect = self._on_connect
        self.client.on_message = lambda client, userdata, message: self.messages.put(message)
        self.subscribed = False
        self.skipped: list[MQTTMessage] = []
        self.client.on_subscribe = self._on_subscribe
        self.client.connect_async(broker.host, broker.port)
        self.client.loop_start()

    def _on_connect(
        self, client: Client, userdata: Any, flags: ConnectFlags, reason: ReasonCode,
        properties: Properties | None,
    ) -> None:  # fmt: skip
        client.subscribe([(TOPICS.node_cmd("door-a"), 1), (TOPICS.node_config("door-a"), 1)])

    def _on_subscribe(self, *args: Any) -> None:
        self.subscribed = True

    def next_on(self, topic: str) -> MQTTMessage:
        """The next message on ``topic``; those before it are kept in ``skipped``."""
        while True:
            message = self.messages.get(timeout=10)
            if message.topic == topic:
                return message
            self.skipped.append(message)

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def listener(broker: Broker) -> Iterator[NodeListener]:
    node = NodeListener(broker)
    wait_until(lambda: node.subscribed)
    yield node
    node.stop()


def test_identify_is_an_expiring_command_never_retained(
    live: TestClient, seeded: Seeded, listener: NodeListener, broker: Broker
) -> None:
    with hub_of(live).database.transaction() as db:
        repo.assign_node(db, "door-a", None)
    link = hub_of(live).link
    assert link is not None
    wait_until(lambda: link.connected)
    assigned = live.put("/api/v1/nodes/door-a/room", json={"room_id": "room-a"},
                        headers=staff(seeded))  # fmt: skip
    assert assigned.status_code == 200
    listener.next_on(TOPICS.node_config("door-a"))
    answer = live.post("/api/v1/nodes/door-a/identify", headers=staff(seeded))
    assert answer.status_code == 202, answer.text
    message = listener.next_on(TOPICS.node_cmd("door-a"))
    command = wire.decode(wire.NodeCommand, message.payload)
    assert (command.command, command.id) == ("identify", answer.json()["command_id"])
    assert message.retain is False
    expiry = getattr(message.properties, "MessageExpiryInterval", None)
    assert expiry is not None
    assert 0 < expiry <= COMMAND_EXPIRY_S
    # Nothing is kept for a node that connects later: it gets its retained config only.
    listener.stop()
    later = NodeListener(broker)
    try:
        config = later.next_on(TOPICS.node_config("door-a"))
        assert wire.decode(wire.NodeConfig, config.payload).room_id == "room-a"
        assert later.skipped == []
    finally:
        later.stop()


def test_assigning_a_room_publishes_the_retained_config(
    live: TestClient, seeded: Seeded, listener: NodeListener
) -> None:
    with hub_of(live).database.transaction() as db:
        repo.assign_node(db, "door-a", "room-a")
    link = hub_of(live).link
    assert link is not None
    wait_until(lambda: link.connected)
    answer = live.put("/api/v1/nodes/door-a/room", json={"room_id": "room-b"},
                      headers=staff(seeded))  # fmt: skip
    assert answer.status_code == 200
    wait_until(lambda: _config_room(listener) == "room-b")


def _config_room(listener: NodeListener) -> str | None:
    try:
        message = listener.next_on(TOPICS.node_config("door-a"))
    except queue.Empty:
        return None
    return wire.decode(wire.NodeConfig, message.payload).room_id
