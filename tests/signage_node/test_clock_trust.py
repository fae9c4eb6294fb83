"""Time you can trust, or "Time unknown": a door believes its clock only when the hub's
heartbeats or NTP (this boot) vouch for it, and from the first heartbeat on reads hub time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from shared.clock import FakeClock
from shared.wire import HubStatus
from signage_node.cache import SnapshotCache
from signage_node.clock_trust import DoorClock, sync_flag_check
from signage_node.events import HubStatusArrived, LinkChanged, SnapshotArrived
from tests.signage_node.conftest import START, TITLES, LoopNode, snapshot

Start = Callable[..., LoopNode]


def test_the_door_clock_reads_hub_time_from_the_first_heartbeat(tmp_path: Path) -> None:
    system = FakeClock(START)
    flag = tmp_path / "synchronized"
    door = DoorClock(system, sync_flag_check(flag))
    assert (door.now(), door.source, door.trusted(), door.hub_now()) == (START, "none", False, None)
    flag.touch()  # timesyncd synchronised the clock
    assert (door.source, door.trusted()) == ("ntp", True)
    hub_at = START + timedelta(hours=5)
    assert door.heard_hub(hub_at) == 5 * 3600
    system.advance(30)
    assert door.now() == door.hub_now() == hub_at + timedelta(seconds=30)
    system.set(START - timedelta(days=1))  # the system clock steps: hub time does not move
    assert door.now() == hub_at + timedelta(seconds=30)
    assert door.source == "hub"


def test_no_flag_to_consult_trusts_the_system_clock() -> None:
    door = DoorClock(FakeClock(START), sync_flag_check(None))
    assert door.trusted()
    assert door.now() == START


def _heartbeat(door: LoopNode, hub_at_offset: timedelta) -> None:
    beat = HubStatus(state="online", at=door.clock.now() + hub_at_offset)
    door.deliver(LinkChanged(connected=True), HubStatusArrived(beat, live=True))
    assert door.node.settle()


def _view(door: LoopNode) -> tuple[str, str]:
    view = door.node.last_view
    assert view is not None
    return view.status, view.headline


def test_a_clock_hours_stale_says_time_unknown_until_a_heartbeat(
    loop_node: Start, tmp_path: Path
) -> None:
    """After a power cut the Pi restored 10:30, its time at shutdown; it is really 12:15. Its
    snapshot (published 10:25) does not show the clock is wrong: only the missing sync flag
    does. The hub's first heartbeat gives the right session."""
    door = loop_node(clock_sync_flag=tmp_path / "synchronized")
    door.deliver(SnapshotArrived("room-a", snapshot(1)))
    assert door.node.settle()
    assert _view(door)[0] == "time_unknown"  # not the 10:00 session the stale clock says
    door.move(600)
    assert _view(door)[0] == "time_unknown"
    _heartbeat(door, timedelta(hours=1, minutes=35))  # hub time 12:15
    assert _view(door) == ("session", TITLES[2])
    status = door.node.last_status
    assert status is not None
    assert status.clock_offset_s == -95 * 60  # the Pi's clock, as the fleet page shows it


def test_a_door_with_no_network_at_all(loop_node: Start, tmp_path: Path) -> None:
    """A reboot with no network: the cached snapshot, no hub, no NTP. "Time unknown" however
    long it waits, never a session for an unverified time; once timesyncd has synchronised
    the clock (the flag appears), the right session from the cache."""
    flag = tmp_path / "synchronized"
    SnapshotCache.for_room(tmp_path / "state", "room-a").save(snapshot(1))
    door = loop_node(clock_sync_flag=flag)
    assert door.node.settle()
    assert _view(door)[0] == "time_unknown"
    for _ in range(3):
        door.move(1800)  # 12:00 (the loop looks at the clock at least once a minute)
        assert _view(door)[0] == "time_unknown"
    flag.touch()
    door.move(60)
    assert _view(door) == ("session", TITLES[2])


def test_a_synchronised_door_follows_the_hubs_time_at_once(
    loop_node: Start, tmp_path: Path
) -> None:
    """NTP says the clock is right (10:30), the hub says 11:05: the hub wins at its first
    heartbeat, and the door redraws for 11:05 without waiting for a boundary."""
    flag = tmp_path / "synchronized"
    flag.touch()
    door = loop_node(clock_sync_flag=flag)
    door.deliver(SnapshotArrived("room-a", snapshot(1)))
    assert door.node.settle()
    assert _view(door) == ("session", TITLES[0])
    _heartbeat(door, timedelta(minutes=35))
    assert _view(door) == ("session", TITLES[1])
