"""Access control on a real Mosquitto with the product's configuration: what a node's
credentials can and cannot do (PRODUCT.md: zero publishes or reads outside its own subtree)."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from paho.mqtt.client import Client, ConnectFlags, DisconnectFlags, MQTTMessage, MQTTv5
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from hub.mqtt.mosquitto import MAX_PACKET_BYTES
from shared.topics import Topics
from tests.conftest import Broker

TOPICS = Topics()
NOT_AUTHORIZED = 135
QUIET_S = 0.5  # how long "nothing arrives" is watched for


class Peer:
    """A paho client that records what happens to it: connect result, acks, messages."""

    def __init__(
        self, broker: Broker, username: str | None, password: str | None, client_id: str = ""
    ) -> None:
        self.connected = threading.Event()
        self.disconnected = threading.Event()
        self.connect_reason: ReasonCode | None = None
        self.acks: queue.Queue[tuple[int, int]] = queue.Queue()
        self.messages: queue.Queue[tuple[str, bytes]] = queue.Queue()
        self.client = Client(
            CallbackAPIVersion.VERSION2, client_id=client_id or (username or ""), protocol=MQTTv5
        )
        if username is not None:
            self.client.username_pw_set(username, password)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_publish = self._on_publish
        self.client.on_message = self._on_message
        self.client.connect(broker.host, broker.port, keepalive=10)
        self.client.loop_start()

    def _on_connect(
        self, client: Client, userdata: Any, flags: ConnectFlags, reason: ReasonCode,
        properties: Properties | None,
    ) -> None:  # fmt: skip
        self.connect_reason = reason
        if not reason.is_failure:
            self.connected.set()
        else:
            self.disconnected.set()

    def _on_disconnect(
        self, client: Client, userdata: Any, flags: DisconnectFlags, reason: ReasonCode,
        properties: Properties | None,
    ) -> None:  # fmt: skip
        self.connected.clear()
        self.disconnected.set()

    def _on_publish(
        self, client: Client, userdata: Any, mid: int, reason: ReasonCode,
        properties: Properties | None,
    ) -> None:  # fmt: skip
        self.acks.put((mid, reason.value))

    def _on_message(self, client: Client, userdata: Any, message: MQTTMessage) -> None:
        self.messages.put((message.topic, bytes(message.payload)))

    def wait_connected(self) -> None:
        assert self.connected.wait(5), f"not connected: {self.connect_reason}"

    def publish(self, topic: str, payload: bytes = b"{}", *, retain: bool = False) -> int:
        """Publish at QoS 1 and return the broker's PUBACK reason code."""
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                mid, code = self.acks.get(timeout=0.1)
            except queue.Empty:
                continue
            if mid == info.mid:
                return code
        raise AssertionError(f"no PUBACK for {topic}")

    def subscribe(self, *topics: str) -> None:
        done = threading.Event()
        self.client.on_subscribe = lambda *args: done.set()
        self.client.subscribe([(topic, 1) for topic in topics])
        assert done.wait(5)

    def received(self, timeout: float = QUIET_S) -> list[tuple[str, bytes]]:
        time.sleep(timeout)
        found = []
        while not self.messages.empty():
            found.append(self.messages.get_nowait())
        return found

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def peers(broker: Broker) -> Iterator[dict[str, Peer]]:
    """The hub, and door nodes A and B, each with its own credentials."""
    made = {
        "hub": Peer(broker, broker.hub_user, broker.hub_password),
        "a": Peer(broker, "door-a", broker.add_node("door-a")),
        "b": Peer(broker, "door-b", broker.add_node("door-b")),
    }
    for peer in made.values():
        peer.wait_connected()
    yield made
    for peer in made.values():
        peer.close()


def test_anonymous_clients_are_refused(broker: Broker) -> None:
    peer = Peer(broker, None, None, client_id="stranger")
    try:
        assert peer.disconnected.wait(5)
        assert peer.connect_reason is not None
        assert peer.connect_reason.is_failure
        assert not peer.connected.is_set()
    finally:
        peer.close()


def test_a_wrong_password_is_refused(broker: Broker) -> None:
    broker.add_node("door-a")
    peer = Peer(broker, "door-a", "not-the-password")
    try:
        assert peer.disconnected.wait(5)
        assert peer.connect_reason is not None
        assert peer.connect_reason.is_failure
    finally:
        peer.close()


