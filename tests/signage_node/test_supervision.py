"""Failures injected into each of the node's threads: the part goes on (restarted), or the
node ends; never a live process that silently does nothing. Real Mosquitto, real gpiozero mock
pins, real outbox files."""

from __future__ import annotations

import json
import logging
import queue
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory
from PIL import Image

from shared.clock import FakeClock, SystemClock
from shared.wire import ButtonEvent, encode
from signage_node.app import Node
from signage_node.config import NodeSettings
from signage_node.display import PngDisplay
from signage_node.display_worker import DisplayWorker
from signage_node.events import FrameShown, NodeEvent, SnapshotArrived
from signage_node.hardware import DoorButton
from signage_node.mqtt_link import NodeLink
from signage_node.outbox import Outbox
from signage_node.simulation import LoopbackLink
from signage_node.supervisor import BUDGET, Supervisor
from tests.signage_node.conftest import (
    PANEL,
    START,
    TOPICS,
    GatedPanel,
    HubClient,
    LoopNode,
    NodeRig,
    snapshot,
    wait_until,
)


def applied(node: Node, version: int) -> bool:
    status = node.last_status
    return status is not None and status.applied_version == version


# -- paho's thread ------------------------------------------------------------------------


def test_a_site_whose_zone_is_a_folder_is_dropped_and_the_door_goes_on(
    rig: NodeRig, hub: HubClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 12: ``"America"`` made ZoneInfo raise IsADirectoryError in paho's callback, which
    ended paho's thread: the door never applied another snapshot."""
    node, _, _ = rig.start(rig.settings())
    hub.publish(TOPICS.room_state("room-a"), snapshot(1))
    wait_until(lambda: applied(node, 1))
    site = {"schema_version": 1, "event": {"name": "PyCon", "timezone": "America"},
            "published_at": START.isoformat()}  # fmt: skip
    with caplog.at_level(logging.WARNING):
        hub.publish(TOPICS.site(), json.dumps(site).encode())
        hub.publish(TOPICS.room_state("room-a"), snapshot(2))
        wait_until(lambda: applied(node, 2))
    dropped = [r.getMessage() for r in caplog.records if "dropped a message" in r.getMessage()]
    assert any(TOPICS.site() in m and "unknown time zone 'America'" in m for m in dropped)
    assert node.supervisor.failures("mqtt") == 0


def test_an_exception_in_a_paho_callback_is_counted_and_the_link_goes_on(
    rig: NodeRig, hub: HubClient
) -> None:
    """The first snapshot's hand-off raises (as a bug would): paho's thread lives on and the
    next snapshot arrives; the failure is counted against the link's budget."""
    heard: queue.SimpleQueue[NodeEvent] = queue.SimpleQueue()
    failures = iter([RuntimeError("injected")])

    def deliver(event: NodeEvent) -> None:
        if isinstance(event, SnapshotArrived):
            failure = next(failures, None)
            if failure is not None:
                raise failure
        heard.put(event)

    supervisor = Supervisor()
    link = NodeLink(rig.settings(), deliver, supervisor=supervisor)
    link.start()
    try:
        wait_until(link._client.is_connected)
        hub.publish(TOPICS.room_state("room-a"), snapshot(1), retain=False)
        wait_until(lambda: supervisor.failures("mqtt") == 1)
        hub.publish(TOPICS.room_state("room-a"), snapshot(2), retain=False)
        while not isinstance(event := heard.get(timeout=10), SnapshotArrived):
            pass
        assert event.snapshot.version == 2
        assert not supervisor.failed_fatally.is_set()
    finally:
        link.stop()


def test_a_paho_callback_that_keeps_failing_ends_the_node(rig: NodeRig, hub: HubClient) -> None:
    def deliver(event: NodeEvent) -> None:
        if isinstance(event, SnapshotArrived):
            raise RuntimeError("every snapshot fails")

    supervisor = Supervisor()
    link = NodeLink(rig.settings(), deliver, supervisor=supervisor)
    link.start()
    try:
        wait_until(link._client.is_connected)
        for version in range(1, BUDGET + 2):
            hub.publish(TOPICS.room_state("room-a"), snapshot(version), retain=False)
        assert supervisor.failed_fatally.wait(10)
        assert supervisor.reason == f"mqtt failed {BUDGET + 1} times within 600 s"
    finally:
        link.stop()


# -- the outbox -----------------------------------------------------------------------------


class OutboxFailingOnce(Outbox):
    """An outbox whose first removal raises something no one expects."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.failures = 1

    def remove(self, event_id: str) -> bool:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("injected")
        return super().remove(event_id)


def test_an_outbox_failure_on_pahos_thread_restarts_the_sending(
    rig: NodeRig, hub: HubClient, tmp_path: Path
) -> None:
    """The broker's PUBACK makes the outbox raise: without the restart the event would stay
    "in flight" for ever and no press would reach the hub again."""
    hub.subscribe(TOPICS.all_node_events())
    outbox = OutboxFailingOnce(tmp_path / "outbox")
    supervisor = Supervisor()
    link = NodeLink(rig.settings(), lambda _: None, outbox=outbox, supervisor=supervisor)
    link.start()
    try:
        wait_until(link._client.is_connected)
        first = ButtonEvent(event_id=uuid.uuid4().hex, node_id="door-1", room_id="room-a",
                            full=True, pressed_at=START)  # fmt: skip
        link.publish_event(first)
        wait_until(lambda: len(outbox) == 0)  # sent again after the restart, then removed
        assert supervisor.failures("outbox") == 1
        second = first.model_copy(update={"event_id": uuid.uuid4().hex, "full": False})
        link.publish_event(second)
        wait_until(lambda: len(outbox) == 0)
        heard = {hub.next_message(TOPICS.node_events("door-1")).payload for _ in range(3)}
        assert heard == {encode(first), encode(second)}  # the first one twice
    finally:
        link.stop()


# -- the display worker ---------------------------------------------------------------------


class ExitingPanel(GatedPanel):
    """A panel whose driver calls ``sys.exit`` on its first ``exits`` refreshes (as some
    hardware libraries do when a module is missing)."""

    def __init__(self, exits: int) -> None:
        super().__init__(PANEL)
        self.exits = exits
        self.count = 0

    def show(self, frame: Image.Image) -> None:
        if self.exits:
            self.exits -= 1
            raise SystemExit("This library requires the spidev module")
        self.count += 1


def test_a_display_that_exits_restarts_the_worker_and_reports_the_frame_failed() -> None:
    panel, heard = ExitingPanel(exits=1), queue.SimpleQueue[FrameShown]()
    supervisor = Supervisor()
    worker = DisplayWorker(panel, FakeClock(START), heard.put, supervisor=supervisor)
    worker.start()
    try:
        worker.submit(Image.new("RGB", (8, 8)), "first")
        failed = heard.get(timeout=10)
        assert (failed.frame_hash, failed.error) == (
            "first", "the display worker failed and was restarted"
        )  # fmt: skip
        worker.submit(Image.new("RGB", (8, 8)), "second")
        shown = heard.get(timeout=10)
        assert (shown.frame_hash, shown.error, panel.count) == ("second", None, 1)
        assert supervisor.failures("display worker") == 1
    finally:
        worker.stop(5)


def test_a_node_whose_display_exits_shows_the_door_after_the_retry(
    loop_node: Callable[..., LoopNode],
) -> None:
    door = loop_node(ExitingPanel(exits=1))
    door.deliver(SnapshotArrived("room-a", snapshot(1)))
    assert door.node.settle()
    door.move(30)  # the gate retries a failed refresh after 5 s, then 30 s
    door.move(30)
    panel = door.panel
    assert isinstance(panel, ExitingPanel)
    wait_until(lambda: panel.count >= 1)
    status = door.node.last_status
    assert status is not None
    assert "display worker" in (status.last_error or "")


def test_a_display_that_always_exits_ends_the_node() -> None:
    supervisor = Supervisor(budget=2)
    worker = DisplayWorker(ExitingPanel(exits=99), FakeClock(START), lambda _: None,
                           supervisor=supervisor)  # fmt: skip
    worker.start()
    try:
        for number in range(1, 4):
            worker.submit(Image.new("RGB", (8, 8)), f"frame-{number}")
            wait_until(lambda: supervisor.failures("display worker") >= number)  # noqa: B023
        assert supervisor.failed_fatally.wait(10)
        assert "display worker failed 3 times" in (supervisor.reason or "")
    finally:
        worker.stop(5)


# -- gpiozero's callbacks -----------------------------------------------------------------


def test_a_failing_button_callback_does_not_reach_gpiozero_and_the_next_press_counts() -> None:
    factory, presses = MockFactory(), list[str]()
    failures = iter([RuntimeError("injected")])

    def on_press() -> None:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        presses.append("press")

    supervisor, clock = Supervisor(), FakeClock(START)
    button = DoorButton(5, on_press=on_press, on_hold=lambda: None, clock=clock,
                        pin_factory=factory, supervisor=supervisor)  # fmt: skip
    try:
        for _ in range(2):
            factory.pin(5).drive_low()
            factory.pin(5).drive_high()  # the first raises inside gpiozero's callback
            clock.advance(timedelta(seconds=1))
        assert presses == ["press"]
        assert supervisor.failures("button") == 1
    finally:
        button.close()
        factory.close()


# -- the node's loop ----------------------------------------------------------------------


class BrokenLink(LoopbackLink):
    """A link whose ``watch`` raises once ``broken`` is set: the loop calls it on a change."""

    broken = threading.Event()

    def watch(self, room_id: str | None, all_rooms: bool) -> None:
        if self.broken.is_set():
            raise RuntimeError("injected into the loop")


def test_a_loop_that_dies_ends_the_node(tmp_path: Path) -> None:
    settings = NodeSettings.model_validate(
        {"node_id": "door-1", "room_id": "room-a", "state_dir": tmp_path / "state",
         "png_path": tmp_path / "door.png"}
    )  # fmt: skip
    supervisor, factory = Supervisor(), MockFactory()
    ended: list[str] = []
    supervisor.on_fatal(lambda part, reason: ended.append(reason))
    node = Node(settings, clock=SystemClock(), display=PngDisplay(PANEL, tmp_path / "door.png"),
                pin_factory=factory, link_factory=BrokenLink, supervisor=supervisor)  # fmt: skip
    node.start()
    try:
        BrokenLink.broken.set()
        assert isinstance(node._link, BrokenLink)
        node._link.deliver(SnapshotArrived("room-a", snapshot(1)))  # the door changes
        assert supervisor.failed_fatally.wait(10)
        assert ended == ["node loop failed: RuntimeError: injected into the loop"]
    finally:
        BrokenLink.broken.clear()
        node.stop(5)
        factory.close()
