"""Button presses during a broker outage, and across a node restart, with the real hub.

The broker is killed (SIGKILL, its saved state removed: the hub's persistent session and every
retained message are gone) while a host presses a door's button; the door flips at once and
keeps the presses in its outbox on disk. When the broker returns, every press reaches the hub
and is applied exactly once: the session's full flag ends where the door showed it, with one
audit entry and one processed event per press. The same holds when the node is stopped during
the outage and a new node process (a new :class:`Node` on the same state folder) starts.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from gpiozero.pins.mock import MockFactory
from sqlalchemy import select

from hub.demo.runner import Demo, SimulatedNode
from hub.mqtt.mosquitto import MosquittoProcess
from hub.storage.db import open_database
from hub.storage.models import ProcessedEvent
from shared.clock import SystemClock
from shared.render.panels import PANELS
from shared.wire import ButtonEvent
from signage_node.app import Node
from signage_node.display import PngDisplay
from signage_node.outbox import Outbox
from tests.reliability.conftest import running_demo, wait_until

#: More than the nodes' debounce (0.05 s), so every press counts.
PRESS_GAP_S = 0.15


@pytest.fixture
def system(tmp_path: Path) -> Iterator[Demo]:
    with running_demo(tmp_path, nodes=2) as demo:
        yield demo


def kill_broker(demo: Demo) -> MosquittoProcess:
    broker = demo.broker
    assert broker is not None
    broker.kill()
    for saved in broker.files.folder.glob("mosquitto.db*"):
        saved.unlink()  # nothing was saved: the hub's session goes with the broker
    return broker


def door_full(door: SimulatedNode) -> bool:
    view = door.node.last_view
    assert view is not None
    return view.full


def press(door: SimulatedNode) -> None:
    """Press the door's button and wait until the door shows the session's new state."""
    before = door_full(door)
    door.press()
    wait_until(lambda: door_full(door) != before, timeout=5)
    time.sleep(PRESS_GAP_S)


def waiting(door: SimulatedNode) -> list[ButtonEvent]:
    return Outbox.in_folder(door.node.settings.state_dir).events()


def session_full(demo: Demo, session_id: int) -> bool:
    with httpx.Client(base_url=demo.hub_url, timeout=10) as api:
        return bool(api.get(f"/api/v1/sessions/{session_id}").json()["full"])


def full_changes(demo: Demo, node_id: str, session_id: int) -> list[bool]:
    """The full flags the audit log shows the door's button setting, oldest first."""
    headers = {"Authorization": f"Bearer {demo.staff_token}"}
    with httpx.Client(base_url=demo.hub_url, headers=headers, timeout=10) as api:
        entries: list[dict[str, Any]] = api.get("/api/v1/audit", params={"limit": 1000}).json()
    return [
        bool(entry["after"]["full"])
        for entry in reversed(entries)
        if entry["actor"] == f"door node {node_id}"
        and entry["action"] == "session.full"
        and entry["target"] == f"session {session_id}"
    ]


def processed(demo: Demo, node_id: str) -> list[str]:
    database = open_database(f"sqlite:///{demo.options.out / 'hub.db'}", migrate=False)
    try:
        with database.transaction() as db:
            query = select(ProcessedEvent.event_id).where(ProcessedEvent.node_id == node_id)
            return list(db.scalars(query))
    finally:
        database.dispose()


def assert_applied_once(demo: Demo, door: SimulatedNode, pressed: list[ButtonEvent]) -> None:
    """Every press reached the hub and was applied once, in order; the door agrees."""
    (session_id,) = {event.session_id for event in pressed}
    assert session_id is not None
    expected = [event.full for event in pressed]
    wait_until(lambda: full_changes(demo, door.node_id, session_id) == expected, timeout=30)
    wait_until(lambda: waiting(door) == [], timeout=10)  # every event acknowledged
    assert full_changes(demo, door.node_id, session_id) == expected
    assert sorted(processed(demo, door.node_id)) == sorted(e.event_id for e in pressed)
    assert session_full(demo, session_id) is expected[-1]
    wait_until(lambda: door_full(door) is expected[-1] and door.node.settle(), timeout=10)


def test_presses_during_a_broker_outage_are_applied_once(system: Demo) -> None:
    door = system.nodes[0]
    broker = kill_broker(system)
    for _ in range(3):
        press(door)
    pressed = waiting(door)
    first = pressed[0].full
    assert [event.full for event in pressed] == [first, not first, first]
    assert door_full(door) is first

    broker.start()
    assert_applied_once(system, door, pressed)


def stop_door(door: SimulatedNode) -> None:
    door.node.stop()  # paho's memory of what it was sending goes with it
    door.pins.close()


def start_door_again(demo: Demo, index: int) -> SimulatedNode:
    """A new node in place of the stopped door ``index``: its settings, its state folder."""
    old = demo.nodes[index]
    settings = old.node.settings
    pins = MockFactory()
    node = Node(
        settings, clock=SystemClock(), display=PngDisplay(PANELS[old.panel], old.frame),
        pin_factory=pins,
    )  # fmt: skip
    new = SimulatedNode(old.node_id, old.room_id, old.panel, old.frame, node, pins,
                        settings.button_pin)  # fmt: skip
    demo.nodes[index] = new
    node.start()
    return new


def test_a_press_survives_a_node_restart_during_the_outage(system: Demo) -> None:
    door = system.nodes[0]
    broker = kill_broker(system)
    press(door)
    pressed = waiting(door)
    assert len(pressed) == 1

    stop_door(door)
    broker.start()
    restarted = start_door_again(system, 0)
    assert_applied_once(system, restarted, pressed)
