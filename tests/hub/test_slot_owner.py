"""One owner per slot: a room+slot is blocked or booked, never both, on SQLite and PostgreSQL.

The database enforces it (a ``slot_owners`` table with one row per taken room+slot, kept by
triggers), so two transactions that check at the same moment cannot both win: the race test
blocks and books one slot at once, over and over, and counts the times both succeeded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from hub import repo
from hub.errors import ConflictError
from hub.repo import layout
from hub.storage.db import Database, open_database
from hub.storage.models import BlockedSlot, Session
from tests.hub.conftest import Seeded, seed
from tests.postgres import postgres_server

RACES = 100


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/hub.db"
        return
    with postgres_server() as cluster:
        url = cluster.new_database()
        yield url
        cluster.drop_database(url)


@pytest.fixture
def seeded(database_url: str) -> Seeded:
    return seed(database_url)


@pytest.fixture
def database(database_url: str, seeded: Seeded) -> Iterator[Database]:
    opened = open_database(database_url)
    yield opened
    opened.dispose()


def both_at_once(first: Callable[[], object], second: Callable[[], object]) -> list[object]:
    """Run the two together (released by one barrier); each one's result or exception."""
    barrier = threading.Barrier(2)

    def run(work: Callable[[], object]) -> object:
        barrier.wait(timeout=10)
        try:
            return work()
        except Exception as exc:  # the caller counts who won
            return exc

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(run, [first, second]))


def test_blocking_and_booking_one_slot_at_once_never_both_win(
    database: Database, seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    slot_id = seeded.slot_ids[6]
    both = blocked = booked = 0

    def block() -> object:
        with database.transaction() as db:
            return repo.block_slot(db, "room-a", slot_id, "Keynote").id

    def book() -> object:
        with database.transaction() as db:
            return repo.add_session(db, "room-a", slot_id, "Card").id

    for _ in range(RACES):
        outcome = both_at_once(block, book)
        won = [isinstance(o, int) for o in outcome]
        assert all(isinstance(o, (int, ConflictError)) for o in outcome), outcome
        both += all(won)
        blocked += won[0] and not won[1]
        booked += won[1] and not won[0]
        _free(database, "room-a", slot_id)
    with capsys.disabled():
        name = database.engine.dialect.name
        print(f"\n{name}: {RACES} races: both {both}, block won {blocked}, booking won {booked}")
    assert both == 0
    assert blocked + booked == RACES


def _free(database: Database, room_id: str, slot_id: int) -> None:
    with database.transaction() as db:
        for block in repo.list_blocks(db, room_id):
            layout.unblock(db, block.id)
        for session in repo.list_sessions(db, room_id):
            repo.delete_session(db, session.id)


def test_the_database_refuses_a_block_on_a_booked_slot(database: Database, seeded: Seeded) -> None:
    """Even a write that skips the repository's checks cannot make a slot blocked and booked."""
    with database.transaction() as db:
        repo.add_session(db, "room-a", seeded.slot_ids[6], "Booked")
    with pytest.raises(IntegrityError), database.transaction() as db:
        db.add(BlockedSlot(room_id="room-a", slot_id=seeded.slot_ids[6], label="Sneaky"))
    with pytest.raises(IntegrityError), database.transaction() as db:
        db.add(Session(room_id="room-b", slot_id=seeded.blocked_slot_id, title="Sneaky",
                       status="scheduled"))  # fmt: skip


def test_a_cancelled_card_moved_or_deleted_card_frees_its_slot(
    database: Database, seeded: Seeded
) -> None:
    slot_id = seeded.slot_ids[6]
    with database.transaction() as db:
        session = repo.add_session(db, "room-a", slot_id, "Booked")
        repo.cancel_session(db, session.id)
        repo.block_slot(db, "room-a", slot_id, "Now blocked")  # cancelled: free
        block = repo.find_block(db, "room-a", slot_id)
        assert block is not None
        layout.unblock(db, block.id)
        repo.restore_session(db, session.id)
        repo.move_session(db, session.id, "room-a", seeded.slot_ids[7])
        repo.block_slot(db, "room-a", slot_id, "Blocked after the move")
    with pytest.raises(IntegrityError), database.transaction() as db:
        db.execute(text("UPDATE sessions SET slot_id = :slot WHERE id = :id"),
                   {"slot": slot_id, "id": session.id})  # fmt: skip
    with database.transaction() as db:
        repo.delete_session(db, session.id)
        repo.block_slot(db, "room-a", seeded.slot_ids[7], "Free after the delete")
        owners = db.execute(text("SELECT count(*) FROM slot_owners")).scalar()
        blocks = len(repo.list_blocks(db))
    assert owners == blocks  # every block owns its slot; no session holds one any more
