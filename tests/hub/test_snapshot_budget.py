"""A room's snapshot stays within its byte budget, far below the broker's packet limit.

The worst case is computed, not guessed: the costliest character in a snapshot's JSON after
normalisation (a sweep of every code point), every text field at its limit in that character,
the largest event we support (five days of 16 slots) with every slot holding a public card, the
most announcements a room snapshot carries, and the other slot kinds shown to be no bigger.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic_core import to_json

from hub import repo
from hub.api.schemas import SessionCreate
from hub.mqtt.mosquitto import MAX_PACKET_BYTES
from hub.mqtt.snapshot_budget import KEPT_SLOTS, LARGEST_EVENT_SLOTS, SNAPSHOT_BUDGET_BYTES, fit
from hub.mqtt.snapshots import ROOM_ANNOUNCEMENTS, Links, build_room_snapshot
from hub.storage.db import Database, open_database
from shared import wire
from shared.text import normalise

FIRST_DAY = date(2027, 5, 11)
#: A public URL longer than any venue's (the session URL is in every card).
LINKS = Links("https://open-spaces.conference-with-a-long-name.example.org/twenty-twenty-seven")
#: Bytes a slot may grow by when row ids reach 2**31 (10 digits for slot, session and URL).
ID_SLACK_PER_SLOT = 3 * 10


def json_cost(char: str) -> int:
    """Bytes ``char`` takes inside a JSON string as the hub encodes it."""
    return len(to_json(char)) - 2


@pytest.fixture(scope="module")
def worst_char() -> str:
    """The code point whose normalised form costs the most bytes per character."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    survivors = set(normalise(every, multiline=True))
    return max(sorted(survivors), key=json_cost)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'hub.db'}")
    yield database
    database.dispose()


def fill(database: Database, char: str) -> None:
    """The largest event, every room-a slot a public card at its limits, staff text maximal."""
    text = char * wire.TEXT_CHARS
    with database.transaction() as db:
        repo.create_event(db, text, "America/New_York", text)
        slots = [s for day in range(5) for s in repo.add_day(db, FIRST_DAY + timedelta(day), 8, 24)]
        assert len(slots) == LARGEST_EVENT_SLOTS
        repo.add_room(db, "room-a", text, location=text)
        repo.add_room(db, "room-b", text, location=text)
        for slot in slots:
            card = SessionCreate.model_validate({
                "room_id": "room-a", "slot_id": slot.id, "title": "\u202e\x00" * 50 + char * 120,
                "description": char * 1000, "host_name": char * 80, "host_handle": char * 80,
            })  # fmt: skip
            repo.add_session(db, "room-a", slot.id, card.title, card.description,
                             card.host_name, card.host_handle, full=True)  # fmt: skip
        for _ in range(ROOM_ANNOUNCEMENTS + 40):
            repo.add_announcement(db, char * wire.ANNOUNCEMENT_CHARS, room_id="room-a")


def slot_size(slot: wire.DoorSlot) -> int:
    return len(to_json(slot.model_dump(mode="json")))


def test_the_costliest_character_takes_four_bytes(worst_char: str) -> None:
    assert json_cost(worst_char) == 4
    for control in ("\x00", "\x1b", "\u202e", "\u2028", "\x7f", "\ufeff"):
        assert normalise(control) == ""  # would cost six bytes each as \\uXXXX


def other_kinds(database: Database, char: str, now: datetime) -> dict[str, int]:
    """JSON bytes of the biggest blocked, moved and cancelled slots (in room-b), with the
    same worst-case text: a moved card names its new room and slot as well."""
    with database.transaction() as db:
        slots = repo.list_slots(db)
        card = repo.list_sessions(db, "room-a")[0]
        repo.block_slot(db, "room-b", slots[0].id, char * 120)
        moved = repo.add_session(db, "room-b", slots[1].id, card.title, card.description,
                                 card.host_name, card.host_handle)  # fmt: skip
        cancelled = repo.add_session(db, "room-b", slots[2].id, card.title, card.description,
                                     card.host_name, card.host_handle)  # fmt: skip
        repo.cancel_session(db, cancelled.id)
        repo.delete_session(db, card.id)  # frees room-a's first slot for the move
        repo.move_session(db, moved.id, "room-a", slots[0].id)
        others = build_room_snapshot(db, "room-b", LINKS, now)
    kinds: dict[str, int] = {s.kind: slot_size(s) for s in others.slots[:3]}
    assert set(kinds) == {"blocked", "moved", "cancelled"}
    return kinds


def test_the_worst_case_public_input_fits_the_budget_far_below_the_broker_limit(
    database: Database, worst_char: str
) -> None:
    fill(database, worst_char)
    now = datetime(2027, 5, 11, 11, 30, tzinfo=UTC)
    with database.transaction() as db:
        snapshot = build_room_snapshot(db, "room-a", LINKS, now, version=2**62)
    assert [s.kind for s in snapshot.slots] == ["session"] * LARGEST_EVENT_SLOTS
    assert len(snapshot.announcements) == ROOM_ANNOUNCEMENTS
    card = max(slot_size(s) for s in snapshot.slots)
    kinds = {"session": card, **other_kinds(database, worst_char, now)}
    # Every slot as the biggest kind, every row id at ten digits.
    per_slot = max(kinds.values()) - card + ID_SLACK_PER_SLOT
    worst = len(wire.encode(snapshot)) + per_slot * LARGEST_EVENT_SLOTS
    print(f"slot kinds (bytes): {kinds}; worst-case room snapshot: {worst} bytes; budget "
          f"{SNAPSHOT_BUDGET_BYTES}; broker max_packet_size {MAX_PACKET_BYTES}")  # fmt: skip
    assert worst <= SNAPSHOT_BUDGET_BYTES
    assert SNAPSHOT_BUDGET_BYTES <= MAX_PACKET_BYTES * 2 // 3
    assert fit(snapshot, SNAPSHOT_BUDGET_BYTES, now)[1].trimmed is False


def test_a_snapshot_over_its_budget_is_trimmed_from_the_far_end_never_now_or_next(
    database: Database, worst_char: str
) -> None:
    fill(database, worst_char)
    now = datetime(2027, 5, 12, 14, 30, tzinfo=UTC)  # day two, 10:30 in New York
    with database.transaction() as db:
        snapshot = build_room_snapshot(db, "room-a", LINKS, now)
    upcoming = [s.slot_id for s in snapshot.slots if s.end > now][:KEPT_SLOTS]
    trimmed, trim = fit(snapshot, 20_000, now)
    assert len(wire.encode(trimmed)) <= 20_000
    assert trim.trimmed
    assert trim.fits
    assert trim.past_slots == sum(1 for s in snapshot.slots if s.end <= now)
    assert trim.future_slots > 0
    assert [s.slot_id for s in trimmed.slots[:KEPT_SLOTS]] == upcoming
    assert trimmed.hash == wire.content_hash(trimmed)
    alone, cannot = fit(snapshot, 500, now)
    assert not cannot.fits
    assert [s.slot_id for s in alone.slots] == upcoming
    assert "cannot be trimmed" in cannot.describe()
