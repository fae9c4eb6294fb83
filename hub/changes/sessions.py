"""Adding, editing, moving, cancelling, deleting a card, and its full flag."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session as DbSession

from hub import repo
from hub.audit import Actor, record, session_state
from hub.errors import ConflictError, InvalidError
from hub.repo import ideas as ideas_repo
from hub.runtime import Hub
from hub.storage.models import CANCELLED, SCHEDULED, Session


@dataclass(frozen=True)
class CardText:
    """What a host writes on a card (already stripped and within the length limits)."""

    title: str
    description: str = ""
    host_name: str = ""
    host_handle: str = ""


@dataclass(frozen=True)
class SessionChange:
    """A change to a card; ``None`` leaves a field alone. ``status`` cancels or restores;
    ``locked`` (staff only) puts a moderation hold on the card or lifts it."""

    title: str | None = None
    description: str | None = None
    host_name: str | None = None
    host_handle: str | None = None
    room_id: str | None = None
    slot_id: int | None = None
    status: str | None = None
    locked: bool | None = None


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
    restore, in that order; people who are not staff cannot move into a slot that is over.

    Moderation holds: when staff cancel, move or lock the card it is marked ``moderated``, and
    from then on anyone else (its edit link) may only withdraw it: any other change is a
    :class:`ConflictError` that says why. Only staff may lock or unlock.
    """
    with hub.database.transaction() as db:
        session = repo.get_session(db, session_id)
        if not actor.is_staff:
            require_not_held(session, change)
        before, told = session_state(session), repo.rooms_telling_of(db, session_id)
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
        if actor.is_staff:
            _hold(session, before, change)
        after = session_state(session)
        if after != before:
            record(db, actor, _action(before, after), f"session {session_id}", before, after,
                   hub.clock.now())  # fmt: skip
        told |= repo.rooms_telling_of(db, session_id)
    hub.publisher.publish_rooms(told)
    return session


def delete_session(hub: Hub, actor: Actor, session_id: int) -> None:
    """Remove the card entirely (cancel it instead to leave "cancelled" on the door). A card
    under a moderation hold can be removed by staff only (:class:`ConflictError`)."""
    with hub.database.transaction() as db:
        session = repo.get_session(db, session_id)
        if not actor.is_staff and session.moderated is not None:
            raise ConflictError(held_message(session))
        before, told = session_state(session), repo.rooms_telling_of(db, session_id)
        repo.delete_session(db, session_id)
        record(db, actor, "session.delete", f"session {session_id}", before, None,
               hub.clock.now())  # fmt: skip
    hub.publisher.publish_rooms(told)


def set_full(hub: Hub, actor: Actor, session_id: int, full: bool) -> Session:
    """Mark the session full or not; marking needs the session on now (a
    :class:`ConflictError` otherwise), since full means "on now and full"."""
    with hub.database.transaction() as db:
        before = session_state(repo.get_session(db, session_id))
        session = _loaded(repo.set_full(db, session_id, full, hub.clock.now()))
        after = session_state(session)
        if after != before:
            record(db, actor, "session.full", f"session {session_id}", before, after,
                   hub.clock.now())  # fmt: skip
    hub.publisher.publish_rooms([session.room_id])
    return session


HELD = (
    "Staff have {what} this card, so its edit link can no longer change, move or restore it. "
    "Ask the Open Spaces staff if something should change."
)


def require_not_held(session: Session, change: SessionChange) -> None:
    """:class:`ConflictError` if a moderation hold forbids ``change`` to someone not staff
    (withdrawing, i.e. cancelling, stays allowed); :class:`InvalidError` for ``locked``."""
    if change.locked is not None:
        raise InvalidError("only staff can lock or unlock a card")
    withdraw_only = change == SessionChange(status=CANCELLED)
    if session.moderated is not None and not withdraw_only:
        raise ConflictError(held_message(session))


def held_message(session: Session) -> str:
    """Why the host's edit link cannot change the card (for the page and the API)."""
    return HELD.format(what=session.moderated or "locked")


def _hold(session: Session, before: dict[str, object], change: SessionChange) -> None:
    """Record a staff moderation: a cancel, a move, or an explicit lock (``locked=False``
    lifts any hold)."""
    if change.locked is not None:
        session.moderated = "locked" if change.locked else None
    elif session.status == CANCELLED and before["status"] != CANCELLED:
        session.moderated = "cancelled"
    elif (before["room_id"], before["slot_id"]) != (session.room_id, session.slot_id):
        session.moderated = "moved"


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
    if before["moderated"] != after["moderated"] and after["moderated"] in ("locked", None):
        return "session.lock" if after["moderated"] else "session.unlock"
    return "session.edit"
