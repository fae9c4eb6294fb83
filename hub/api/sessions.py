"""``/api/v1/sessions``: the cards on the board.

Reading is public. Creating is open to everyone (the public add-a-card call: free, unblocked
slots that are not over, answered with a private ``edit_url``) and to staff (any free,
unblocked slot). Editing, moving, cancelling, deleting and the full flag need a staff token or
the session's edit token. Every change goes through :mod:`hub.changes.sessions`: audited, then
the affected rooms are published (a move publishes both rooms).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status

from hub import repo
from hub.api.deps import AddCardGate, EditTokenDep, HubDep, OptionalStaff
from hub.api.responses import PathId, errors
from hub.api.schemas import FullUpdate, SessionCreate, SessionCreated, SessionPublic, SessionUpdate
from hub.audit import HOST, PUBLIC, Actor
from hub.changes import sessions as changes
from hub.changes.sessions import CardText, SessionChange
from hub.runtime import Hub
from hub.storage.models import StaffToken

router = APIRouter(prefix="/api/v1/sessions", tags=["sessions"], responses=errors(400, 422))


@router.get("", summary="List sessions")
def list_sessions(
    hub: HubDep, room_id: Annotated[str | None, Query()] = None
) -> list[SessionPublic]:
    """Every session (scheduled and cancelled) in slot order, optionally of one room."""
    with hub.database.reading() as db:
        return [SessionPublic.of(s, hub.links) for s in repo.list_sessions(db, room_id)]


@router.get("/{session_id}", summary="Get one session", responses=errors(404))
def get_session(session_id: PathId, hub: HubDep) -> SessionPublic:
    """The session, scheduled or cancelled."""
    with hub.database.reading() as db:
        return SessionPublic.of(repo.get_session(db, session_id), hub.links)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Add a card (public, or staff)",
    responses=errors(401, 404, 409, 429),
)
def create_session(
    body: SessionCreate, hub: HubDep, staff: OptionalStaff, _gate: AddCardGate
) -> SessionCreated:
    """Add a card. Without a staff token the answer carries the private ``edit_url``."""
    actor = PUBLIC if staff is None else Actor.token(staff.name)
    text = CardText(body.title, body.description, body.host_name, body.host_handle)
    card = changes.add_card(hub, actor, body.room_id, body.slot_id, text)
    created = SessionPublic.of(card.session, hub.links)
    edit_url = f"{created.url}/edit?token={card.edit_token}" if card.edit_token else None
    return SessionCreated(**created.model_dump(), edit_url=edit_url)


@router.patch(
    "/{session_id}",
    summary="Edit, move, cancel or restore a session",
    responses=errors(401, 403, 404, 409),
)
def update_session(
    session_id: PathId, body: SessionUpdate, hub: HubDep, staff: OptionalStaff, token: EditTokenDep
) -> SessionPublic:
    """Edit fields, move (``room_id``/``slot_id``), cancel or restore (``status``); staff may
    ``locked`` the card. Once staff cancel, move or lock it, its edit token may only withdraw
    it (``{"status": "cancelled"}``): anything else is a 409 saying why."""
    actor = _authorized(hub, session_id, staff, token)
    change = SessionChange(**body.model_dump())
    return SessionPublic.of(changes.update_session(hub, actor, session_id, change), hub.links)


@router.delete(
    "/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a session",
    response_class=Response,
    responses=errors(401, 403, 404, 409),
)
def delete_session(
    session_id: PathId, hub: HubDep, staff: OptionalStaff, token: EditTokenDep
) -> Response:
    """Remove the card entirely (to keep a "cancelled" note on the door, PATCH instead). With
    the edit token, a card staff cancelled, moved or locked cannot be removed (409)."""
    actor = _authorized(hub, session_id, staff, token)
    changes.delete_session(hub, actor, session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(
    "/{session_id}/full",
    summary="Mark a session full, or not",
    responses=errors(401, 403, 404, 409),
)
def set_full(
    session_id: PathId, body: FullUpdate, hub: HubDep, staff: OptionalStaff, token: EditTokenDep
) -> SessionPublic:
    """Mark the session full (``{"full": true}``) or not."""
    actor = _authorized(hub, session_id, staff, token)
    return SessionPublic.of(changes.set_full(hub, actor, session_id, body.full), hub.links)


def _authorized(hub: Hub, session_id: int, staff: StaffToken | None, token: str | None) -> Actor:
    """Who may change the session: staff, or a holder of its edit token; else 401/403."""
    if staff is not None:
        return Actor.token(staff.name)
    with hub.database.reading() as db:
        session = repo.get_session(db, session_id)
        if token is not None and repo.edit_token_matches(session, token):
            return HOST
    if token is not None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "that edit token is not for this session")
    raise HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "this needs a staff token or the session's edit token (?token=...)",
        headers={"WWW-Authenticate": "Bearer"},
    )
