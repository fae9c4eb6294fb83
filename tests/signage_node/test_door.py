"""The door a node keeps (LED and glass), driven in-process: a fake clock, gpiozero mock pins, the
real renderer, a panel the test holds or fails, and a loopback link playing the hub."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from shared.render import NodeContext, frame_hash, render_door
from shared.wire import HubStatus, NodeCommand
from signage_node.events import (
    AddressFound,
    CommandArrived,
    HubStatusArrived,
    LinkChanged,
    SnapshotArrived,
)
from signage_node.hardware import BLINKS, LedPattern
from tests.signage_node.conftest import (
    DAY,
    PANEL,
    TITLES,
    GatedPanel,
    LoopNode,
    snapshot,
    wait_until,
)

Start = Callable[..., LoopNode]


def online(door: LoopNode, *, skew_s: float = 0.0) -> None:
    """The link comes up and the hub beats, with its clock ``skew_s`` behind the node's."""
    beat = HubStatus(state="online", at=door.clock.now() - timedelta(seconds=skew_s))
    door.deliver(LinkChanged(connected=True), HubStatusArrived(beat, live=True))


def shows(door: LoopNode) -> str:
    """The status of the door's last view."""
    assert door.node.last_view is not None
    return door.node.last_view.status


def suggests(door: LoopNode) -> tuple[str, ...]:
    assert door.node.last_view is not None
    return door.node.last_view.also_on_now


def levels(door: LoopNode) -> list[bool]:
    pin = door.pins.pin(door.node.settings.led_pin)
    states = [bool(s.state) for s in pin.states]
    return [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]]


def test_the_led_answers_a_press_while_the_panel_is_busy(loop_node: Start) -> None:
    door = loop_node()
    door.deliver(SnapshotArrived("room-a", snapshot(1)))
    assert door.node.settle()
    door.panel.gate.clear()
    door.press()
    wait_until(lambda: door.led, timeout=2)  # lit at once...
    assert door.panel.started.acquire(timeout=5)  # ...while the refresh is still running
    assert len(door.panel.shown) == 2
    door.panel.gate.set()
    assert door.node.settle()
    assert door.panel.shown[-1] == frame_hash(
        render_door(snapshot(1, full=True), door.clock.now(), PANEL, NodeContext("door-1"))
    )


def test_updates_during_a_refresh_cost_one_more(loop_node: Start) -> None:
    panel = GatedPanel()
    panel.gate.clear()
    door = loop_node(panel)
    assert panel.started.acquire(timeout=5)  # "waiting for hub" is going onto the glass
    for version in (1, 2, 3):
        door.deliver(SnapshotArrived("room-a", snapshot(version, titles=(f"Take {version}",))))
    wait_until(lambda: door.node.last_view is not None and door.node.last_view.headline == "Take 3")
    panel.gate.set()
    assert door.node.settle()
    assert len(panel.shown) == 2
    latest = render_door(snapshot(3, titles=("Take 3",)), door.clock.now(), PANEL,
                         NodeContext("door-1"))  # fmt: skip
    assert panel.shown[-1] == frame_hash(latest)


def test_refreshes_keep_the_minimum_interval(loop_node: Start) -> None:
    door = loop_node(min_refresh_interval_s=60)
    assert door.node.settle()
    door.deliver(SnapshotArrived("room-a", snapshot(1)))
    assert door.node.settle()
    assert len(door.panel.shown) == 1  # held back: the first refresh started 0 s ago
    assert door.node.next_wake_mono == 60.0
    door.move(59)
    assert len(door.panel.shown) == 1
    door.move(1)
    assert len(door.panel.shown) == 2


