"""``/api/v1/ideas``: the ideas wall. Posting and taking up an idea are public and rate limited
like adding a card; taking one up answers like a new card (with the private ``edit_url``)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from hub.api.board_schemas import IdeaCreate, IdeaHost, IdeaOut
from hub.api.deps import AddCardGate, HubDep, OptionalStaff, StaffDep
from hub.api.responses import PathId, errors
from hub.api.schemas import SessionCreated, SessionPublic
from hub.audit import PUBLIC, Actor
from hub.changes import ideas as changes
from hub.changes.sessions import CardText
from hub.repo import ideas as ideas_repo

router = APIRouter(prefix="/api/v1/ideas", tags=["ideas"], responses=errors(400, 422))


@router.get("", summary="List ideas")
def list_ideas(hub: HubDep) -> list[IdeaOut]:
    """Every idea, newest first; ``session_id`` is set once someone hosts it."""
    with hub.database.reading() as db:
        return [IdeaOut.of(idea) for idea in ideas_repo.list_ideas(db)]


@router.post(
    "", status_code=status.HTTP_201_CREATED, summary="Post an idea", responses=errors(401, 429)
)
def post_idea(body: IdeaCreate, hub: HubDep, staff: OptionalStaff, _gate: AddCardGate) -> IdeaOut:
    """Post a topic you would like to see, without hosting it."""
    actor = PUBLIC if staff is None else Actor.token(staff.name)
    return IdeaOut.of(changes.post_idea(hub, actor, body.title, body.description, body.proposer))


@router.post(
    "/{idea_id}/host",
    status_code=status.HTTP_201_CREATED,
    summary="Host an idea: it becomes a card",
    responses=errors(401, 404, 409, 429),
)
def host_idea(
    idea_id: PathId, body: IdeaHost, hub: HubDep, staff: OptionalStaff, _gate: AddCardGate
) -> SessionCreated:
    """Take the idea up as its host: it becomes a card in a free slot."""
    actor = PUBLIC if staff is None else Actor.token(staff.name)
    with hub.database.reading() as db:
        idea = ideas_repo.get_idea(db, idea_id)
        text = CardText(
            body.title or idea.title,
            idea.description if body.description is None else body.description,
            body.host_name, body.host_handle,
        )  # fmt: skip
    card = changes.host_idea(hub, actor, idea_id, body.room_id, body.slot_id, text)
    created = SessionPublic.of(card.session, hub.links)
    edit_url = f"{created.url}/edit?token={card.edit_token}" if card.edit_token else None
    return SessionCreated(**created.model_dump(), edit_url=edit_url)


@router.delete(
    "/{idea_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove an idea (staff)",
    responses=errors(401, 404),
)
def remove_idea(idea_id: PathId, hub: HubDep, staff: StaffDep) -> Response:
    """Take an idea off the wall (staff)."""
    changes.remove_idea(hub, Actor.token(staff.name), idea_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
