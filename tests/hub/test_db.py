"""The database: migrations, SQLite pragmas, the constraints the schema enforces, and the two
kinds of unit of work (reads never wait for a writer; nothing nests)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from hub import repo
from hub.errors import NestedTransactionError
from hub.storage.db import MIGRATIONS, Database, open_database
from hub.storage.models import Room, Session
from tests.hub.conftest import seed


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    seed(url)
    opened = open_database(url)
    yield opened
    opened.dispose()


class HeldWrite:
    """A write transaction on another thread that adds room-c and holds the write lock until
    :meth:`finish` (as a slow staff change would)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.holding = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._run, name="held-write")

    def __enter__(self) -> HeldWrite:
        self.thread.start()
        assert self.holding.wait(10), "the writer did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(10)

    def _run(self) -> None:
        with self.database.transaction() as db:
            repo.add_room(db, "room-c", "Room C")
            db.flush()
            self.holding.set()
            self.release.wait(30)


def test_migrations_create_the_schema_and_run_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'hub.db'}"
    open_database(url).dispose()
    database = open_database(url)
    try:
        with database.transaction() as db:
            revision = db.execute(text("SELECT version_num FROM alembic_version")).scalar()
            assert revision == _head_revision()
            assert repo.next_version(db) == 1
            assert db.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert db.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert db.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    finally:
        database.dispose()


def _head_revision() -> str | None:
    """The one head of the migration chain (two heads would be a merge mistake)."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def test_at_most_one_scheduled_session_per_room_and_slot(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    seeded = seed(url)
    database = open_database(url)
    try:
        with database.transaction() as db:
            first = repo.add_session(db, "room-a", seeded.slot_ids[0], "First")
            repo.cancel_session(db, first.id)
            repo.add_session(db, "room-a", seeded.slot_ids[0], "Second")
        with pytest.raises(IntegrityError), database.transaction() as db:
            db.add(Session(room_id="room-a", slot_id=seeded.slot_ids[0], title="Sneaky"))
    finally:
        database.dispose()


def test_the_version_counter_is_monotonic_across_transactions(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        versions = []
        for _ in range(3):
            with database.transaction() as db:
                versions.append(repo.next_version(db))
        abandoned = database.transaction()
        db = abandoned.__enter__()
        repo.next_version(db)
        abandoned.__exit__(RuntimeError, RuntimeError("rolled back"), None)
        with database.transaction() as db:
            versions.append(repo.next_version(db))
        assert versions == [1, 2, 3, 4]
    finally:
        database.dispose()


def test_reads_go_on_while_a_write_holds_the_lock(database: Database) -> None:
    with HeldWrite(database) as writer:
        with database.reading() as db:
            rooms = [room.id for room in repo.list_rooms(db)]
        assert writer.thread.is_alive()
        assert not writer.release.is_set()
    assert rooms == ["room-a", "room-b"], "a read sees only what is committed"
    with database.reading() as db:
        assert [room.id for room in repo.list_rooms(db)] == ["room-a", "room-b", "room-c"]


def test_a_write_takes_the_lock_at_once_and_a_read_does_not(database: Database) -> None:
    """BEGIN IMMEDIATE: a second writer queues before the first has written anything (the
    transaction begins at the session's first statement)."""
    path = database.engine.url.database
    assert path is not None
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with database.reading() as db:
            repo.find_event(db)
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        with database.transaction() as db:
            repo.find_event(db)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def test_a_read_cannot_write(database: Database) -> None:
    with database.reading() as db:
        db.add(Room(id="room-z", name="Sneaky", position=9))
        with pytest.raises(OperationalError, match="readonly"):
            db.flush()
    with database.transaction() as db:
        repo.add_room(db, "room-z", "Allowed")


@pytest.mark.parametrize("outer", ["transaction", "reading"])
@pytest.mark.parametrize("inner", ["transaction", "reading"])
def test_a_unit_of_work_inside_another_is_refused(
    database: Database, outer: str, inner: str
) -> None:
    refused = pytest.raises(NestedTransactionError, match=f"{inner} opened inside a {outer}")
    with getattr(database, outer)(), refused, getattr(database, inner)():
        pass
    with database.transaction() as db:
        assert repo.find_event(db) is not None, "the guard left the thread usable"


def test_without_the_strict_guard_a_nested_read_is_logged(
    database: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(Database, "strict_nesting", False)
    with caplog.at_level(logging.ERROR, "hub.db"), database.reading(), database.reading() as db:
        assert repo.find_event(db) is not None
    assert "reading opened inside a reading" in caplog.text


def test_other_threads_are_not_nested(database: Database) -> None:
    seen: list[int] = []

    def read() -> None:
        with database.reading() as db:
            seen.append(len(repo.list_rooms(db)))

    with database.reading():
        other = threading.Thread(target=read)
        other.start()
        other.join(10)
    assert seen == [2]