def test_the_refresh_starts_one_lead_before_the_boundary(loop_node: Start) -> None:
    door = loop_node(refresh_lead_s=30)
    door.deliver(SnapshotArrived("room-a", snapshot(1)))
    assert door.node.settle()
    eleven = DAY + timedelta(hours=11)
    door.move((eleven - door.clock.now()).total_seconds() - 31)
    online(door)
    assert door.node.settle()  # the heartbeat sets the door's time: before the clock moves on
    assert door.node.last_view is not None
    assert door.node.last_view.headline == TITLES[0]
    door.move(1)
    assert door.node.last_view.headline == TITLES[1]  # drawn for 11:00, half a minute early
    assert door.panel.shown[-1] == frame_hash(
        render_door(snapshot(1), eleven, PANEL, NodeContext("door-1"))
    )
    shown = len(door.panel.shown)
    door.move(31)  # 11:00 itself: the LED may change, the glass has nothing new to show
    assert len(door.panel.shown) == shown


def test_a_failing_panel_is_retried_and_reported(loop_node: Start) -> None:
    panel = GatedPanel()
    door = loop_node(panel)
    assert door.node.settle()
    panel.failures = 2
    door.deliver(SnapshotArrived("room-a", snapshot(1)))
    assert door.node.settle()
    status = door.node.last_status
    assert status is not None
    assert (status.last_error, status.frame_hash) == ("display: OSError: SPI timeout", None)
    assert len(panel.shown) == 1
    door.move(5)  # the first retry, after 5 s, fails too
    assert len(panel.shown) == 1
    door.move(29)
    assert len(panel.shown) == 1
    door.move(1)  # the second retry, 30 s later, gets through
    assert len(panel.shown) == 2
    status = door.node.last_status
    assert status is not None
    assert status.frame_hash == panel.shown[-1]
    assert status.last_error == "display: OSError: SPI timeout"  # the last error stays known


def test_a_clock_far_from_the_hubs_reads_hub_time(loop_node: Start) -> None:
    """The node's clock says 10:30, the hub's 11:30: the door shows the 11:00 session."""
    door = loop_node()
    door.deliver(SnapshotArrived("room-a", snapshot(1)))
    online(door, skew_s=-3600)
    assert door.node.settle()
    assert door.node.last_view is not None
    assert (shows(door), door.node.last_view.headline) == ("session", TITLES[1])
    status = door.node.last_status
    assert status is not None
    assert status.clock_offset_s == -3600


def test_a_hold_shows_diagnostics_until_the_next_press(loop_node: Start) -> None:
    door = loop_node()
    door.deliver(SnapshotArrived("room-a", snapshot(1)), AddressFound("192.0.2.7"))
    online(door)
    assert door.node.settle()
    button = door.pins.pin(door.node.settings.button_pin)
    button.drive_low()

    def diagnostic() -> bool:
        return door.node.last_view is not None and door.node.last_view.status == "diagnostic"

    wait_until(diagnostic, timeout=5)
    button.drive_high()
    assert door.node.settle()
    assert door.node.last_view is not None
    facts = dict(door.node.last_view.facts)
    assert facts == {
        "Node": "door-1", "Room": "room-a", "IP": "192.0.2.7", "Hub": "connected",
        "Software": facts["Software"], "Snapshot": "v1 · epoch-1",
    }  # fmt: skip
    door.move(3600)  # it stays up, whatever the time
    assert diagnostic()
    online(door)
    door.press()
    assert door.node.settle()
    assert door.node.last_view is not None
    assert door.node.last_view.headline == TITLES[1]
    assert not door.led  # neither gesture marked anything full


def test_the_hub_confirming_a_press_flashes_the_led_once(loop_node: Start) -> None:
    door = loop_node()
    door.deliver(SnapshotArrived("room-a", snapshot(1)))
    online(door)
    assert door.node.settle()
    door.press()
    assert door.node.settle()
    assert levels(door) == [False, True]
    door.deliver(SnapshotArrived("room-b", snapshot(2, room_id="room-b", full=True)))
    assert door.node.settle()
    door.deliver(SnapshotArrived("room-a", snapshot(3, full=True)))  # the hub applied the press
    assert door.node.settle()
    wait_until(lambda: levels(door) == [False, True, False, True], timeout=2)
    door.deliver(SnapshotArrived("room-a", snapshot(4, full=True, titles=("Again",))))
    assert door.node.settle()
    time.sleep(0.4)
    assert levels(door) == [False, True, False, True]  # one flash per press