@pytest.mark.parametrize(
    "topic",
    [
        TOPICS.node_status("door-b"),
        TOPICS.node_events("door-b"),
        TOPICS.node_config("door-a"),
        TOPICS.node_cmd("door-a"),
        TOPICS.room_state("room-1"),
        TOPICS.site(),
        TOPICS.hub_status(),
        "elsewhere/entirely",
    ],
)
def test_a_node_cannot_publish_outside_its_own_subtree(peers: dict[str, Peer], topic: str) -> None:
    peers["hub"].subscribe("#")
    peers["b"].subscribe(TOPICS.node_config("door-b"), TOPICS.all_room_states())
    assert peers["a"].publish(topic, b'{"forged": true}') == NOT_AUTHORIZED
    assert peers["hub"].received() == []
    assert peers["b"].received(0) == []


def test_a_node_may_publish_its_own_status_and_events(peers: dict[str, Peer]) -> None:
    peers["hub"].subscribe(TOPICS.all_node_statuses(), TOPICS.all_node_events())
    assert peers["a"].publish(TOPICS.node_status("door-a")) == 0
    assert peers["a"].publish(TOPICS.node_events("door-a")) == 0
    topics = {topic for topic, _ in peers["hub"].received()}
    assert topics == {TOPICS.node_status("door-a"), TOPICS.node_events("door-a")}


def test_a_node_reads_nothing_of_another_nodes_config_or_commands(
    peers: dict[str, Peer],
) -> None:
    hub, a = peers["hub"], peers["a"]
    a.subscribe(
        TOPICS.node_config("door-b"), TOPICS.node_cmd("door-b"), TOPICS.node_status("door-b"),
        TOPICS.node_config("door-a"),
    )  # fmt: skip
    hub.publish(TOPICS.node_config("door-b"), b'{"secret": 1}', retain=True)
    hub.publish(TOPICS.node_cmd("door-b"), b'{"secret": 2}')
    peers["b"].publish(TOPICS.node_status("door-b"), b'{"secret": 3}')
    hub.publish(TOPICS.node_config("door-a"), b'{"mine": 1}', retain=True)
    assert a.received() == [(TOPICS.node_config("door-a"), b'{"mine": 1}')]


def test_a_node_reads_room_states_site_and_hub_status(peers: dict[str, Peer]) -> None:
    hub, a = peers["hub"], peers["a"]
    a.subscribe(TOPICS.all_room_states(), TOPICS.site(), TOPICS.hub_status())
    for topic in (TOPICS.room_state("room-1"), TOPICS.site(), TOPICS.hub_status()):
        assert hub.publish(topic, b"{}") == 0
    assert len(a.received()) == 3


def test_a_wildcard_subscription_delivers_nothing_forbidden(peers: dict[str, Peer]) -> None:
    a = peers["a"]
    a.subscribe("#", "openspaces/v1/nodes/+/events", "$SYS/#")
    peers["b"].publish(TOPICS.node_events("door-b"), b"{}")
    peers["hub"].publish(TOPICS.node_cmd("door-b"), b"{}")
    assert a.received() == []


def test_credentials_cannot_take_over_another_nodes_client_id(
    broker: Broker, peers: dict[str, Peer]
) -> None:
    b = peers["b"]
    password_a = broker.files.credentials["door-a"]
    intruder = Peer(broker, "door-a", password_a, client_id="door-b")
    try:
        intruder.wait_connected()
        time.sleep(QUIET_S)
        assert b.connected.is_set(), "door-b was kicked off by door-a's credentials"
        assert b.publish(TOPICS.node_status("door-b")) < 128  # 0, or 16 "no subscribers"
    finally:
        intruder.close()


def test_an_oversized_payload_is_refused_and_the_broker_serves_everyone_else(
    peers: dict[str, Peer],
) -> None:
    hub, a, b = peers["hub"], peers["a"], peers["b"]
    hub.subscribe(TOPICS.all_node_statuses())
    a.client.publish(TOPICS.node_status("door-a"), b"x" * (MAX_PACKET_BYTES + 1024), qos=1)
    assert a.disconnected.wait(5), "the broker kept a client that sent an oversized packet"
    assert b.publish(TOPICS.node_status("door-b"), b"ok") == 0
    assert hub.received() == [(TOPICS.node_status("door-b"), b"ok")]


def test_a_node_publishing_as_another_user_id_in_properties_changes_nothing(
    peers: dict[str, Peer],
) -> None:
    properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
    properties.UserProperty = [("node_id", "door-b")]
    peers["hub"].subscribe(TOPICS.node_events("door-b"))
    peers["a"].client.publish(TOPICS.node_events("door-b"), b"{}", qos=1, properties=properties)
    assert peers["hub"].received() == []
