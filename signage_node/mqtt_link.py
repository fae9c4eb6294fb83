"""The node's MQTT connection: what it subscribes to, what it publishes, and nothing else.

:class:`NodeLink` wraps one paho-mqtt 2 client (MQTT v5, ``CallbackAPIVersion.VERSION2``,
client id = node id, username = node id unless configured). paho's own loop thread reconnects
(``connect_async``, ``loop_start``, ``reconnect_delay_set(1, 30)``) and calls back on that
thread; the callbacks only decode a payload and hand an event to ``deliver`` (the node's queue).
A payload that :func:`shared.wire.decode` refuses is logged with its topic, the reason and an
excerpt, and dropped. No exception ever leaves a callback into paho (which would end its
thread, and the door would never hear from the hub again): anything unexpected goes to the
:class:`~signage_node.supervisor.Supervisor` (parts ``mqtt`` and ``outbox``), which logs and
counts it, restarts the outbox's sending from the oldest event, and ends the node when a part
keeps failing.

Subscriptions (made in ``on_connect``, so they come back after every reconnect), all QoS 1:
its room's ``state`` (and every room's while its session is full, for "also on now"; the node
loop says which through :meth:`NodeLink.watch`), ``site``, ``hub/status`` and its own
``config`` and ``cmd``. Publications: its retained ``status`` (and the same topic as a last
will with ``state="offline"``), and button events on ``events`` at QoS 1, through the outbox
(:mod:`signage_node.outbox`): kept on disk until the broker acknowledged them, sent in order,
and sent again from the oldest on every connect. So that nothing older overtakes them, the
messages paho still holds unacknowledged from the last connection are dropped on connect (the
latest status is published afresh anyway).

The node's IP address is reported as an :class:`~signage_node.events.AddressFound` event: at
:meth:`NodeLink.start` from the route to the broker (a UDP socket's ``connect`` picks the local
address without sending anything), and on every connect from the broker connection's socket.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from typing import Any, Protocol

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

from shared.errors import PayloadError, TopicError
from shared.wire import (
    ButtonEvent,
    HubStatus,
    NodeCommand,
    NodeConfig,
    NodeStatus,
    RoomSnapshot,
    SiteInfo,
    decode,
    encode,
    excerpt,
)
from signage_node.config import NodeSettings
from signage_node.events import (
    AddressFound,
    CommandArrived,
    ConfigArrived,
    HubStatusArrived,
    LinkChanged,
    NodeEvent,
    RoomCleared,
    SiteArrived,
    SnapshotArrived,
)
from signage_node.outbox import EventSender, Outbox
from signage_node.supervisor import Supervisor

log = logging.getLogger(__name__)

Deliver = Callable[[NodeEvent], None]
ClientFactory = Callable[[str], mqtt.Client]
RECONNECT_MIN_S = 1
RECONNECT_MAX_S = 30
STOP_FLUSH_S = 2.0


class Link(Protocol):
    """What the node needs from its broker connection (:class:`NodeLink` is the real one)."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def publish_event(self, event: ButtonEvent) -> None: ...

    def publish_status(self, status: NodeStatus) -> None: ...

    def watch(self, room_id: str | None, all_rooms: bool) -> None: ...


LinkFactory = Callable[[NodeSettings, Deliver], Link]


def new_client(client_id: str) -> mqtt.Client:
    """A bare paho client as the node uses it: MQTT v5, VERSION2 callbacks."""
    return mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5,
    )