def test_a_confirmation_that_changes_the_led_still_flashes(loop_node: Start) -> None:
    door = loop_node()
    door.deliver(SnapshotArrived("room-a", snapshot(1)))
    assert door.node.settle()
    door.press()
    door.deliver(SnapshotArrived("room-a", snapshot(2)))  # published before the hub saw it
    assert door.node.settle()
    assert levels(door) == [False, True, False]
    door.deliver(SnapshotArrived("room-a", snapshot(3, full=True)))
    assert door.node.settle()
    wait_until(lambda: levels(door) == [False, True, False, True, False, True], timeout=2)


def test_a_lost_hub_blinks_the_led_slowly(loop_node: Start) -> None:
    door = loop_node(offline_after_beats=3)
    door.deliver(SnapshotArrived("room-a", snapshot(1, full=True)))
    online(door)
    assert door.node.settle()
    assert door.led
    door.move(31)  # three missed heartbeats
    assert door.node.last_view is not None
    assert "offline since" in door.node.last_view.footer
    on_s, off_s = BLINKS[LedPattern.OFFLINE_FULL]
    wait_until(lambda: levels(door)[-3:] == [True, False, True], timeout=2 * (on_s + off_s) + 1)
    online(door)
    assert door.node.settle()
    assert door.led
    settled = len(door.pins.pin(door.node.settings.led_pin).states)
    time.sleep(off_s + 0.2)
    assert len(door.pins.pin(door.node.settings.led_pin).states) == settled  # steady again


def test_identify_blinks_fast_and_a_stale_command_is_ignored(loop_node: Start) -> None:
    door = loop_node()
    door.deliver(SnapshotArrived("room-a", snapshot(1)))
    online(door)
    assert door.node.settle()
    issued = door.clock.now() - timedelta(minutes=5)
    stale = NodeCommand(id="old", command="identify", issued_at=issued, duration_s=60)
    door.deliver(CommandArrived(stale))
    assert door.node.settle()
    assert shows(door) == "session"
    fresh = NodeCommand(id="new", command="identify", issued_at=door.clock.now(), duration_s=60)
    door.deliver(CommandArrived(fresh))
    assert door.node.settle()
    assert shows(door) == "identify"
    wait_until(lambda: levels(door)[-4:] == [True, False, True, False], timeout=2)
    door.move(60)
    assert shows(door) == "session"
    assert not door.led


def test_a_refresh_command_redraws_an_unchanged_frame(loop_node: Start) -> None:
    door = loop_node()
    door.deliver(SnapshotArrived("room-a", snapshot(1)))
    assert door.node.settle()
    shown = list(door.panel.shown)
    command = NodeCommand(id="r", command="refresh", issued_at=door.clock.now())
    door.deliver(CommandArrived(command))
    assert door.node.settle()
    assert door.panel.shown == [*shown, shown[-1]]


def test_a_full_room_suggests_the_rooms_with_space(loop_node: Start) -> None:
    door = loop_node()
    door.deliver(
        SnapshotArrived("room-a", snapshot(1, full=True)),
        SnapshotArrived("room-b", snapshot(2, room_id="room-b")),
        SnapshotArrived("room-c", snapshot(3, room_id="room-c", full=True)),
    )
    assert door.node.settle()
    assert suggests(door) == ("Room B",)
    shown = len(door.panel.shown)
    door.deliver(SnapshotArrived("room-b", snapshot(4, room_id="room-b", full=True)))
    assert door.node.settle()
    assert suggests(door) == ()
    assert len(door.panel.shown) == shown + 1


def test_a_press_in_the_last_seconds_concerns_the_session_on_the_door(loop_node: Start) -> None:
    door = loop_node(refresh_lead_s=30)
    door.deliver(SnapshotArrived("room-a", snapshot(1)))
    online(door)
    assert door.node.settle()
    door.move((DAY + timedelta(hours=11) - door.clock.now()).total_seconds() - 10)
    online(door)
    assert door.node.settle()
    door.press()
    assert door.node.settle()
    assert [e.session_id for e in door.link.events] == [101]  # the 11:00 session, on the glass
    assert door.led
