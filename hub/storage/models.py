"""The hub's tables, as typed SQLAlchemy ORM classes.

Times are stored as UTC (naive in the column, aware in Python: see :class:`UTCDateTime`), so the
same schema works on SQLite and PostgreSQL. The schema itself is created by the Alembic
migrations in ``hub/migrations``; these classes must match them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

SCHEDULED = "scheduled"
CANCELLED = "cancelled"


def utc_now() -> datetime:
    """Wall-clock time for record-keeping columns (created/updated); never for schedule logic."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC; comes back aware (UTC) on every database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the hub stores only timezone-aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Event(Base):
    """The conference (one per database). ``epoch`` is random, made with the database."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    hashtag: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(300))
    epoch: Mapped[str] = mapped_column(String(64))


class Day(Base):
    __tablename__ = "days"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[date] = mapped_column(Date, unique=True)


class Slot(Base):
    """A one-hour slot, ``[start, end)`` in UTC, on the event day it starts in."""

    __tablename__ = "slots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("days.id", ondelete="CASCADE"), index=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime(), unique=True)
    end: Mapped[datetime] = mapped_column(UTCDateTime())

    day: Mapped[Day] = relationship()


class Room(Base):
    """A room; ``id`` is a slug that stands in MQTT topics (``shared.topics.check_id``)."""

    __tablename__ = "rooms"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


class BlockedSlot(Base):
    """A room+slot taken by another event, named in ``label``.

    ``source`` is None for a block staff made by hand, ``"program"`` for one a programme import
    made (``source_ref``: the talk's guid or id); an import changes only blocks of its source.
    """

    __tablename__ = "blocked_slots"
    __table_args__ = (UniqueConstraint("room_id", "slot_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(16), default=None)
    source_ref: Mapped[str | None] = mapped_column(String(200), default=None)


class SlotOwner(Base):
    """Who holds a room+slot: ``"block"`` or ``"session"`` (a scheduled one). Kept by database
    triggers (migration 0006), never written by the hub: its primary key is what makes a
    slot blocked or booked, never both, even when two hubs race."""

    __tablename__ = "slot_owners"

    room_id: Mapped[str] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("slots.id", ondelete="CASCADE"), primary_key=True
    )
    owner: Mapped[str] = mapped_column(String(16))


class Session(Base):
    """An Open Space session: the paper card, in a room and slot.

    At most one ``scheduled`` session per room+slot (a partial unique index enforces it);
    cancelled ones stay so the door can say so.
    """

    __tablename__ = "sessions"
    __table_args__ = (
        Index(
            "uq_sessions_room_slot_scheduled",
            "room_id",
            "slot_id",
            unique=True,
            sqlite_where=text("status = 'scheduled'"),
            postgresql_where=text("status = 'scheduled'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    host_name: Mapped[str] = mapped_column(String(200), default="")
    host_handle: Mapped[str] = mapped_column(String(200), default="")
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=SCHEDULED)
    edit_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Set when staff cancel ("cancelled"), move ("moved") or lock ("locked") the card: its
    #: edit link may then no longer change, move or restore it. None: the host's to edit.
    moderated: Mapped[str | None] = mapped_column(String(16), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)

    room: Mapped[Room] = relationship()
    slot: Mapped[Slot] = relationship()


class MovedNotice(Base):
    """A "Moved to <room>" notice, left on the room+slot a session was moved away from."""

    __tablename__ = "moved_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    session: Mapped[Session] = relationship()


class Announcement(Base):
    """A staff announcement, site-wide (``room_id`` None) or for one room."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(280))
    room_id: Mapped[str | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class Node(Base):
    """A door node: the room it shows, its panel and what it last reported."""

    __tablename__ = "nodes"

    node_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    room_id: Mapped[str | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    panel: Mapped[str | None] = mapped_column(String(64))
    last_status: Mapped[str | None] = mapped_column(Text)
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime())
    online: Mapped[bool] = mapped_column(Boolean, default=False)


class ProcessedEvent(Base):
    """A button event already applied; its id as primary key makes processing exactly-once."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    node_id: Mapped[str] = mapped_column(String(64))
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class PublishedSnapshot(Base):
    """The last snapshot stored (and published) for a room."""

    __tablename__ = "published_snapshots"

    room_id: Mapped[str] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)


class VersionCounter(Base):
    """One row: the last snapshot version handed out (monotonic across rooms)."""

    __tablename__ = "version_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class StaffToken(Base):
    """A staff API token, stored as the SHA-256 hex digest of the token."""

    __tablename__ = "staff_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class StaffUser(Base):
    """A staff member who logs in to the staff area; ``password_hash`` is an argon2 hash."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class StaffLogin(Base):
    """A logged-in browser: the SHA-256 digest of its cookie's random id, and its CSRF token."""

    __tablename__ = "staff_logins"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    user: Mapped[StaffUser] = relationship()


class AuditEntry(Base):
    """One change to the board: who (``actor``), what (``action`` on ``target``), when, and the
    target's state before and after as JSON (``null`` for a creation or a removal)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


class Idea(Base):
    """A topic on the ideas wall; ``session_id`` is the card it became once someone hosts it."""

    __tablename__ = "ideas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    proposer: Mapped[str] = mapped_column(String(200), default="")
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    session: Mapped[Session | None] = relationship()
