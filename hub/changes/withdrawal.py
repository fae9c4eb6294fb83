"""A host withdrawing their card, and undoing that for a while.

Withdrawing is :func:`hub.changes.sessions.update_session` with ``status="cancelled"`` (the
audit log records it as ``session.cancel`` by ``host (edit link)``). :func:`undo_withdraw`
puts the card back within :data:`UNDO_WINDOW` of the host's last withdrawal, through the same
``update_session`` (recorded as ``session.restore``), if its slot is still free; otherwise it
raises :class:`~hub.errors.ConflictError` saying why, in words for the host.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from hub import repo
from hub.audit import HOST, Actor
from hub.changes.sessions import SessionChange, held_message, update_session
from hub.errors import ConflictError
from hub.runtime import Hub
from hub.storage.models import CANCELLED, AuditEntry, Session

#: How long after withdrawing a host may put the card back with its edit link.
UNDO_WINDOW = timedelta(minutes=10)


def withdrawn_at(db: DbSession, session_id: int) -> datetime | None:
    """When the host last withdrew the card (the audit log's ``session.cancel`` by the edit
    link), or ``None`` if the card is not withdrawn by its host."""
    query = (
        select(AuditEntry.at)
        .where(AuditEntry.target == f"session {session_id}")
        .where(AuditEntry.action == "session.cancel", AuditEntry.actor == HOST.label)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return db.scalar(query)


def undo_until(db: DbSession, session: Session) -> datetime | None:
    """Until when the host may undo the withdrawal of ``session`` (``None``: nothing to undo,
    because it is not cancelled, staff cancelled it, or no host withdrew it)."""
    if session.status != CANCELLED or session.moderated is not None:
        return None
    at = withdrawn_at(db, session.id)
    return None if at is None else at + UNDO_WINDOW


def undo_withdraw(hub: Hub, session_id: int, actor: Actor = HOST) -> Session:
    """Put a withdrawn card back on the board (see the module docstring)."""
    now = hub.clock.now()
    with hub.database.reading() as db:
        session = repo.get_session(db, session_id)
        if session.status != CANCELLED:
            return session
        if session.moderated is not None:
            raise ConflictError(held_message(session))
        until = undo_until(db, session)
        if until is None or until <= now:
            minutes = int(UNDO_WINDOW.total_seconds() // 60)
            raise ConflictError(
                f"Withdrawing can only be undone for {minutes} minutes. Add the card again "
                "if its slot is still free."
            )
    try:
        return update_session(hub, actor, session_id, SessionChange(status="scheduled"))
    except ConflictError as exc:
        raise ConflictError(
            f"Your card cannot go back in its slot: {exc} since you withdrew it. "
            "Add it again in another free slot."
        ) from None
