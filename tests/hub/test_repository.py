"""The repository functions the API, the worker and the demo call."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session as DbSession

from hub import repo
from hub.errors import ConflictError, InvalidError, NotFoundError
from hub.storage.db import open_database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[DbSession]:
    database = open_database(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        with database.transaction() as session:
            repo.create_event(session, "Test", "Europe/Berlin")
            yield session
    finally:
        database.dispose()


def test_add_day_skips_the_hour_that_daylight_saving_skips(db: DbSession) -> None:
    slots = repo.add_day(db, date(2027, 3, 28), 1, 4)  # Berlin: 02:00 becomes 03:00
    assert [s.start for s in slots] == [
        datetime(2027, 3, 28, 0, tzinfo=UTC),
        datetime(2027, 3, 28, 1, tzinfo=UTC),
    ]
    assert all(s.end - s.start == timedelta(hours=1) for s in slots)
    assert slots[0].start.tzinfo is UTC


def test_add_day_on_an_ordinary_day(db: DbSession) -> None:
    slots = repo.add_day(db, date(2027, 5, 15), 10, 12)
    assert [s.start for s in slots] == [
        datetime(2027, 5, 15, 8, tzinfo=UTC),
        datetime(2027, 5, 15, 9, tzinfo=UTC),
    ]
    assert [d.date for d in repo.list_days(db)] == [date(2027, 5, 15)]
    with pytest.raises(ConflictError):
        repo.add_day(db, date(2027, 5, 15), 10, 11)
    with pytest.raises(InvalidError):
        repo.add_day(db, date(2027, 5, 16), 12, 10)


def test_room_ids_must_fit_in_a_topic(db: DbSession) -> None:
    with pytest.raises(InvalidError, match="room id"):
        repo.add_room(db, "room/+", "Bad")
    repo.add_room(db, "room-1", "Room 1")
    with pytest.raises(ConflictError):
        repo.add_room(db, "room-1", "Again")


def test_only_one_event(db: DbSession) -> None:
    with pytest.raises(ConflictError):
        repo.create_event(db, "Second", "UTC")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "America", "A" * 300])
def test_unknown_time_zone(tmp_path: Path, zone: str) -> None:
    """A folder of the zone database or a name too long for a file is no zone either (ZoneInfo
    raises OSError for those, which was a 500)."""
    database = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        with pytest.raises(InvalidError, match="unknown time zone"), database.transaction() as db:
            repo.create_event(db, "Test", zone)
    finally:
        database.dispose()


def test_blocking_a_taken_slot_is_refused(db: DbSession) -> None:
    [slot] = repo.add_day(db, date(2027, 5, 15), 10, 11)
    repo.add_room(db, "room-1", "Room 1")
    repo.add_session(db, "room-1", slot.id, "Taken")
    with pytest.raises(ConflictError, match="has a session"):
        repo.block_slot(db, "room-1", slot.id, "Lunch")


def test_moving_back_removes_the_notice(db: DbSession) -> None:
    [slot] = repo.add_day(db, date(2027, 5, 15), 10, 11)
    repo.add_room(db, "room-1", "Room 1")
    repo.add_room(db, "room-2", "Room 2")
    session = repo.add_session(db, "room-1", slot.id, "Wandering")
    repo.move_session(db, session.id, "room-2")
    assert [n.session_id for n in repo.moved_notices(db, "room-1")] == [session.id]
    repo.move_session(db, session.id, "room-1")
    assert repo.moved_notices(db, "room-1") == []
    assert [n.session_id for n in repo.moved_notices(db, "room-2")] == [session.id]


def test_current_session_is_half_open(db: DbSession) -> None:
    first, second = repo.add_day(db, date(2027, 5, 15), 10, 12)
    repo.add_room(db, "room-1", "Room 1")
    one = repo.add_session(db, "room-1", first.id, "One")
    two = repo.add_session(db, "room-1", second.id, "Two")
    assert repo.current_session(db, "room-1", first.start) is one
    assert repo.current_session(db, "room-1", first.end) is two
    assert repo.current_session(db, "room-1", second.end) is None


def test_cancelled_sessions_cannot_be_full_or_moved(db: DbSession) -> None:
    [slot] = repo.add_day(db, date(2027, 5, 15), 10, 11)
    repo.add_room(db, "room-1", "Room 1")
    session = repo.add_session(db, "room-1", slot.id, "Gone")
    repo.cancel_session(db, session.id)
    with pytest.raises(InvalidError):
        repo.set_full(db, session.id, True, slot.start)
    with pytest.raises(ConflictError):
        repo.move_session(db, session.id, slot_id=slot.id)
    repo.restore_session(db, session.id)
    assert repo.set_full(db, session.id, True, slot.start).full


def test_full_means_on_now_and_full(db: DbSession) -> None:
    """Marking needs the session on; a move or a cancel clears the flag; clearing always works."""
    first, second = repo.add_day(db, date(2027, 5, 15), 10, 12)
    repo.add_room(db, "room-1", "Room 1")
    repo.add_room(db, "room-2", "Room 2")
    session = repo.add_session(db, "room-1", first.id, "Packed")
    with pytest.raises(ConflictError, match="not on now"):
        repo.set_full(db, session.id, True, first.start - timedelta(minutes=1))
    with pytest.raises(ConflictError, match="not on now"):
        repo.set_full(db, session.id, True, first.end)
    assert not repo.set_full(db, session.id, False, second.start).full
    assert repo.set_full(db, session.id, True, first.start).full
    assert not repo.move_session(db, session.id, "room-2").full
    assert repo.set_full(db, session.id, True, first.start).full
    assert not repo.move_session(db, session.id, slot_id=second.id).full
    assert repo.set_full(db, session.id, True, second.start).full
    assert not repo.cancel_session(db, session.id).full


def test_unknown_things(db: DbSession) -> None:
    with pytest.raises(NotFoundError, match="no room 'x'"):
        repo.get_room(db, "x")
    with pytest.raises(NotFoundError, match="no slot 9"):
        repo.get_slot(db, 9)
    with pytest.raises(NotFoundError, match="no session 9"):
        repo.get_session(db, 9)
