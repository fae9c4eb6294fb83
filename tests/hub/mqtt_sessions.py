"""One MQTT v5 login at a time, to prove what a broker accepts and refuses."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from paho.mqtt.client import Client, ConnectFlags, DisconnectFlags, MQTTMessage, MQTTv5
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode


@dataclass
class Session:
    """One connection attempt and what the broker answered (CONNACK, PUBACKs, messages)."""

    client: Client
    connected: threading.Event = field(default_factory=threading.Event)
    reason: ReasonCode | None = None
    acks: dict[int, ReasonCode] = field(default_factory=dict)
    received: list[MQTTMessage] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.reason is not None and not self.reason.is_failure

    def publish(self, topic: str, payload: bytes) -> ReasonCode:
        """Publish at QoS 1 and return the broker's PUBACK reason code."""
        mid = self.client.publish(topic, payload, qos=1).mid
        deadline = time.monotonic() + 10
        while mid not in self.acks:
            assert time.monotonic() < deadline, "no PUBACK"
            time.sleep(0.01)
        return self.acks[mid]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def connect(host: str, port: int, username: str | None, password: str | None,
            subscribe: str = "") -> Session:  # fmt: skip
    """Connect and wait for the CONNACK; the caller must :meth:`Session.close` it."""
    client = Client(CallbackAPIVersion.VERSION2, client_id=username or "", protocol=MQTTv5)
    session = Session(client)
    if username is not None:
        client.username_pw_set(username, password)

    def on_connect(
        c: Client, u: Any, f: ConnectFlags, reason: ReasonCode, p: Properties | None
    ) -> None:
        session.reason = reason
        if subscribe and not reason.is_failure:
            c.subscribe(subscribe, qos=1)
        session.connected.set()

    def on_publish(c: Client, u: Any, mid: int, reason: ReasonCode, p: Properties | None) -> None:
        session.acks[mid] = reason

    def on_disconnect(
        c: Client, u: Any, f: DisconnectFlags, reason: ReasonCode, p: Properties | None
    ) -> None:
        session.connected.set()

    client.on_connect, client.on_publish = on_connect, on_publish
    client.on_disconnect = on_disconnect
    client.on_message = lambda c, u, message: session.received.append(message)
    client.connect(host, port, keepalive=10)
    client.loop_start()
    assert session.connected.wait(10), "no CONNACK"
    return session


def accepted(host: str, port: int, username: str | None, password: str | None) -> bool:
    """Whether the broker lets this user in right now."""
    session = connect(host, port, username, password)
    try:
        return session.accepted
    finally:
        session.close()


def wait_until_login(host: str, port: int, username: str, password: str, ok: bool) -> None:
    """A broker reloads on SIGHUP asynchronously: wait until it answers as expected."""
    deadline = time.monotonic() + 10
    while accepted(host, port, username, password) != ok:
        assert time.monotonic() < deadline, f"login of {username} never became {ok}"
        time.sleep(0.05)
