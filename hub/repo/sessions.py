"""SQL for sessions (the cards on the board): add, edit, move, cancel, restore, delete, full.

Functions take an open session (``db``) inside the caller's transaction and only flush; the
caller commits and then publishes the rooms the change touched.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from hub.errors import ConflictError, InvalidError, NotFoundError
from hub.repo.schedule import describe_slot, find_block, get_room, get_slot, scheduled_at
from hub.storage.models import CANCELLED, SCHEDULED, MovedNotice, Room, Session, Slot


def add_session(
    db: DbSession,
    room_id: str,
    slot_id: int,
    title: str,
    description: str = "",
    host_name: str = "",
    host_handle: str = "",
    *,
    full: bool = False,
) -> Session:
    """Put a session in a free, unblocked room+slot."""
    room, slot = get_room(db, room_id), get_slot(db, slot_id)
    _require_free(db, room, slot)
    session = Session(
        room_id=room_id, slot_id=slot_id, title=title, description=description,
        host_name=host_name, host_handle=host_handle, full=full, status=SCHEDULED,
    )  # fmt: skip
    db.add(session)
    _flush_or_conflict(db, room, slot)
    return session


def issue_edit_token(db: DbSession, session_id: int) -> str:
    """A new private edit token for the session (only its hash is stored); replaces any old one."""
    token = secrets.token_urlsafe(24)
    get_session(db, session_id).edit_token_hash = hash_token(token)
    db.flush()
    return token


def hash_token(token: str) -> str:
    """SHA-256 hex digest: how edit and staff tokens are stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def edit_token_matches(session: Session, token: str) -> bool:
    expected = session.edit_token_hash
    return expected is not None and secrets.compare_digest(expected, hash_token(token))


def get_session(db: DbSession, session_id: int) -> Session:
    session = db.get(Session, session_id)
    if session is None:
        raise NotFoundError(f"there is no session {session_id}")
    return session


def list_sessions(db: DbSession, room_id: str | None = None) -> list[Session]:
    """Sessions (scheduled and cancelled) in slot order, optionally of one room."""
    query = select(Session).join(Slot).order_by(Slot.start, Session.room_id, Session.id)
    if room_id is not None:
        query = query.where(Session.room_id == room_id)
    return list(db.scalars(query))


def edit_session(
    db: DbSession,
    session_id: int,
    *,
    title: str | None = None,
    description: str | None = None,
    host_name: str | None = None,
    host_handle: str | None = None,
) -> Session:
    """Change the card's text; ``None`` leaves a field as it is."""
    session = get_session(db, session_id)
    changes = {
        "title": title, "description": description, "host_name": host_name,
        "host_handle": host_handle,
    }  # fmt: skip
    for field, value in changes.items():
        if value is not None and getattr(session, field) != value:
            setattr(session, field, value)
    db.flush()
    return session


def move_session(
    db: DbSession, session_id: int, room_id: str | None = None, slot_id: int | None = None
) -> Session:
    """Move a scheduled session; the room+slot it leaves shows "Moved to <room>"."""
    session = get_session(db, session_id)
    if session.status != SCHEDULED:
        raise ConflictError("a cancelled session cannot be moved; restore it first")
    room = get_room(db, room_id or session.room_id)
    slot = get_slot(db, slot_id or session.slot_id)
    if (room.id, slot.id) == (session.room_id, session.slot_id):
        return session
    _require_free(db, room, slot)
    db.add(MovedNotice(room_id=session.room_id, slot_id=session.slot_id, session_id=session.id))
    _drop_notices(db, session.id, room.id, slot.id)
    session.room_id, session.slot_id = room.id, slot.id
    session.full = False  # full described the room it left, at the time it left
    _flush_or_conflict(db, room, slot)
    db.refresh(session)
    return session


def cancel_session(db: DbSession, session_id: int) -> Session:
    """Cancel: the card stays, marked cancelled (no longer full), and its slot is free again."""
    session = get_session(db, session_id)
    session.status = CANCELLED
    session.full = False
    db.flush()
    return session


