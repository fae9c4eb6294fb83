from __future__ import annotations

from datetime import timedelta

import pytest

from shared.wire import HubStatus
from signage_node import state as state_module
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


def test_silence_counts_from_the_last_heartbeat_not_from_a_late_noticed_link_loss() -> None:
    state = door()
    state.link_changed(True, 1.0, START)
    state.hub_status(online(), 1.0, START)
    # A frozen broker is noticed by paho only after 1.5 keepalives.
    state.link_changed(False, 23.5, START + timedelta(seconds=23.5))
    state.hub_status(online(), 24.0, START)  # cannot really arrive, but must not revive contact
    assert state.offline_since(30.5) is None
    assert state.offline_since(31.5) == START


def test_no_hub_ever_is_offline_since_start() -> None:
    state = door()
    assert state.offline_since(29.0) is None
    assert state.offline_since(31.0) == START
    assert state.context(31.0, START).offline_since == START


def test_the_hubs_offline_will_starts_the_silence() -> None:
    state = door()
    state.link_changed(True, 0.0, START)
    state.hub_status(online(), 1.0, START)
    state.hub_status(HubStatus(state="offline"), 5.0, START + timedelta(seconds=5))
    assert state.offline_since(34.0) is None
    assert state.offline_since(36.0) == START + timedelta(seconds=5)


def test_clock_offset_from_live_heartbeats_only() -> None:
    state = door()
    state.hub_status(online(), 0.0, START + timedelta(hours=3), live=False)  # the broker's copy
    assert state.clock_offset_s is None
    state.hub_status(online(), 0.0, START + timedelta(seconds=2))
    assert state.clock_offset_s == 2.0


def test_a_clock_without_a_source_or_before_the_snapshot_is_not_trusted() -> None:
    state = door()
    assert state.clock_trusted(START)  # synchronised, nothing to compare with yet
    state.offer_snapshot("room-a", snapshot(1))  # published at START - 5 min
    assert state.clock_trusted(START - timedelta(minutes=7))
    assert not state.clock_trusted(START - timedelta(minutes=9))
    assert not state.context(0.0, START - timedelta(minutes=9)).clock_trusted
    state.hub_status(online(), 0.0, START + timedelta(minutes=4))
    assert state.clock_trusted(START)  # the door reads hub time: an offset is corrected
    state.clock_synced = False  # no heartbeat and no NTP this boot
    assert not state.clock_trusted(START)
    assert not state.context(0.0, START).clock_trusted


def test_identify_lasts_its_duration() -> None:
    state = door()
    state.identify(10.0, 5.0)
    assert state.context(12.0, START).identify
    assert state.next_deadline(12.0) == 15.0
    assert not state.context(15.0, START).identify
    state.diagnostic = True  # the diagnostic frame is the node's business, not identify
    assert not state.context(15.0, START).identify


def test_other_rooms_are_kept_newest_first_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state_module, "MAX_OTHER_ROOMS", 2)
    state = door()
    assert state.offer_other("room-b", snapshot(3, room_id="room-b"))
    assert not state.offer_other("room-b", snapshot(2, room_id="room-b"))
    assert state.offer_other("room-c", snapshot(1, room_id="room-c"))
    assert not state.offer_other("room-d", snapshot(1, room_id="room-d"))
    assert sorted(state.others) == ["room-b", "room-c"]


def test_moving_to_a_room_takes_the_newest_of_cache_and_memory() -> None:
    state = door()
    state.offer_snapshot("room-a", snapshot(1))
    state.offer_other("room-b", snapshot(6, room_id="room-b"))
    assert state.move_to_room("room-b", snapshot(4, room_id="room-b"))
    assert state.snapshot is not None
    assert state.snapshot.version == 6
    assert "room-a" in state.others  # the room it left now feeds "also on now"
    assert state.move_to_room("room-a", None)
    assert state.snapshot is not None
    assert state.snapshot.version == 1
