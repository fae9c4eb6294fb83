"""Booking, moving, cancelling and deleting cards at random, against the real repository on a
real SQLite file, compared with a model of the board after every step."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from hub import repo
from hub.errors import ConflictError
from hub.mqtt.snapshots import Links, build_room_snapshot
from hub.storage.db import Database, open_database

ROOMS = ("room-a", "room-b", "room-c")
SLOTS = 4
BLOCKED = {("room-c", 1)}
AT = datetime(2027, 5, 15, 12, tzinfo=UTC)

rooms = st.sampled_from(ROOMS)
slot_indexes = st.integers(min_value=0, max_value=SLOTS - 1)


class Board(RuleBasedStateMachine):
    """The model: which scheduled card holds each room+slot, and which cards are cancelled."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.database: Database = open_database(self.database_url())
        with self.database.transaction() as db:
            repo.create_event(db, "Test", "UTC")
            self.slot_ids = [s.id for s in repo.add_day(db, date(2027, 5, 15), 9, 9 + SLOTS)]
            for room in ROOMS:
                repo.add_room(db, room, room.title())
            for room, slot in BLOCKED:
                repo.block_slot(db, room, self.slot_ids[slot], "Other event")
        self.placed: dict[tuple[str, int], int] = {}  # (room, slot index) -> session id
        self.cancelled: dict[int, tuple[str, int]] = {}

    def database_url(self) -> str:
        """Where the board lives: a SQLite file (tests/hub/test_postgres.py uses PostgreSQL)."""
        return f"sqlite:///{Path(self.folder.name) / 'h.db'}"

    def teardown(self) -> None:
        self.database.dispose()
        self.folder.cleanup()

    def free(self, key: tuple[str, int]) -> bool:
        return key not in self.placed and key not in BLOCKED

    @rule(room=rooms, slot=slot_indexes)
    def add(self, room: str, slot: int) -> None:
        try:
            with self.database.transaction() as db:
                session = repo.add_session(db, room, self.slot_ids[slot], f"Card {room} {slot}")
                new_id = session.id
        except ConflictError:
            assert not self.free((room, slot))
            return
        assert self.free((room, slot))
        self.placed[(room, slot)] = new_id

    @precondition(lambda self: bool(self.placed))
    @rule(data=st.data(), room=rooms, slot=slot_indexes)
    def move(self, data: st.DataObject, room: str, slot: int) -> None:
        key = data.draw(st.sampled_from(sorted(self.placed)))
        session_id = self.placed[key]
        try:
            with self.database.transaction() as db:
                repo.move_session(db, session_id, room, self.slot_ids[slot])
        except ConflictError:
            assert (room, slot) != key
            assert not self.free((room, slot))
            return
        assert (room, slot) == key or self.free((room, slot))
        del self.placed[key]
        self.placed[(room, slot)] = session_id

    @precondition(lambda self: bool(self.placed))
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.placed)))
        session_id = self.placed.pop(key)
        with self.database.transaction() as db:
            repo.cancel_session(db, session_id)
        self.cancelled[session_id] = key

    @precondition(lambda self: bool(self.cancelled))
    @rule(data=st.data())
    def restore(self, data: st.DataObject) -> None:
        session_id = data.draw(st.sampled_from(sorted(self.cancelled)))
        key = self.cancelled[session_id]
        try:
            with self.database.transaction() as db:
                repo.restore_session(db, session_id)
        except ConflictError:
            assert not self.free(key)
            return
        assert self.free(key)
        del self.cancelled[session_id]
        self.placed[key] = session_id

    @precondition(lambda self: bool(self.placed))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.placed)))
        with self.database.transaction() as db:
            repo.delete_session(db, self.placed.pop(key))

    @invariant()
    def database_matches_the_model(self) -> None:
        with self.database.transaction() as db:
            scheduled = {
                (s.room_id, self.slot_ids.index(s.slot_id)): s.id
                for s in repo.list_sessions(db)
                if s.status == "scheduled"
            }
        assert scheduled == self.placed
        assert not set(scheduled) & BLOCKED

    @invariant()
    def every_door_snapshot_is_valid_and_agrees(self) -> None:
        with self.database.transaction() as db:
            for room in ROOMS:
                snapshot = build_room_snapshot(db, room, Links("http://hub.test"), AT)
                for index, door_slot in enumerate(snapshot.slots):
                    key = (room, index)
                    if key in BLOCKED:
                        assert door_slot.kind == "blocked"
                    elif key in self.placed:
                        assert door_slot.kind == "session"
                        assert door_slot.session is not None
                        assert door_slot.session.id == self.placed[key]
                    else:
                        assert door_slot.kind in ("open", "moved", "cancelled")


TestBoard = Board.TestCase
TestBoard.settings = settings(max_examples=25, stateful_step_count=25, deadline=None)
