"""SQL for what the hub publishes: stored snapshots, the version counter, announcements."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session as DbSession

from hub.storage.models import Announcement, PublishedSnapshot, VersionCounter

COUNTER_ROW = 1


def next_version(db: DbSession) -> int:
    """Take the next snapshot version (monotonic across rooms) inside the caller's transaction.

    The counter row is written before it is read, so concurrent writers queue on its lock.
    """
    db.execute(
        update(VersionCounter)
        .where(VersionCounter.id == COUNTER_ROW)
        .values(value=VersionCounter.value + 1)
    )
    value = db.scalar(select(VersionCounter.value).where(VersionCounter.id == COUNTER_ROW))
    assert value is not None, "the migration creates the counter row"
    return value


def stored_snapshot(db: DbSession, room_id: str) -> PublishedSnapshot | None:
    return db.get(PublishedSnapshot, room_id)


def stored_snapshots(db: DbSession) -> list[PublishedSnapshot]:
    return list(db.scalars(select(PublishedSnapshot).order_by(PublishedSnapshot.room_id)))


def store_snapshot(db: DbSession, room_id: str, version: int, hash_: str, payload: str) -> None:
    """Keep ``payload`` as the room's latest snapshot."""
    row = db.get(PublishedSnapshot, room_id)
    if row is None:
        db.add(PublishedSnapshot(room_id=room_id, version=version, hash=hash_, payload=payload))
    else:
        row.version, row.hash, row.payload = version, hash_, payload
    db.flush()


def add_announcement(
    db: DbSession, text: str, room_id: str | None = None, expires_at: datetime | None = None
) -> Announcement:
    """A staff announcement, for one room or (``room_id=None``) the whole site."""
    announcement = Announcement(text=text, room_id=room_id, expires_at=expires_at)
    db.add(announcement)
    db.flush()
    return announcement


def active_announcements(
    db: DbSession, at: datetime, room_id: str | None = None
) -> list[Announcement]:
    """Announcements not expired at ``at``: site-wide ones, plus ``room_id``'s when given."""
    query = select(Announcement).where(
        or_(Announcement.expires_at.is_(None), Announcement.expires_at > at)
    )
    if room_id is None:
        query = query.where(Announcement.room_id.is_(None))
    else:
        query = query.where(or_(Announcement.room_id.is_(None), Announcement.room_id == room_id))
    return list(db.scalars(query.order_by(Announcement.id)))
