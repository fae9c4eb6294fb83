"""The hub's one MQTT connection: paho-mqtt 2 (VERSION2 callbacks, MQTT v5), paho's reconnect.

Threads: paho's network loop runs the callbacks. They do no work of their own beyond
publishing ``hub/status``: each received message becomes an :class:`Incoming` and each
successful connect a :class:`Connected` on the ``inbox`` queue, which the hub worker
(:mod:`hub.worker`) drains. :meth:`MqttLink.publish` may be called from any thread.

Retained messages: ``hub/status`` is ``online`` on connect and ``offline`` as the last will
(also sent on a clean stop, by disconnecting "with will message"). While disconnected,
:meth:`MqttLink.publish` drops messages: the worker republishes everything on the next connect.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from paho.mqtt.client import Client, ConnectFlags, DisconnectFlags, MQTTMessage, MQTTv5
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from hub.settings import BrokerSettings
from shared import __version__, wire
from shared.clock import Clock
from shared.topics import Topics

log = logging.getLogger(__name__)

QOS = 1
RECONNECT_MIN_S = 1
RECONNECT_MAX_S = 30
#: How long the broker keeps the hub's session (subscriptions, queued events) while it is away.
SESSION_EXPIRY_S = 7 * 24 * 3600


@dataclass(frozen=True)
class Incoming:
    """A message received on a subscribed topic."""

    topic: str
    payload: bytes


@dataclass(frozen=True)
class Connected:
    """The link (re)connected and subscribed: time to republish everything."""


@dataclass(frozen=True)
class Stop:
    """Tells the worker to finish."""


WorkItem = Incoming | Connected | Stop
ClientFactory = Callable[[BrokerSettings], Client]


def paho_client(broker: BrokerSettings) -> Client:
    """The production client: MQTT v5, VERSION2 callbacks, credentials and TLS from settings."""
    client = Client(
        CallbackAPIVersion.VERSION2, client_id=broker.username or "openspaces-hub",
        protocol=MQTTv5,
    )  # fmt: skip
    if broker.username is not None:
        client.username_pw_set(broker.username, broker.password)
    if broker.tls:
        client.tls_set()
    return client


class MqttLink:
    """Owns the paho client; see the module docstring for threads and retained topics."""

    def __init__(
        self,
        broker: BrokerSettings,
        topics: Topics,
        clock: Clock,
        inbox: queue.Queue[WorkItem],
        *,
        heartbeat_s: float,
        client_factory: ClientFactory = paho_client,
    ) -> None:
        self.broker = broker
        self.topics = topics
        self.clock = clock
        self.inbox = inbox
        self.heartbeat_s = heartbeat_s
        self._connected = threading.Event()
        self._stopping = threading.Event()
        self._client = client_factory(broker)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        offline = wire.encode(self._status("offline"))
        self._client.will_set(self.topics.hub_status(), offline, qos=QOS, retain=True)
        self._client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def start(self) -> None:
        """Begin connecting in the background; returns at once, retries until a broker answers.

        The session is persistent (``clean_start=False`` with a week's expiry): while the hub is
        away the broker keeps its subscriptions and queues the nodes' QoS 1 button events for
        it, so a press made while the hub restarts is delivered when it is back.
        """
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = SESSION_EXPIRY_S
        self._client.connect_async(
            self.broker.host, self.broker.port, self.broker.keepalive_s,
            clean_start=False, properties=properties,
        )  # fmt: skip
        self._client.loop_start()

    def stop(self) -> None:
        """Disconnect (the broker then publishes the offline will) and stop paho's thread."""
        self._stopping.set()
        if self._connected.is_set():
            will = ReasonCode(PacketTypes.DISCONNECT, "Disconnect with will message")
            self._client.disconnect(reasoncode=will)
        else:
            self._client.disconnect()
        self._client.loop_stop()
        self._connected.clear()

    def publish(self, topic: str, payload: bytes, *, retain: bool) -> None:
        """Publish at QoS 1 if connected; otherwise drop (the next connect republishes)."""
        if not self._connected.is_set():
            log.debug("not connected: %s not sent now", topic)
            return
        self._client.publish(topic, payload, qos=QOS, retain=retain)

    def publish_status(self) -> None:
        """The retained ``online`` hub status with the current time: the heartbeat."""
        self.publish(self.topics.hub_status(), wire.encode(self._status("online")), retain=True)

    def _status(self, state: str) -> wire.HubStatus:
        at = self.clock.now() if state == "online" else None
        return wire.HubStatus.model_validate(
            {"state": state, "at": at, "heartbeat_s": self.heartbeat_s, "hub_version": __version__}
        )

    def _on_connect(
        self,
        client: Client,
        userdata: Any,
        flags: ConnectFlags,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason.is_failure:
            log.warning(
                "broker %s:%d refused the hub: %s", self.broker.host, self.broker.port, reason
            )
            return
        log.info("connected to broker %s:%d", self.broker.host, self.broker.port)
        self._connected.set()
        self.publish_status()
        client.subscribe(
            [(self.topics.all_node_statuses(), QOS), (self.topics.all_node_events(), QOS)]
        )
        self.inbox.put(Connected())

    def _on_disconnect(
        self,
        client: Client,
        userdata: Any,
        flags: DisconnectFlags,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        self._connected.clear()
        if self._stopping.is_set():
            log.info("disconnected from broker: %s", reason)
        else:
            log.warning("disconnected from broker: %s (paho will reconnect)", reason)

    def _on_message(self, client: Client, userdata: Any, message: MQTTMessage) -> None:
        self.inbox.put(Incoming(message.topic, bytes(message.payload)))
