"""Fixtures for the door node: sample snapshots, a paho client playing the hub, running nodes.

Nodes run for real: real Mosquitto (the ``broker`` fixture), gpiozero ``MockFactory`` pins, a
``PngDisplay`` in the test's folder and a ``FakeClock`` that moves only when a test moves it.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from gpiozero.pins.mock import MockFactory
from paho.mqtt.enums import CallbackAPIVersion
from PIL import Image

from shared.clock import FakeClock
from shared.render import PANELS, Panel, frame_hash
from shared.topics import Topics
from shared.wire import (
    DoorSlot,
    EventInfo,
    RoomInfo,
    RoomSnapshot,
    SessionCard,
    WireModel,
    encode,
    with_hash,
)
from signage_node.app import Node
from signage_node.config import BrokerSettings, NodeSettings
from signage_node.display import PngDisplay
from signage_node.events import NodeEvent
from signage_node.mqtt_link import Deliver
from signage_node.simulation import LoopbackLink
from tests.conftest import Broker

START = datetime(2025, 5, 16, 10, 30, tzinfo=UTC)
DAY = datetime(2025, 5, 16, tzinfo=UTC)
PANEL = PANELS["impression-7.3-spectra6"]
TOPICS = Topics()
TITLES = ("Maker projects with Raspberry Pis", "Data visualisation", "Avoiding burnout")


def wait_until(condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Poll ``condition`` until it is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(0.01)


def slot(hour: int, title: str, session_id: int, *, full: bool = False) -> DoorSlot:
    card = SessionCard(id=session_id, title=title, host_name="Ada", host_handle="@ada", full=full)
    start = DAY + timedelta(hours=hour)
    return DoorSlot(
        slot_id=hour, start=start, end=start + timedelta(hours=1), kind="session", session=card
    )


def snapshot(
    version: int,
    *,
    room_id: str = "room-a",
    titles: tuple[str, ...] = TITLES,
    epoch: str = "epoch-1",
    full: bool = False,
) -> RoomSnapshot:
    """A room's snapshot with one session per hour from 10:00 (UTC) on ``START``'s day."""
    slots = [slot(10 + i, title, 100 + i, full=full) for i, title in enumerate(titles)]
    return with_hash(
        RoomSnapshot(
            epoch=epoch,
            version=version,
            published_at=START - timedelta(minutes=5),
            event=EventInfo(name="PyCon US", timezone="UTC"),
            room=RoomInfo(id=room_id, name=room_id.replace("-", " ").title()),
            slots=slots,
        )
    )


class HubClient:
    """A paho client with the hub's credentials: publishes like the hub, records what it hears."""

    def __init__(self, broker: Broker) -> None:
        self.messages: queue.SimpleQueue[mqtt.MQTTMessage] = queue.SimpleQueue()
        self._client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id="test-hub",
            protocol=mqtt.MQTTv5,
        )
        self._client.username_pw_set(broker.hub_user, broker.hub_password)
        self._client.on_message = lambda _c, _u, message: self.messages.put(message)
        self._client.connect(broker.host, broker.port)
        self._client.loop_start()
        self.wait_connected()

    def wait_connected(self) -> None:
        wait_until(self._client.is_connected)

    def subscribe(self, topic: str) -> None:
        done = queue.SimpleQueue[bool]()
        self._client.on_subscribe = lambda *_args: done.put(True)
        self._client.subscribe(topic, qos=1)
        done.get(timeout=5)

    def publish(self, topic: str, payload: WireModel | bytes, *, retain: bool = True) -> None:
        data = payload if isinstance(payload, bytes) else encode(payload)
        self._client.publish(topic, data, qos=1, retain=retain).wait_for_publish(5)

    def next_message(self, topic: str, timeout: float = 10.0) -> mqtt.MQTTMessage:
        """The next message heard on ``topic`` (others are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
            if message.topic == topic:
                return message

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()


@pytest.fixture
def hub(broker: Broker) -> Iterator[HubClient]:
    client = HubClient(broker)
    try:
        yield client
    finally:
        client.close()


def provision(broker: Broker, node_id: str) -> str:
    """Give ``node_id`` broker credentials and wait until the broker accepts them."""
    password = broker.add_node(node_id)
    accepted: queue.SimpleQueue[bool] = queue.SimpleQueue()
    probe = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2, client_id=node_id, protocol=mqtt.MQTTv5
    )
    probe.username_pw_set(node_id, password)
    probe.on_connect = lambda _c, _u, _f, reason, _p: accepted.put(not reason.is_failure)
    deadline = time.monotonic() + 10
    try:
        while time.monotonic() < deadline:
            probe.connect(broker.host, broker.port)
            probe.loop_start()
            ok = accepted.get(timeout=5)
            probe.disconnect()
            probe.loop_stop()
            if ok:
                return password
            time.sleep(0.02)
    finally:
        probe.loop_stop()
    pytest.fail(f"the broker never accepted {node_id}")


@dataclass
class NodeRig:
    """Makes nodes on one broker and stops every one of them at the end of the test."""

    broker: Broker
    folder: Path
    clock: FakeClock = field(default_factory=lambda: FakeClock(START))
    nodes: list[Node] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)

    def settings(self, node_id: str = "door-1", **overrides: Any) -> NodeSettings:
        if node_id not in self.passwords:
            self.passwords[node_id] = provision(self.broker, node_id)
        broker = BrokerSettings(
            host=self.broker.host, port=self.broker.port, password=self.passwords[node_id]
        )
        values: dict[str, Any] = {
            "node_id": node_id,
            "room_id": "room-a",
            "broker": broker,
            "state_dir": self.folder / node_id / "state",
            "png_path": self.folder / node_id / "door.png",
            "hold_s": 0.2,
            "clock_sync_flag": None,
        }
        values.update(overrides)
        return NodeSettings.model_validate(values)

    def start(self, settings: NodeSettings) -> tuple[Node, PngDisplay, MockFactory]:
        factory = MockFactory()
        display = PngDisplay(settings.panel_spec, settings.frame_path)
        node = Node(settings, clock=self.clock, display=display, pin_factory=factory)
        self.nodes.append(node)
        node.start()
        return node, display, factory

    def stop(self, node: Node) -> None:
        if node in self.nodes:
            self.nodes.remove(node)
            node.stop()


@pytest.fixture
def rig(broker: Broker, tmp_path: Path) -> Iterator[NodeRig]:
    made = NodeRig(broker, tmp_path)
    try:
        yield made
    finally:
        for node in list(made.nodes):
            made.stop(node)


class GatedPanel:
    """A display whose refreshes wait while ``gate`` is closed; the next ``failures`` refreshes
    raise. Records the hash of every frame it showed."""

    def __init__(self, panel: Panel = PANEL) -> None:
        self._panel = panel
        self.gate = threading.Event()
        self.gate.set()
        self.started = threading.Semaphore(0)
        self.failures = 0
        self.shown: list[str] = []

    @property
    def panel(self) -> Panel:
        return self._panel

    def show(self, frame: Image.Image) -> None:
        self.started.release()
        assert self.gate.wait(10), "the test never opened the panel's gate"
        if self.failures:
            self.failures -= 1
            raise OSError("SPI timeout")
        self.shown.append(frame_hash(frame))


@dataclass
class LoopNode:
    """A node with no broker: ``link.deliver`` plays the hub, ``clock`` moves by hand."""

    node: Node
    link: LoopbackLink
    panel: GatedPanel
    pins: MockFactory
    clock: FakeClock

    def deliver(self, *events: NodeEvent) -> None:
        for event in events:
            self.link.deliver(event)

    def press(self) -> None:
        button = self.pins.pin(self.node.settings.button_pin)
        button.drive_low()
        button.drive_high()
        self.clock.advance(self.node.settings.debounce_s)

    def move(self, seconds: float) -> None:
        """Move the clock and let the node look at it."""
        self.clock.advance(seconds)
        self.node.wake()
        assert self.node.settle()

    @property
    def led(self) -> bool:
        return bool(self.pins.pin(self.node.settings.led_pin).state)


@pytest.fixture
def loop_node(tmp_path: Path) -> Iterator[Callable[..., LoopNode]]:
    """Starts a broker-less node with setting overrides; stops every one at the end.

    The hub counts as lost only after 100 missed heartbeats unless ``offline_after_beats``
    says otherwise, so moving the clock does not take the door offline by the way.
    """
    made: list[LoopNode] = []

    def start(panel: GatedPanel | None = None, **overrides: Any) -> LoopNode:
        values: dict[str, Any] = {
            "node_id": "door-1", "room_id": "room-a", "state_dir": tmp_path / "state",
            "hold_s": 0.2, "offline_after_beats": 100, "clock_sync_flag": None,
        }  # fmt: skip
        settings = NodeSettings.model_validate({**values, **overrides})
        links: list[LoopbackLink] = []

        def link_factory(node_settings: NodeSettings, deliver: Deliver) -> LoopbackLink:
            links.append(LoopbackLink(node_settings, deliver))
            return links[-1]

        display, pins, clock = panel or GatedPanel(), MockFactory(), FakeClock(START)
        node = Node(settings, clock=clock, display=display, pin_factory=pins,
                    link_factory=link_factory)  # fmt: skip
        made.append(LoopNode(node, links[0], display, pins, clock))
        node.start()
        return made[-1]

    try:
        yield start
    finally:
        for loop in made:
            loop.panel.gate.set()
            loop.node.stop()
            loop.pins.close()
