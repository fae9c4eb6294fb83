from __future__ import annotations

from datetime import timedelta

from shared.wire import HubStatus
from signage_node.state import DoorState
from tests.signage_node.conftest import START, snapshot


def door(room_id: str | None = "room-a") -> DoorState:
    return DoorState("door-1", room_id, offline_after_beats=3, started_mono=0.0, started_at=START)


def online(beat: float = 10.0) -> HubStatus:
    return HubStatus(state="online", at=START, heartbeat_s=beat)


def test_only_newer_snapshots_of_its_room_apply() -> None:
    state = door()
    assert state.offer_snapshot("room-a", snapshot(2))
    assert not state.offer_snapshot("room-a", snapshot(2))
    assert not state.offer_snapshot("room-a", snapshot(1))
    assert not state.offer_snapshot("room-b", snapshot(9, room_id="room-b"))
    assert state.offer_snapshot("room-a", snapshot(1, epoch="epoch-2"))
    assert state.snapshot is not None
    assert state.snapshot.epoch == "epoch-2"


def test_a_press_flips_full_locally_until_the_hub_answers() -> None:
    state = door()
    state.offer_snapshot("room-a", snapshot(1))
    toggle = state.toggle_full(START)
    assert toggle is not None
    assert (toggle.room_id, toggle.session_id, toggle.full, toggle.snapshot_version) == (
        "room-a", 100, True, 1,
    )  # fmt: skip
    assert state.current_full(START)
    shown = state.shown_snapshot()
    assert shown is not None
    assert shown.slots[0].session is not None
    assert shown.slots[0].session.full
    assert state.snapshot is not None
    assert state.snapshot.slots[0].session is not None
    assert not state.snapshot.slots[0].session.full  # the hub's copy is untouched

    state.offer_snapshot("room-a", snapshot(2))
    assert not state.current_full(START)


def test_no_session_on_now_nothing_to_toggle() -> None:
    state = door()
    assert state.toggle_full(START) is None
    state.offer_snapshot("room-a", snapshot(1))
    assert state.toggle_full(START + timedelta(hours=8)) is None


def test_moving_room_starts_from_that_rooms_cache() -> None:
    state = door()
    state.offer_snapshot("room-a", snapshot(1))
    assert state.move_to_room("room-b", snapshot(4, room_id="room-b"))
    assert state.snapshot is not None
    assert state.snapshot.version == 4
    assert not state.move_to_room("room-b", None)
    assert state.move_to_room("room-c", snapshot(4, room_id="room-b"))
    assert state.snapshot is None


def test_the_hub_is_lost_after_missed_heartbeats() -> None:
    state = door()
    state.link_changed(True, 1.0, START)
    state.hub_status(online(beat=5.0), 2.0, START + timedelta(seconds=2))
    assert state.offline_since(16.9) is None
    assert state.next_deadline(3.0) == 17.0
    assert state.offline_since(17.1) == START + timedelta(seconds=2)
    state.hub_status(online(beat=5.0), 20.0, START + timedelta(seconds=20))
    assert state.offline_since(21.0) is None


def test_a_lost_link_counts_from_the_moment_it_dropped() -> None:
    state = door()
    state.link_changed(True, 1.0, START)
    state.hub_status(online(), 1.0, START)
    state.link_changed(False, 12.0, START + timedelta(seconds=12))
    state.hub_status(online(), 13.0, START)  # cannot really arrive, but must not revive contact
    assert state.offline_since(42.5) == START + timedelta(seconds=12)


def test_no_hub_ever_is_offline_since_start() -> None:
    state = door()
    assert state.offline_since(29.0) is None
    assert state.offline_since(31.0) == START
    assert state.context(31.0).offline_since == START


def test_the_hubs_offline_will_starts_the_silence() -> None:
    state = door()
    state.link_changed(True, 0.0, START)
    state.hub_status(online(), 1.0, START)
    state.hub_status(HubStatus(state="offline"), 5.0, START + timedelta(seconds=5))
    assert state.offline_since(34.0) is None
    assert state.offline_since(36.0) == START + timedelta(seconds=5)


def test_clock_offset_from_the_hubs_heartbeat() -> None:
    state = door()
    state.hub_status(online(), 0.0, START + timedelta(seconds=2))
    assert state.clock_offset_s == 2.0


def test_identify_and_diagnostic_show_the_node_id() -> None:
    state = door()
    state.identify(10.0, 5.0)
    assert state.context(12.0).identify
    assert state.next_deadline(12.0) == 15.0
    assert not state.context(15.0).identify
    state.diagnostic = True
    assert state.context(99.0).identify
