"""The hub's one MQTT connection: paho-mqtt 2 (VERSION2 callbacks, MQTT v5), paho's reconnect.

Threads: paho's network loop runs the callbacks. They do no work of their own beyond
publishing ``hub/status``: each received message becomes an :class:`Incoming` and each
successful connect a :class:`Connected` on the ``inbox`` queue, which the hub worker
(:mod:`hub.mqtt.worker`) drains. :meth:`MqttLink.publish` may be called from any thread. No
exception leaves a callback into paho (it would end paho's thread, and with it the hub's MQTT):
one is logged with its traceback and the callback returns.

Retained messages: ``hub/status`` is ``online`` on connect and ``offline`` as the last will
(also sent on a clean stop, by disconnecting "with will message"). While disconnected,
:meth:`MqttLink.publish` drops messages: the worker republishes everything on the next connect.

One of several hubs (``broker.share_group`` set; docs/scaling.md): button events arrive through
the shared subscription ``$share/<group>/<prefix>/nodes/+/events``, so each reaches one hub of
the group, and the session is not kept while the hub is away (Mosquitto would keep handing a
gone member its share of the events). Node statuses stay an ordinary subscription: every hub
records them (a status is a state, recorded twice is the same) and gets the retained ones.
The link also listens to the other hubs: their room states and site (for the board's live
updates) and ``hub/status`` (to answer a stopped peer's ``offline`` will at once).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec

from paho.mqtt.client import (
    Client,
    ConnectFlags,
    DisconnectFlags,
    MQTTMessage,
    MQTTMessageInfo,
    MQTTv5,
)
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from paho.mqtt.subscribeoptions import SubscribeOptions

from hub.mqtt.health import BrokerHealth
from hub.settings import BrokerSettings
from shared import __version__, wire
from shared.clock import Clock
from shared.topics import Topics

log = logging.getLogger(__name__)

QOS = 1
RECONNECT_MIN_S = 1
RECONNECT_MAX_S = 30
#: How often a wait for an acknowledgement looks whether the link is still up, in seconds.
CONFIRM_SLICE_S = 0.1
#: A PUBACK later than this (or than a heartbeat, if longer) makes the link unhealthy, seconds.
ACK_TIMEOUT_S = 5.0
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
P = ParamSpec("P")


def never_raises(callback: Callable[P, None]) -> Callable[P, None]:
    """``callback`` as paho should call it: anything it raises is logged, not passed on."""

    @wraps(callback)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            callback(*args, **kwargs)
        except Exception:
            log.exception("MQTT callback %s failed; paho goes on", callback.__name__)

    return guarded


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
        #: Set when an acknowledgement did not come in time, cleared by the next one to arrive.
        self._stalled = threading.Event()
        #: What is wrong with the link, for ``/healthz``, the fleet page and ``/metrics``.
        self.health = BrokerHealth(
            clock.monotonic, heartbeat_s=heartbeat_s, ack_timeout_s=max(heartbeat_s, ACK_TIMEOUT_S)
        )
        self._max_packet: int | None = None
        self._client = client_factory(broker)
        self._client.on_connect = never_raises(self._on_connect)
        self._client.on_publish = never_raises(self._on_publish)
        self._client.on_disconnect = never_raises(self._on_disconnect)
        self._client.on_message = never_raises(self._on_message)
        offline = wire.encode(self._status("offline"))
        self._client.will_set(self.topics.hub_status(), offline, qos=QOS, retain=True)
        self._client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    @property
    def max_packet_bytes(self) -> int | None:
        """The broker's Maximum Packet Size from its last CONNACK (None: it set no limit)."""
        return self._max_packet

    @property
    def grouped(self) -> bool:
        """Whether this hub is one of a group sharing the button events."""
        return self.broker.share_group is not None

    def start(self) -> None:
        """Begin connecting in the background; returns at once, retries until a broker answers.

        A lone hub's session is persistent (``clean_start=False`` with a week's expiry): while
        the hub is away the broker keeps its subscriptions and queues the nodes' QoS 1 button
        events for it, so a press made while the hub restarts is delivered when it is back. A
        grouped hub starts clean and its session ends with the connection, so the events go to
        the hubs that are there.
        """
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = 0 if self.grouped else SESSION_EXPIRY_S
        self._client.connect_async(
            self.broker.host, self.broker.port, self.broker.keepalive_s,
            clean_start=self.grouped, properties=properties,
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

    def publish(
        self, topic: str, payload: bytes, *, retain: bool, confirm_s: float | None = None
    ) -> bool:
        """Publish at QoS 1 if connected; otherwise drop (the next connect republishes).

        With ``confirm_s``, block (up to that many seconds) until the broker acknowledges, and
        return whether it did: an acknowledged message is in the broker's retained store and
        queues, ahead of anything published after. Once an acknowledgement is late, later calls
        do not wait (return False at once) until acknowledgements flow again. Without
        ``confirm_s``, return whether the message was handed to the connection.
        """
        if not self._connected.is_set():
            log.debug("not connected: %s not sent now", topic)
            return False
        info = self._client.publish(topic, payload, qos=QOS, retain=retain)
        if info.rc == MQTTErrorCode.MQTT_ERR_SUCCESS:
            self.health.sent(info.mid, topic)
        if confirm_s is None or info.rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
            return info.rc == MQTTErrorCode.MQTT_ERR_SUCCESS
        return self._confirmed(info, topic, confirm_s)

    def _confirmed(self, info: MQTTMessageInfo, topic: str, timeout_s: float) -> bool:
        """Wait for the acknowledgement, but not past a disconnect or :meth:`stop`."""
        deadline = time.monotonic() + timeout_s
        try:
            while not self._stalled.is_set() and self._connected.is_set():
                info.wait_for_publish(min(CONFIRM_SLICE_S, max(0.0, deadline - time.monotonic())))
                if info.is_published():
                    return True
                if time.monotonic() >= deadline:
                    log.warning("broker did not acknowledge %s within %.1f s", topic, timeout_s)
                    self._stalled.set()
        except (RuntimeError, ValueError) as exc:
            log.warning("%s not acknowledged: %s", topic, exc)
        return False

    def publish_command(self, topic: str, payload: bytes, *, expiry_s: int) -> bool:
        """Send a node command at QoS 1, never retained, with an MQTT v5 message expiry of
        ``expiry_s`` seconds (the broker drops it if the node is not there to take it in time).

        Returns whether it was handed to the connection; False at once while disconnected
        (a command is not worth sending late). Any thread.
        """
        if not self._connected.is_set():
            log.info("not connected: command on %s not sent", topic)
            return False
        properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        properties.MessageExpiryInterval = expiry_s
        info = self._client.publish(topic, payload, qos=QOS, retain=False, properties=properties)
        if info.rc == MQTTErrorCode.MQTT_ERR_SUCCESS:
            self.health.sent(info.mid, topic)
        return info.rc == MQTTErrorCode.MQTT_ERR_SUCCESS

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
        self._max_packet = getattr(properties, "MaximumPacketSize", None)
        log.info("connected to broker %s:%d (maximum packet %s bytes)", self.broker.host,
                 self.broker.port, self._max_packet or "not set")  # fmt: skip
        self.health.connected()
        self._stalled.clear()
        self._connected.set()
        # Subscribe before saying "online": a node resends its outbox when it sees the hub
        # online, and the broker handles our packets in order, so those events find the
        # subscription in place.
        client.subscribe(self._subscriptions())
        self.publish_status()
        self.inbox.put(Connected())

    def _subscriptions(self) -> list[tuple[str, SubscribeOptions]]:
        """Node statuses and events; grouped, also what the other hubs publish."""
        plain = SubscribeOptions(qos=QOS)
        events = self.topics.all_node_events()
        group = self.broker.share_group
        if group is None:
            return [(self.topics.all_node_statuses(), plain), (events, plain)]
        # Not our own messages (no local), and no retained copies: only the peers' changes.
        peers = SubscribeOptions(qos=QOS, noLocal=True, retainHandling=2)
        return [
            (self.topics.all_node_statuses(), plain),
            (f"$share/{group}/{events}", plain),
            (self.topics.all_room_states(), peers),
            (self.topics.site(), peers),
            (self.topics.hub_status(), peers),
        ]

    def _on_disconnect(
        self,
        client: Client,
        userdata: Any,
        flags: DisconnectFlags,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        self._connected.clear()
        self.health.disconnected()
        if self._stopping.is_set():
            log.info("disconnected from broker: %s", reason)
        else:
            log.warning("disconnected from broker: %s (paho will reconnect)", reason)

    def _on_publish(
        self,
        client: Client,
        userdata: Any,
        mid: int,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        self._stalled.clear()
        if reason.is_failure:
            log.error("the broker rejected message %d: %s", mid, reason)
        self.health.acknowledged(mid, reason.is_failure, str(reason))

    def _on_message(self, client: Client, userdata: Any, message: MQTTMessage) -> None:
        try:
            topic = message.topic  # paho decodes it as UTF-8
        except UnicodeDecodeError:
            log.warning("dropped a message on a topic that is not UTF-8")
            return
        self.inbox.put(Incoming(topic, bytes(message.payload)))
