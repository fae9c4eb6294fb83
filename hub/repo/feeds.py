"""Read-only SQL for the public feeds: the whole board as plain, immutable values.

:func:`load_board` reads the event, rooms, slots and sessions in one transaction and returns a
:class:`Board` of frozen dataclasses, so the feed builders (``hub.feeds``) are pure functions
that never touch the database or lazy-load anything after the transaction ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import contains_eager

from hub.repo.publishing import COUNTER_ROW
from hub.repo.schedule import get_event, list_rooms, list_slots
from hub.storage.models import SCHEDULED, Session, Slot, VersionCounter


@dataclass(frozen=True)
class BoardEvent:
    name: str
    timezone: str
    hashtag: str | None
    epoch: str


@dataclass(frozen=True)
class BoardRoom:
    id: str
    name: str
    capacity: int | None
    location: str | None


@dataclass(frozen=True)
class BoardSlot:
    """A one-hour slot: ``start``/``end`` aware UTC, ``day`` the event's local day."""

    id: int
    day: date
    start: datetime
    end: datetime


@dataclass(frozen=True)
class BoardSession:
    """A card. ``status`` is ``"scheduled"`` or ``"cancelled"``; times are aware UTC."""

    id: int
    room_id: str
    slot_id: int
    start: datetime
    end: datetime
    title: str
    description: str
    host_name: str
    host_handle: str
    full: bool
    status: str
    created_at: datetime
    updated_at: datetime

    @property
    def scheduled(self) -> bool:
        return self.status == SCHEDULED


@dataclass(frozen=True)
class Board:
    """Everything the feeds show. ``version`` is the last snapshot version handed out."""

    event: BoardEvent
    rooms: list[BoardRoom]
    slots: list[BoardSlot]
    sessions: list[BoardSession]
    version: int


def load_board(db: DbSession) -> Board:
    """The whole board; :class:`~hub.errors.NotFoundError` if no event was set up yet."""
    event = get_event(db)
    return Board(
        event=BoardEvent(event.name, event.timezone, event.hashtag, event.epoch),
        rooms=board_rooms(db),
        slots=[BoardSlot(s.id, s.day.date, s.start, s.end) for s in list_slots(db)],
        sessions=[_session(s) for s in _sessions_with_slots(db)],
        version=published_version(db),
    )


def board_rooms(db: DbSession) -> list[BoardRoom]:
    """Every room, in board order."""
    return [BoardRoom(r.id, r.name, r.capacity, r.location) for r in list_rooms(db)]


def published_version(db: DbSession) -> int:
    """The snapshot version counter: it moves whenever any room's door content changes."""
    value = db.scalar(select(VersionCounter.value).where(VersionCounter.id == COUNTER_ROW))
    return value or 0


def full_rooms_at(db: DbSession, at: datetime) -> set[str]:
    """Ids of the rooms whose scheduled session covering ``at`` is marked full."""
    query = (
        select(Session.room_id)
        .join(Slot)
        .where(Session.status == SCHEDULED, Session.full.is_(True))
        .where(Slot.start <= at, Slot.end > at)
    )
    return set(db.scalars(query))


def _sessions_with_slots(db: DbSession) -> list[Session]:
    """Every session in slot order, its slot loaded in the same query."""
    query = (
        select(Session)
        .join(Session.slot)
        .options(contains_eager(Session.slot))
        .order_by(Slot.start, Session.room_id, Session.id)
    )
    return list(db.scalars(query))


def _session(session: Session) -> BoardSession:
    return BoardSession(
        id=session.id, room_id=session.room_id, slot_id=session.slot_id,
        start=session.slot.start, end=session.slot.end, title=session.title,
        description=session.description, host_name=session.host_name,
        host_handle=session.host_handle, full=session.full, status=session.status,
        created_at=session.created_at, updated_at=session.updated_at,
    )  # fmt: skip