class NodeLink:
    """One door node's MQTT session. Thread-safe: call from any thread.

    ``deliver`` is called on paho's thread (and once from :meth:`start`'s caller) and must
    not block (put on a queue). ``outbox`` defaults to ``state_dir/outbox/`` (read at once).
    ``supervisor`` hears of anything unexpected raised in a callback (default: its own).
    """

    def __init__(
        self,
        settings: NodeSettings,
        deliver: Deliver,
        *,
        client_factory: ClientFactory = new_client,
        outbox: Outbox | None = None,
        supervisor: Supervisor | None = None,
    ) -> None:
        self._supervisor = supervisor or Supervisor()
        self._settings = settings
        self._topics = settings.topics
        self._deliver = deliver
        self._lock = threading.Lock()
        self._status = NodeStatus(node_id=settings.node_id, state="online")
        self._watched: frozenset[str] = self._room_topics(settings.room_id, all_rooms=False)
        self._client = client_factory(settings.node_id)
        self._events = EventSender(
            outbox if outbox is not None else Outbox.in_folder(settings.state_dir), self._send
        )
        self._configure()

    def _configure(self) -> None:
        client, broker = self._client, self._settings.broker
        client.username_pw_set(self._settings.broker_username, broker.password)
        offline = NodeStatus(node_id=self._settings.node_id, state="offline")
        client.will_set(self._status_topic, encode(offline), qos=1, retain=True)
        if broker.tls:
            client.tls_set()
        client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_publish = self._on_publish

    @property
    def _status_topic(self) -> str:
        return self._topics.node_status(self._settings.node_id)

    def start(self) -> None:
        """Start connecting in the background; returns at once, retries until a broker answers."""
        broker = self._settings.broker
        ip = route_address(broker.host, broker.port)
        if ip is not None:
            self._deliver(AddressFound(ip))
        self._client.connect_async(broker.host, broker.port, keepalive=broker.keepalive_s)
        self._client.loop_start()

    def stop(self) -> None:
        """Publish a retained offline status, disconnect, join paho's thread and close its
        sockets. The link cannot be started again."""
        with self._lock:
            offline = self._status.model_copy(update={"state": "offline"})
        if self._client.is_connected():
            info = self._client.publish(self._status_topic, encode(offline), qos=1, retain=True)
            try:
                info.wait_for_publish(STOP_FLUSH_S)
            except (RuntimeError, ValueError) as exc:
                log.warning("offline status not confirmed before disconnect: %s", exc)
        self._client.disconnect()
        self._client.loop_stop()
        # paho closes its wake-up socket pair only when the client is garbage-collected, in
        # whatever order the collector picks; reinitialise() closes it now.
        self._client.reinitialise()

    def publish_event(self, event: ButtonEvent) -> None:
        """Keep a button event in the outbox (on disk before this returns) and send it at QoS 1
        once the events before it are acknowledged. May block on the disk for a few ms."""
        self._outbox(lambda: self._events.add(event))

    def _outbox(self, action: Callable[[], None]) -> None:
        """Run ``action`` on the event sender; if it fails, send again from the oldest event."""
        self._supervisor.call("outbox", action, restart=self._events.restart)

    def _send(self, event: ButtonEvent) -> int:
        topic = self._topics.node_events(self._settings.node_id)
        return self._client.publish(topic, encode(event), qos=1).mid

    def publish_status(self, status: NodeStatus) -> None:
        """Publish the node's retained status now if connected; the latest one is (re)sent on
        every connect, so statuses are not queued up during an outage."""
        with self._lock:
            self._status = status
        if self._client.is_connected():
            self._client.publish(self._status_topic, encode(status), qos=1, retain=True)

    def watch(self, room_id: str | None, all_rooms: bool) -> None:
        """Receive ``room_id``'s state, and every room's while ``all_rooms`` (a full session's
        door suggests other rooms). Every door following every room would cost each door a
        message for every edit anywhere: with 200 rooms, 40,000 deliveries for a site-wide
        change. Changes the subscriptions at once if connected, else on the next connect."""
        wanted = self._room_topics(room_id, all_rooms=all_rooms)
        with self._lock:
            old, self._watched = self._watched, wanted
        if wanted == old or not self._client.is_connected():
            return
        if old - wanted:
            self._client.unsubscribe(sorted(old - wanted))
        if wanted - old:
            self._client.subscribe([(topic, 1) for topic in sorted(wanted - old)])

    def _room_topics(self, room_id: str | None, *, all_rooms: bool) -> frozenset[str]:
        topics = {self._topics.room_state(room_id)} if room_id is not None else set()
        if all_rooms:
            topics.add(self._topics.all_room_states())
        return frozenset(topics)

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.ConnectFlags,
        reason_code: ReasonCode,
        properties: Any,
    ) -> None:
        if reason_code.is_failure:
            log.warning("broker refused the connection: %s", reason_code)
            return

        def connected() -> None:
            self._connected(client)

        self._supervisor.call("mqtt", connected, restart=connected)

    def _connected(self, client: mqtt.Client) -> None:
        """Subscribe, say "online", send the outbox again: after every connect."""
        node_id = self._settings.node_id
        with self._lock:
            rooms = sorted(self._watched)
        topics = [
            *rooms,
            self._topics.site(),
            self._topics.hub_status(),
            self._topics.node_config(node_id),
            self._topics.node_cmd(node_id),
        ]
        client.subscribe([(topic, 1) for topic in topics])
        client.drop_out_messages()
        with self._lock:
            status = self._status.model_copy(update={"state": "online"})
        client.publish(self._status_topic, encode(status), qos=1, retain=True)
        log.info("connected to the broker as %s", node_id)
        self._outbox(self._events.connected)
        self._deliver(LinkChanged(connected=True))
        ip = _socket_address(client)
        if ip is not None:
            self._deliver(AddressFound(ip))

    def _on_disconnect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.DisconnectFlags,
        reason_code: ReasonCode,
        properties: Any,
    ) -> None:
        log.info("disconnected from the broker: %s", reason_code)
        self._outbox(self._events.disconnected)
        self._supervisor.call(
            "mqtt", lambda: self._deliver(LinkChanged(connected=False, reason=str(reason_code)))
        )

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self._supervisor.call("mqtt", lambda: self._message(message))

    def _message(self, message: mqtt.MQTTMessage) -> None:
        payload, topic = bytes(message.payload), topic_of(message)
        event: NodeEvent | None
        try:
            if payload:
                event = self._decode(topic, payload, bool(message.retain))
            else:
                event = self._cleared(topic)
        except (PayloadError, TopicError) as exc:
            log.warning("dropped a message on %s: %s; payload %s", topic, exc, excerpt(payload))
            return
        if event is not None:
            self._deliver(event)
        if isinstance(event, HubStatusArrived) and event.status.state == "online":
            self._outbox(self._events.hub_seen)

    def _on_publish(
        self,
        client: mqtt.Client,
        userdata: Any,
        mid: int,
        reason_code: ReasonCode,
        properties: Any,
    ) -> None:
        self._outbox(lambda: self._events.acknowledged(mid, reason_code.value))

    def _cleared(self, topic: str) -> NodeEvent | None:
        """The event for a retained topic that was cleared: only a room's state matters."""
        parsed = self._topics.parse(topic)
        log.info("retained message on %s was cleared", topic)
        if parsed.kind == "room_state" and parsed.id is not None:
            return RoomCleared(parsed.id)
        return None

    def _decode(self, topic: str, payload: bytes, retained: bool) -> NodeEvent:
        """The event for one message (``retained``: the broker's stored copy, not a live one)."""
        match self._topics.parse(topic):
            case m if m.kind == "room_state" and m.id is not None:
                snapshot = decode(RoomSnapshot, payload)
                if snapshot.room.id != m.id:
                    raise PayloadError(f"snapshot of room {snapshot.room.id!r} on another topic")
                return SnapshotArrived(m.id, snapshot)
            case m if m.kind == "site":
                return SiteArrived(decode(SiteInfo, payload))
            case m if m.kind == "hub_status":
                return HubStatusArrived(decode(HubStatus, payload), live=not retained)
            case m if m.kind == "node_config" and m.id == self._settings.node_id:
                config = decode(NodeConfig, payload)
                if config.node_id != m.id:
                    raise PayloadError(f"config for node {config.node_id!r} on another topic")
                return ConfigArrived(config)
            case m if m.kind == "node_cmd" and m.id == self._settings.node_id:
                return CommandArrived(decode(NodeCommand, payload))
        raise TopicError(f"not a topic this node subscribes to: {topic!r}")


def topic_of(message: mqtt.MQTTMessage) -> str:
    """The message's topic, or a placeholder if it is not UTF-8 (paho decodes it on access)."""
    try:
        return message.topic
    except UnicodeDecodeError:
        return "(a topic that is not UTF-8)"


def route_address(host: str, port: int) -> str | None:
    """The local IP address that traffic to ``host`` would leave from; None if unknown.

    Connecting a UDP socket only picks a route: no packet is sent (a host name may need a DNS
    lookup).
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.connect(address)
            return str(probe.getsockname()[0])
    except (OSError, UnicodeError, IndexError) as exc:
        log.info("cannot tell this node's address towards %s: %s", host, exc)
        return None


def _socket_address(client: mqtt.Client) -> str | None:
    """The local address of the client's broker connection, if it has one."""
    sock = client.socket()
    if not isinstance(sock, socket.socket):  # no connection (or a websocket wrapper)
        return None
    try:
        return str(sock.getsockname()[0])
    except OSError:
        return None
