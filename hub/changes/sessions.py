"""Adding, editing, moving, cancelling, deleting a card, and its full flag."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session as DbSession

from hub import repository as repo
from hub.audit import Actor, record, session_state
from hub.errors import ConflictError
from hub.models import SCHEDULED, Session
from hub.repo import ideas as ideas_repo
from hub.runtime import Hub


@dataclass(frozen=True)
class CardText:
    """What a host writes on a card (already stripped and within the length limits)."""

    title: str
    description: str = ""
    host_name: str = ""
    host_handle: str = ""


@dataclass(frozen=True)
class SessionChange:
    """A change to a card; ``None`` leaves a field alone. ``status`` cancels or restores."""

    title: str | None = None
    description: str | None = None
    host_name: str | None = None
    host_handle: str | None = None
    room_id: str | None = None
    slot_id: int | None = None
    status: str | None = None


@dataclass(frozen=True)
class NewCard:
    """A card just added; ``edit_token`` (for people who are not staff) is shown once."""

    session: Session
    edit_token: str | None


def add_card(
    hub: Hub, actor: Actor, room_id: str, slot_id: int, text: CardText,
    *, idea_id: int | None = None,
) -> NewCard:  # fmt: skip
    """Put a card in a free, unblocked slot (not over yet, unless staff add it).

    People who are not staff get a private edit token. With ``idea_id`` the card hosts that
    idea from the ideas wall (refused if someone hosts it already).
    """
    with hub.database.transaction() as db:
        if not actor.is_staff:
            require_not_over(db, hub, slot_id)
        session = repo.add_session(
            db, room_id, slot_id, text.title, text.description, text.host_name, text.host_handle
        )
        token = None if actor.is_staff else repo.issue_edit_token(db, session.id)
        if idea_id is not None:
            ideas_repo.attach_session(db, idea_id, session.id)
        _loaded(session)
        action = "session.add" if idea_id is None else "idea.host"
        record(db, actor, action, f"session {session.id}", None, session_state(session),
               hub.clock.now())  # fmt: skip
    hub.publisher.publish_rooms([room_id])
    return NewCard(session, token)


def update_session(hub: Hub, actor: Actor, session_id: int, change: SessionChange) -> Session:
    """Edit text, move (``room_id``/``slot_id``; the old place says "Moved to …"), cancel or
    restore, in that order; people who are not staff cannot move into a slot that is over."""
    with hub.database.transaction() as db:
        session = repo.get_session(db, session_id)
        before, old_room = session_state(session), session.room_id
        if change.status == SCHEDULED:
            repo.restore_session(db, session_id)
        repo.edit_session(
            db, session_id, title=change.title, description=change.description,
            host_name=change.host_name, host_handle=change.host_handle,
        )  # fmt: skip
        if change.room_id is not None or change.slot_id is not None:
            if not actor.is_staff and change.slot_id is not None:
                require_not_over(db, hub, change.slot_id)
            repo.move_session(db, session_id, change.room_id, change.slot_id)
        if change.status == "cancelled":
            repo.cancel_session(db, session_id)
        session = _loaded(repo.get_session(db, session_id))
        after = session_state(session)
        if after != before:
            record(db, actor, _action(before, after), f"session {session_id}", before, after,
                   hub.clock.now())  # fmt: skip
    hub.publisher.publish_rooms([old_room, session.room_id])
    return session


def delete_session(hub: Hub, actor: Actor, session_id: int) -> None:
    """Remove the card entirely (cancel it instead to leave "cancelled" on the door)."""
    with hub.database.transaction() as db:
        before = session_state(repo.get_session(db, session_id))
        room_id = repo.delete_session(db, session_id)
        record(db, actor, "session.delete", f"session {session_id}", before, None,
               hub.clock.now())  # fmt: skip
    hub.publisher.publish_rooms([room_id])


def set_full(hub: Hub, actor: Actor, session_id: int, full: bool) -> Session:
    """Mark the session full or not (the board and doors show it while the session is on)."""
    with hub.database.transaction() as db:
        before = session_state(repo.get_session(db, session_id))
        session = _loaded(repo.set_full(db, session_id, full))
        after = session_state(session)
        if after != before:
            record(db, actor, "session.full", f"session {session_id}", before, after,
                   hub.clock.now())  # fmt: skip
    hub.publisher.publish_rooms([session.room_id])
    return session


def require_not_over(db: DbSession, hub: Hub, slot_id: int) -> None:
    """:class:`ConflictError` if the slot has ended by the hub's clock."""
    slot = repo.get_slot(db, slot_id)
    if slot.end <= hub.clock.now():
        raise ConflictError(f"the slot at {repo.describe_slot(db, slot)} is already over")


def _loaded(session: Session) -> Session:
    """Touch the relationships readers use after the transaction (the session is detached)."""
    _ = session.room.name, session.slot.start
    return session


def _action(before: dict[str, object], after: dict[str, object]) -> str:
    if before["status"] != after["status"]:
        return "session.cancel" if after["status"] == "cancelled" else "session.restore"
    if (before["room_id"], before["slot_id"]) != (after["room_id"], after["slot_id"]):
        return "session.move"
    return "session.edit"
