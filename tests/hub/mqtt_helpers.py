"""A small MQTT client for hub tests: subscribes with a node's credentials, collects messages."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from paho.mqtt.client import Client, ConnectFlags, MQTTMessage, MQTTv5
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from tests.conftest import Broker


@dataclass(frozen=True)
class Received:
    topic: str
    payload: bytes
    retain: bool


class TestMqttClient:
    """Connects as ``node_id`` (provisioned on ``broker``), subscribes to ``topics`` on connect."""

    __test__ = False

    def __init__(self, broker: Broker, node_id: str, topics: list[str]) -> None:
        password = broker.add_node(node_id)
        self.messages: queue.Queue[Received] = queue.Queue()
        self._topics = topics
        self._client = Client(CallbackAPIVersion.VERSION2, client_id=node_id, protocol=MQTTv5)
        self._client.username_pw_set(node_id, password)
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self._client.reconnect_delay_set(1, 2)
        self._client.connect_async(broker.host, broker.port)
        self._client.loop_start()

    def _on_connect(
        self, client: Client, userdata: Any, flags: ConnectFlags, reason: ReasonCode,
        properties: Properties | None,
    ) -> None:  # fmt: skip
        if not reason.is_failure and self._topics:
            client.subscribe([(topic, 1) for topic in self._topics])

    def _on_message(self, client: Client, userdata: Any, message: MQTTMessage) -> None:
        self.messages.put(Received(message.topic, bytes(message.payload), message.retain))

    def publish(self, topic: str, payload: bytes, timeout: float = 10.0) -> None:
        """Publish at QoS 1 once connected, and wait for the broker's acknowledgement."""
        deadline = time.monotonic() + timeout
        while not self._client.is_connected():
            assert time.monotonic() < deadline, "test client never connected"
            time.sleep(0.02)
        self._client.publish(topic, payload, qos=1).wait_for_publish(timeout)

    def wait_for(self, match: Callable[[Received], bool], timeout: float = 10.0) -> Received:
        """The first collected message that ``match`` accepts (earlier ones are discarded)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, "no matching MQTT message arrived in time"
            try:
                message = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if match(message):
                return message

    def drain(self) -> list[Received]:
        """Everything collected so far."""
        found = []
        while not self.messages.empty():
            found.append(self.messages.get_nowait())
        return found

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()
