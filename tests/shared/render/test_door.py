"""The words on a door, for every state a room can be in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.render import NodeContext, door_view
from shared.render.samples import STATES, sample_scene, sample_snapshot

EXPECTED = {
    "session": "session", "full": "session", "offline": "session", "open": "open",
    "between": "between", "moved": "moved", "cancelled": "cancelled", "blocked": "blocked",
    "unicode": "session", "after_day": "after_day", "before_day": "before_day",
    "before": "before", "after": "after", "waiting": "waiting", "time_unknown": "time_unknown",
    "identify": "identify", "diagnostic": "diagnostic",
}  # fmt: skip


@pytest.mark.parametrize("state", STATES)
def test_every_sample_state_reads_as_itself(state: str) -> None:
    scene = sample_scene(state)
    view = door_view(scene.snapshot, scene.at, scene.context)
    assert view.status == EXPECTED[state]


def test_a_session_names_topic_host_handle_and_next() -> None:
    scene = sample_scene("session")
    view = door_view(scene.snapshot, scene.at, scene.context)
    assert view.headline.startswith("Packaging Python")
    assert view.host == "Ana Lúcia Pereira · @analucia@fosstodon.org"
    assert view.when == "10:00–11:00"
    assert view.next_line == "Next 11:00: Open — add yours"
    assert view.qr_url == "https://openspaces.example.org/s/101"
    assert not view.full
    assert view.also_on_now == ()


def test_full_suggests_other_rooms() -> None:
    scene = sample_scene("full")
    view = door_view(scene.snapshot, scene.at, scene.context)
    assert view.full
    assert view.also_on_now == ("Room 302", "Room 305")


def test_open_slot_links_to_adding_a_card_for_that_slot() -> None:
    scene = sample_scene("open")
    view = door_view(scene.snapshot, scene.at, scene.context)
    assert view.headline == "Open — add yours"
    assert view.qr_url == "https://openspaces.example.org/add?room=room-301&slot=111"


def test_moved_cancelled_blocked() -> None:
    for state, headline, detail in (
        ("moved", "Moved to Room 302", "Mentoring first-time contributors"),
        ("cancelled", "Cancelled", "Async database drivers"),
        ("blocked", "PyLadies auction setup", "Reserved for another event"),
    ):
        scene = sample_scene(state)
        view = door_view(scene.snapshot, scene.at, scene.context)
        assert (view.headline, view.detail) == (headline, detail)


def test_day_and_event_edges() -> None:
    for state, headline, next_line in (
        ("before", "Open Spaces start Fri 10:00", "Next 10:00: Packaging"),
        ("before_day", "Today from 10:00", "Next 10:00: Packaging"),
        ("after_day", "Done for today", "Next Sat 10:00: Packaging"),
        ("between", "Free until 13:00", "Next 13:00: Moved to Room 302"),
        ("after", "That's all — thank you!", ""),
    ):
        scene = sample_scene(state)
        view = door_view(scene.snapshot, scene.at, scene.context)
        assert view.headline == headline
        assert view.next_line.startswith(next_line)


def test_banner_and_offline_footer() -> None:
    scene = sample_scene("between")
    assert door_view(scene.snapshot, scene.at, scene.context).banner.startswith("Lunch")
    scene = sample_scene("offline")
    view = door_view(scene.snapshot, scene.at, scene.context)
    assert view.offline == "Offline since 09:30"
    assert view.footer == "Updated Fri 07:58 · offline since 09:30"


def test_waiting_and_identify_show_the_node_id() -> None:
    view = door_view(None, datetime.now(UTC), NodeContext(node_id="door-7"))
    assert (view.status, view.room, view.headline) == ("waiting", "door-7", "Waiting for hub")
    view = door_view(sample_snapshot(), datetime.now(UTC), NodeContext("door-7", identify=True))
    assert (view.status, view.headline) == ("identify", "door-7")


def test_a_node_without_a_room_says_not_assigned() -> None:
    context = NodeContext(node_id="door-7", assigned=False)
    view = door_view(None, datetime.now(UTC), context)
    assert (view.status, view.room, view.headline) == ("not_assigned", "door-7", "Not assigned")
    assert "fleet page" in view.detail


@pytest.mark.parametrize(
    "at",
    [
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2025, 5, 16, 11, 0, tzinfo=UTC),  # an hour before the snapshot was published
        datetime(2031, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
    ],
)
def test_a_clock_that_cannot_be_right_never_shows_a_session(at: datetime) -> None:
    snapshot = sample_snapshot()
    view = door_view(snapshot, at, NodeContext())
    assert view.status == "time_unknown"
    assert view.headline == "Time unknown"
    assert view.qr_url == "https://openspaces.example.org/rooms/room-301"


def test_an_untrusted_clock_says_so_even_mid_session() -> None:
    scene = sample_scene("session")
    view = door_view(scene.snapshot, scene.at, NodeContext("door-1", clock_trusted=False))
    assert view.status == "time_unknown"


def test_diagnostics_list_their_facts() -> None:
    scene = sample_scene("diagnostic")
    view = door_view(scene.snapshot, scene.at, scene.context)
    assert ("Hub", "connected") in view.facts