def restore_session(db: DbSession, session_id: int) -> Session:
    """Undo a cancellation, if the slot is still free."""
    session = get_session(db, session_id)
    if session.status == SCHEDULED:
        return session
    _require_free(db, session.room, session.slot)
    session.status = SCHEDULED
    _flush_or_conflict(db, session.room, session.slot)
    return session


def delete_session(db: DbSession, session_id: int) -> str:
    """Remove the card (and its moved notices) entirely; return the room it was in."""
    session = get_session(db, session_id)
    room_id = session.room_id
    _drop_notices(db, session.id)
    db.delete(session)
    db.flush()
    return room_id


def set_full(db: DbSession, session_id: int, full: bool, now: datetime | None) -> Session:
    """Mark the session full (or not). Full means "on now and full": marking it needs the
    session on at ``now`` (:class:`ConflictError` otherwise; None: the caller has judged that,
    as the press path does with its clock allowance). Clearing is always allowed."""
    session = get_session(db, session_id)
    if session.status != SCHEDULED:
        raise InvalidError("a cancelled session cannot be marked full")
    if full and now is not None and not session.slot.start <= now < session.slot.end:
        when = describe_slot(db, session.slot)
        raise ConflictError(
            f"this session is not on now (it is at {when}): a room can be marked full only "
            "while its session is on"
        )
    session.full = full
    db.flush()
    return session


def current_session(db: DbSession, room_id: str, at: datetime) -> Session | None:
    """The scheduled session in ``room_id`` whose slot covers ``at`` (``start <= at < end``)."""
    query = (
        select(Session)
        .join(Slot)
        .where(Session.room_id == room_id, Session.status == SCHEDULED)
        .where(Slot.start <= at, Slot.end > at)
    )
    return db.scalars(query).first()


def moved_notices(db: DbSession, room_id: str) -> list[MovedNotice]:
    """The "moved away" notices left on ``room_id``, oldest first."""
    query = select(MovedNotice).where(MovedNotice.room_id == room_id)
    return list(db.scalars(query.order_by(MovedNotice.id)))


def rooms_telling_of(db: DbSession, session_id: int) -> set[str]:
    """The rooms whose doors speak of the session: its own, and every room it was moved away
    from (their "Moved to" notice changes, or goes, whenever the session does)."""
    session = get_session(db, session_id)
    query = select(MovedNotice.room_id).where(MovedNotice.session_id == session_id)
    return {session.room_id, *db.scalars(query)}


def _drop_notices(
    db: DbSession, session_id: int, room_id: str | None = None, slot_id: int | None = None
) -> None:
    query = select(MovedNotice).where(MovedNotice.session_id == session_id)
    if room_id is not None:
        query = query.where(MovedNotice.room_id == room_id, MovedNotice.slot_id == slot_id)
    for notice in db.scalars(query):
        db.delete(notice)


def _require_free(db: DbSession, room: Room, slot: Slot) -> None:
    block = find_block(db, room.id, slot.id)
    if block is not None:
        when = describe_slot(db, slot)
        raise ConflictError(f"{room.name} is blocked at {when} for {block.label}")
    if scheduled_at(db, room.id, slot.id) is not None:
        raise ConflictError(f"{room.name} already has a session at {describe_slot(db, slot)}")


def _flush_or_conflict(db: DbSession, room: Room, slot: Slot) -> None:
    """Flush; a booking made meanwhile by another transaction becomes a ConflictError.

    The message is worded before the flush: once a flush fails, the transaction is over and
    nothing more can be read in it (PostgreSQL, where concurrent bookings really race).
    """
    with db.no_autoflush:
        clash = f"{room.name} already has a session at {describe_slot(db, slot)}"
    try:
        db.flush()
    except IntegrityError:
        raise ConflictError(clash) from None
