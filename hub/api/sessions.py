"""``/api/v1/sessions``: the cards on the board.

Reading is public. Creating is open to everyone (the public add-a-card call: free, unblocked
slots that are not over, answered with a private ``edit_url``) and to staff (any free,
unblocked slot). Editing, moving, cancelling, deleting and the full flag need a staff token or
the session's edit token. After each committed change the affected rooms are published (a move
publishes both rooms).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status
from sqlalchemy.orm import Session as DbSession

from hub import repository as repo
from hub.api.deps import AddCardGate, EditTokenDep, HubDep, OptionalStaff
from hub.api.schemas import FullUpdate, SessionCreate, SessionCreated, SessionPublic, SessionUpdate
from hub.errors import ConflictError
from hub.models import Session, StaffToken
from hub.runtime import Hub

router = APIRouter(prefix="/api/v1/sessions", tags=["sessions"])


@router.get("")
def list_sessions(
    hub: HubDep, room_id: Annotated[str | None, Query()] = None
) -> list[SessionPublic]:
    """Every session (scheduled and cancelled) in slot order, optionally of one room."""
    with hub.database.transaction() as db:
        return [SessionPublic.of(s, hub.links) for s in repo.list_sessions(db, room_id)]


@router.get("/{session_id}")
def get_session(session_id: int, hub: HubDep) -> SessionPublic:
    with hub.database.transaction() as db:
        return SessionPublic.of(repo.get_session(db, session_id), hub.links)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_session(
    body: SessionCreate, hub: HubDep, staff: OptionalStaff, _gate: AddCardGate
) -> SessionCreated:
    """Add a card. Without a staff token the answer carries the private ``edit_url``."""
    with hub.database.transaction() as db:
        if staff is None:
            _require_not_over(db, hub, body.slot_id)
        session = repo.add_session(
            db, body.room_id, body.slot_id, body.title, body.description, body.host_name,
            body.host_handle,
        )  # fmt: skip
        token = repo.issue_edit_token(db, session.id) if staff is None else None
        created = SessionPublic.of(session, hub.links)
    hub.publisher.publish_rooms([created.room_id])
    edit_url = f"{created.url}/edit?token={token}" if token else None
    return SessionCreated(**created.model_dump(), edit_url=edit_url)


@router.patch("/{session_id}")
def update_session(
    session_id: int, body: SessionUpdate, hub: HubDep, staff: OptionalStaff, token: EditTokenDep
) -> SessionPublic:
    """Edit fields, move (``room_id``/``slot_id``), cancel or restore (``status``)."""
    with hub.database.transaction() as db:
        session = _authorized(db, session_id, staff, token)
        old_room = session.room_id
        if body.status == "scheduled":
            repo.restore_session(db, session_id)
        repo.edit_session(
            db, session_id, title=body.title, description=body.description,
            host_name=body.host_name, host_handle=body.host_handle,
        )  # fmt: skip
        if body.room_id is not None or body.slot_id is not None:
            if staff is None and body.slot_id is not None:
                _require_not_over(db, hub, body.slot_id)
            repo.move_session(db, session_id, body.room_id, body.slot_id)
        if body.status == "cancelled":
            repo.cancel_session(db, session_id)
        updated = SessionPublic.of(repo.get_session(db, session_id), hub.links)
    hub.publisher.publish_rooms([old_room, updated.room_id])
    return updated


@router.delete("/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_session(
    session_id: int, hub: HubDep, staff: OptionalStaff, token: EditTokenDep
) -> Response:
    """Remove the card entirely (to keep a "cancelled" note on the door, PATCH instead)."""
    with hub.database.transaction() as db:
        _authorized(db, session_id, staff, token)
        room_id = repo.delete_session(db, session_id)
    hub.publisher.publish_rooms([room_id])
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/{session_id}/full")
def set_full(
    session_id: int, body: FullUpdate, hub: HubDep, staff: OptionalStaff, token: EditTokenDep
) -> SessionPublic:
    """Mark the session full (``{"full": true}``) or not."""
    with hub.database.transaction() as db:
        _authorized(db, session_id, staff, token)
        updated = SessionPublic.of(repo.set_full(db, session_id, body.full), hub.links)
    hub.publisher.publish_rooms([updated.room_id])
    return updated


def _authorized(
    db: DbSession, session_id: int, staff: StaffToken | None, token: str | None
) -> Session:
    """The session, if the caller is staff or holds its edit token; else 401/403."""
    session = repo.get_session(db, session_id)
    if staff is not None or (token is not None and repo.edit_token_matches(session, token)):
        return session
    if token is not None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "that edit token is not for this session")
    raise HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "this needs a staff token or the session's edit token (?token=...)",
        headers={"WWW-Authenticate": "Bearer"},
    )


def _require_not_over(db: DbSession, hub: Hub, slot_id: int) -> None:
    slot = repo.get_slot(db, slot_id)
    if slot.end <= hub.clock.now():
        raise ConflictError(f"the slot at {repo.describe_slot(db, slot)} is already over")
